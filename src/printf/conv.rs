//! The engine's main loop: literal text, then one conversion after another,
//! each with its arguments fetched in order or, for `n$` formats, from a
//! table read up front.

use super::spec::{self, Kind, Len, Num, Spec};
use super::{float, int, Args, Counted, Error, Out};
use crate::float::Float;
use crate::{cstr, error_text};

/// Where a conversion's arguments come from: in order (`pos` 0) or by number.
trait Fetch {
    /// Argument `pos` (1-based; 0: the next one) as an integer.
    ///
    /// # Safety
    /// That argument is an integer or a pointer.
    unsafe fn int(&mut self, pos: usize) -> u64;
    /// # Safety
    /// That argument is a double.
    unsafe fn double(&mut self, pos: usize) -> f64;
    /// # Safety
    /// That argument is a long double.
    unsafe fn long_double(&mut self, pos: usize) -> u128;
    /// True once a conversion has taken an argument.
    fn started(&self) -> bool;
}

/// Arguments in order, straight from the caller's list.
struct InOrder<'a> {
    args: &'a mut dyn Args,
    used: bool,
}

impl Fetch for InOrder<'_> {
    unsafe fn int(&mut self, _: usize) -> u64 {
        self.used = true;
        // SAFETY: per the caller.
        unsafe { self.args.int() }
    }
    unsafe fn double(&mut self, _: usize) -> f64 {
        self.used = true;
        // SAFETY: per the caller.
        unsafe { self.args.double() }
    }
    unsafe fn long_double(&mut self, _: usize) -> u128 {
        self.used = true;
        // SAFETY: per the caller.
        unsafe { self.args.long_double() }
    }
    fn started(&self) -> bool {
        self.used
    }
}

/// Most arguments a positional format may number (glibc allows more; C
/// guarantees 127 arguments to a call, and `NL_ARGMAX` is at least 9).
const MAX_POSITIONAL: usize = 128;

/// Arguments read up front for a format with `n$` conversions; unnumbered
/// conversions in it take argument 1, 2, ... in turn, as glibc's do.
struct Numbered {
    values: [u128; MAX_POSITIONAL],
    next: usize,
}

impl Numbered {
    fn get(&mut self, pos: usize) -> u128 {
        let i = if pos == 0 {
            self.next += 1;
            self.next - 1
        } else {
            pos - 1
        };
        self.values.get(i).copied().unwrap_or(0)
    }
}

impl Fetch for Numbered {
    unsafe fn int(&mut self, pos: usize) -> u64 {
        self.get(pos) as u64
    }
    unsafe fn double(&mut self, pos: usize) -> f64 {
        f64::from_bits(self.get(pos) as u64)
    }
    unsafe fn long_double(&mut self, pos: usize) -> u128 {
        self.get(pos)
    }
    fn started(&self) -> bool {
        true
    }
}

/// Formats `fmt` onto `w`.
///
/// # Safety
/// As `printf::format`.
pub(super) unsafe fn run(w: &mut Counted, fmt: *const u8, args: &mut dyn Args, errno: i32) -> Result<(), Error> {
    let mut src = InOrder { args, used: false };
    // SAFETY: per the caller.
    unsafe { body(w, fmt, &mut src, errno) }
}

/// The loop over `fmt`. A numbered (`n$`) conversion before any argument
/// was taken switches to [`Numbered`] for the rest of the format.
///
/// # Safety
/// As `printf::format`.
unsafe fn body(w: &mut Counted, fmt: *const u8, src: &mut dyn Fetch, errno: i32) -> Result<(), Error> {
    let mut p = fmt;
    // SAFETY: every read stops at the format's NUL; the conversions read
    // the arguments the format describes, as the caller guarantees.
    unsafe {
        loop {
            let run = cstr::span_until(p, b'%');
            if run > 0 {
                w.put(core::slice::from_raw_parts(p, run));
                p = p.add(run);
            }
            if *p == 0 {
                return Ok(());
            }
            let (s, next) = spec::parse(p.add(1));
            if s.pos != 0 && !src.started() {
                return numbered(w, p, src, errno);
            }
            p = next;
            convert(w, &s, src, errno)?;
        }
    }
}

/// Reads the arguments of the `n$` format at `fmt` into a table, then
/// formats it from the table.
///
/// # Safety
/// As `printf::format`.
#[inline(never)]
unsafe fn numbered(w: &mut Counted, fmt: *const u8, src: &mut dyn Fetch, errno: i32) -> Result<(), Error> {
    let mut kinds = [Kind::None; MAX_POSITIONAL];
    let mut count = 0;
    let mut next = 0;
    let mut note = |pos: usize, kind: Kind| -> Result<(), Error> {
        let i = if pos == 0 {
            next += 1;
            next - 1
        } else {
            pos - 1
        };
        *kinds.get_mut(i).ok_or(Error::Invalid)? = kind;
        count = count.max(i + 1);
        Ok(())
    };
    let mut p = fmt;
    // SAFETY: reads stop at the NUL.
    unsafe {
        while *p != 0 {
            if *p != b'%' {
                p = p.add(1);
                continue;
            }
            let (s, next) = spec::parse(p.add(1));
            p = next;
            if let Num::Arg(i) = s.width {
                note(i, Kind::Int)?;
            }
            if let Num::Arg(i) = s.prec {
                note(i, Kind::Int)?;
            }
            if s.kind() != Kind::None {
                note(s.pos, s.kind())?;
            }
        }
    }
    let mut table = Numbered { values: [0; MAX_POSITIONAL], next: 0 };
    for (value, kind) in table.values.iter_mut().zip(kinds).take(count) {
        // SAFETY: the format says argument i has this kind (an argument it
        // never names is read as an integer, as glibc does).
        *value = unsafe {
            match kind {
                Kind::Double => u128::from(src.double(0).to_bits()),
                Kind::LongDouble => src.long_double(0),
                Kind::Int | Kind::None => u128::from(src.int(0)),
            }
        };
    }
    // SAFETY: per the caller; the table holds every argument the format names.
    unsafe { body(w, fmt, &mut table, errno) }
}

/// Sign-extends or truncates an integer argument as its length says.
fn signed(v: u64, len: Len) -> i64 {
    match len {
        Len::Hh => v as i8 as i64,
        Len::H => v as i16 as i64,
        Len::None => v as i32 as i64,
        _ => v as i64,
    }
}

fn unsigned(v: u64, len: Len) -> u64 {
    match len {
        Len::Hh => v as u8 as u64,
        Len::H => v as u16 as u64,
        Len::None => v as u32 as u64,
        _ => v,
    }
}

/// A width or precision argument of `*`: an int.
///
/// # Safety
/// That argument is an int.
unsafe fn star(src: &mut dyn Fetch, pos: usize) -> i32 {
    // SAFETY: per the caller.
    unsafe { src.int(pos) as i32 }
}

/// One conversion.
///
/// # Safety
/// As `printf::format`, for this conversion's arguments.
unsafe fn convert(w: &mut Counted, s: &Spec, src: &mut dyn Fetch, errno: i32) -> Result<(), Error> {
    let mut flags = s.flags;
    // SAFETY (this block): the format says which arguments are ints,
    // doubles, long doubles and pointers; the pointers are valid.
    unsafe {
        let width = match s.width {
            Num::None => 0,
            Num::Lit(n) => n,
            Num::Arg(i) => {
                let v = star(src, i);
                if v < 0 {
                    flags |= spec::MINUS;
                }
                v.unsigned_abs() as usize
            }
        };
        let prec = match s.prec {
            Num::None => None,
            Num::Lit(n) => Some(n),
            Num::Arg(i) => usize::try_from(star(src, i)).ok(),
        };
        if width > i32::MAX as usize || prec.is_some_and(|p| p > i32::MAX as usize) {
            return Err(Error::Overflow);
        }
        let f = int::Field { flags, width, prec };
        match s.conv {
            b'%' => w.put(b"%"),
            b'd' | b'i' => {
                let v = signed(src.int(s.pos), s.len);
                int::integer(w, &f, b'd', v.unsigned_abs(), v < 0);
            }
            b'u' | b'o' | b'x' | b'X' | b'b' | b'B' => int::integer(w, &f, s.conv, unsigned(src.int(s.pos), s.len), false),
            b'p' => int::pointer(w, &f, src.int(s.pos)),
            b'c' if s.len != Len::L => int::string(w, &f, &[src.int(s.pos) as u8]),
            b'c' | b'C' => {
                let c = src.int(s.pos) as u32;
                int::string(w, &f, &[narrow(c)?]);
            }
            b's' if s.len != Len::L => {
                let p = src.int(s.pos) as *const u8;
                let text = if p.is_null() {
                    if prec.is_none_or(|n| n >= 6) { &b"(null)"[..] } else { &[] }
                } else {
                    core::slice::from_raw_parts(p, prec.map_or_else(|| cstr::len(p), |n| cstr::nlen(p, n)))
                };
                int::string(w, &f, text);
            }
            b's' | b'S' => wide_string(w, &f, src.int(s.pos) as *const u32)?,
            b'n' => store_count(src.int(s.pos) as *mut u8, s.len, w.n),
            b'm' => {
                let mut buf = [0u8; 40];
                int::string(w, &f, error_text::message_or_unknown(errno, &mut buf));
            }
            b'f' | b'F' | b'e' | b'E' | b'g' | b'G' | b'a' | b'A' => {
                let x = if s.len == Len::BigL {
                    Float::from_long_double(src.long_double(s.pos))
                } else {
                    Float::from_f64(src.double(s.pos))
                };
                float::float(w, &f, s.conv, &x);
            }
            0 => return Err(Error::Invalid),
            c => unknown(w, flags, width, prec, c),
        }
    }
    Ok(())
}

/// A wide character in the C locale: ASCII only.
fn narrow(c: u32) -> Result<u8, Error> {
    u8::try_from(c).ok().filter(u8::is_ascii).ok_or(Error::Ilseq)
}

/// `%ls`: the wide string converted to the C locale (ASCII), at most
/// `prec` bytes of it.
///
/// # Safety
/// `p` is null or a NUL-terminated wide string.
unsafe fn wide_string(w: &mut Counted, f: &int::Field, p: *const u32) -> Result<(), Error> {
    if p.is_null() {
        let null = if f.prec.is_none_or(|n| n >= 6) { &b"(null)"[..] } else { &[] };
        int::string(w, f, null);
        return Ok(());
    }
    let max = f.prec.unwrap_or(usize::MAX);
    let mut n = 0;
    // SAFETY: per the caller; reads stop at the NUL.
    unsafe {
        while n < max && *p.add(n) != 0 {
            narrow(*p.add(n))?;
            n += 1;
        }
    }
    let mut left = n;
    let pad = f.width.saturating_sub(n);
    if f.flags & spec::MINUS == 0 {
        w.fill(b' ', pad);
    }
    let mut i = 0;
    while left > 0 {
        let mut chunk = [0u8; 64];
        let k = left.min(chunk.len());
        for c in &mut chunk[..k] {
            // SAFETY: i < n, checked above.
            *c = unsafe { *p.add(i) } as u8;
            i += 1;
        }
        w.put(&chunk[..k]);
        left -= k;
    }
    if f.flags & spec::MINUS != 0 {
        w.fill(b' ', pad);
    }
    Ok(())
}

/// `%n`: stores the count so far, in the integer type the length names.
///
/// # Safety
/// `p` points to such an integer.
unsafe fn store_count(p: *mut u8, len: Len, n: usize) {
    // SAFETY: per the caller.
    unsafe {
        match len {
            Len::Hh => p.write(n as u8),
            Len::H => p.cast::<i16>().write_unaligned(n as i16),
            Len::None => p.cast::<i32>().write_unaligned(n as i32),
            _ => p.cast::<i64>().write_unaligned(n as i64),
        }
    }
}

/// An unknown conversion is printed back as glibc does: `%`, its flags in
/// glibc's order (`#`, `'`, `+` or space, `-`, `0` unless `-`, `I`), the
/// width and precision (fetched values included), and the conversion
/// character; the length modifier is dropped.
fn unknown(w: &mut Counted, flags: u8, width: usize, prec: Option<usize>, conv: u8) {
    let has = |bit| flags & bit != 0;
    w.put(b"%");
    let sign = if has(spec::PLUS) { Some(b'+') } else { has(spec::SPACE).then_some(b' ') };
    let zero = has(spec::ZERO) && !has(spec::MINUS);
    let marks = [(has(spec::ALT), b'#'), (has(spec::GROUP), b'\''), (sign.is_some(), sign.unwrap_or(0)), (has(spec::MINUS), b'-'), (zero, b'0'), (has(spec::I18N), b'I')];
    for (on, c) in marks {
        if on {
            w.put(&[c]);
        }
    }
    let mut buf = [0; 20];
    if width != 0 {
        w.put(crate::io::decimal(width as u64, &mut buf));
    }
    if let Some(p) = prec {
        w.put(b".");
        w.put(crate::io::decimal(p as u64, &mut buf));
    }
    w.put(&[conv]);
}
