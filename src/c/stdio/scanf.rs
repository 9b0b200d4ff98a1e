//! The scanf family's engine, reading as glibc 2.36 reads: the characters
//! a conversion takes (the longest prefix that can still become a number,
//! with one character of look-ahead, so `0x` and `1e+` are taken whole),
//! then strtol/strtod on them; a conversion fails only when they begin no
//! number at all. The result is the number of assignments, or EOF when
//! the input ended before the first one.

use alloc::vec::Vec;
use core::ffi::{c_char, c_int};

use super::file::File;
use super::read::fill;
use crate::arch::va::{self, VaList, VaListArg};
use crate::c::malloc::{alloc, resize};
use crate::c::stdlib::{float as sfloat, int as sint};

/// Where the characters come from: one character of push-back, like C's
/// `getc`/`ungetc`, is what glibc's reader uses.
pub trait Input {
    /// The next character, taken.
    fn get(&mut self) -> Option<u8>;
    /// Gives back the character `get` just returned.
    fn unget(&mut self);
}

/// A NUL-terminated string (`sscanf`).
pub struct StrInput(pub *const u8);

impl Input for StrInput {
    fn get(&mut self) -> Option<u8> {
        // SAFETY: the string is NUL-terminated and we never pass the NUL.
        match unsafe { *self.0 } {
            0 => None,
            c => {
                // SAFETY: c is before the NUL.
                self.0 = unsafe { self.0.add(1) };
                Some(c)
            }
        }
    }
    fn unget(&mut self) {
        // SAFETY: only after get returned a character.
        self.0 = unsafe { self.0.sub(1) };
    }
}

/// A locked stream (`fscanf`): its read buffer still holds the character
/// last taken (a refill happens only when the buffer is used up, and the
/// new buffer's first character is then the one taken).
pub struct FileInput(pub *mut File);

impl Input for FileInput {
    fn get(&mut self) -> Option<u8> {
        // SAFETY: the stream is live and locked by the caller.
        unsafe {
            if !fill(self.0) {
                return None;
            }
            let s = &mut *self.0;
            let c = *s.read_ptr;
            s.read_ptr = s.read_ptr.add(1);
            Some(c)
        }
    }
    fn unget(&mut self) {
        // SAFETY: only after get returned a character from the buffer.
        unsafe { (*self.0).read_ptr = (*self.0).read_ptr.sub(1) };
    }
}

/// Counts what was taken (`%n`).
struct Reader<'a> {
    input: &'a mut dyn Input,
    taken: usize,
}

impl Reader<'_> {
    fn get(&mut self) -> Option<u8> {
        let c = self.input.get();
        self.taken += usize::from(c.is_some());
        c
    }
    /// Gives `c` back (nothing for the end of input).
    fn unget(&mut self, c: Option<u8>) {
        if c.is_some() {
            self.input.unget();
            self.taken -= 1;
        }
    }
    /// Skips white space; false at the end of input.
    fn skip_space(&mut self) -> bool {
        loop {
            match self.get() {
                Some(c) if is_space(c) => {}
                c => {
                    self.unget(c);
                    return c.is_some();
                }
            }
        }
    }
}

fn is_space(c: u8) -> bool {
    c == b' ' || (9..=13).contains(&c)
}

/// The characters of one conversion, NUL-terminated for strtol/strtod.
struct Text {
    small: [u8; 128],
    len: usize,
    big: Vec<u8>,
}

impl Text {
    fn new() -> Text {
        Text { small: [0; 128], len: 0, big: Vec::new() }
    }
    fn push(&mut self, c: u8) {
        if self.big.is_empty() && self.len < self.small.len() {
            self.small[self.len] = c;
        } else {
            if self.big.is_empty() {
                self.big.extend_from_slice(&self.small[..self.len]);
            }
            self.big.push(c);
        }
        self.len += 1;
    }
    fn bytes(&self) -> &[u8] {
        if self.big.is_empty() { &self.small[..self.len] } else { &self.big }
    }
    /// A NUL-terminated copy's start.
    fn c_str(&mut self) -> *const c_char {
        self.push(0);
        self.len -= 1;
        if self.big.is_empty() { self.small.as_ptr().cast() } else { self.big.as_ptr().cast() }
    }
}

/// How a conversion ended when it did not succeed.
enum Stop {
    /// The input ended (EOF if nothing was assigned yet).
    Input,
    /// The input did not match.
    Matching,
    /// Out of memory, or a character with no wide form.
    Fatal,
}

/// One conversion's modifiers.
struct Spec {
    suppress: bool,
    alloc: bool,
    /// The maximum field width, or None.
    width: Option<usize>,
    /// Length modifier: b'H' (hh), b'h', b'l', b'q' (ll, L on integers,
    /// q), b'L' (long double), b'j', b'z', b't', or 0.
    len: u8,
    conv: u8,
}

/// Runs the format on the input; the number of assignments or EOF.
///
/// # Safety
/// `fmt` NUL-terminated; `ap` holds pointers of the types the format
/// names; `gnu_a`: the old GNU meaning of `%as` (allocate), for the names
/// glibc's headers use with `_GNU_SOURCE` (not the `__isoc99_` ones).
pub unsafe fn scan(input: &mut dyn Input, fmt: *const c_char, ap: &mut VaList, gnu_a: bool) -> c_int {
    let mut r = Reader { input, taken: 0 };
    let mut done: c_int = 0;
    let mut f = fmt.cast::<u8>();
    // SAFETY: the format is NUL-terminated; the arguments are the caller's.
    let stop = unsafe {
        loop {
            let fc = *f;
            if fc == 0 {
                break None;
            }
            f = f.add(1);
            if is_space(fc) {
                r.skip_space();
                continue;
            }
            if fc != b'%' {
                match r.get() {
                    None => break Some(Stop::Input),
                    Some(c) if c == fc => continue,
                    c => {
                        r.unget(c);
                        break Some(Stop::Matching);
                    }
                }
            }
            let mut s = Spec { suppress: false, alloc: false, width: None, len: 0, conv: 0 };
            if *f == b'*' {
                s.suppress = true;
                f = f.add(1);
            }
            if (*f).is_ascii_digit() {
                let mut w = 0usize;
                while (*f).is_ascii_digit() {
                    w = w.saturating_mul(10).saturating_add(usize::from(*f - b'0'));
                    f = f.add(1);
                }
                s.width = (w > 0).then_some(w);
            }
            if *f == b'm' || (gnu_a && *f == b'a' && matches!(*f.add(1), b's' | b'S' | b'[')) {
                s.alloc = true;
                f = f.add(1);
            }
            let (len, n) = match (*f, *f.add(usize::from(*f != 0))) {
                (b'h', b'h') => (b'H', 2),
                (b'l', b'l') => (b'q', 2),
                (b'Z', _) => (b'z', 1),
                (c @ (b'h' | b'l' | b'L' | b'q' | b'j' | b'z' | b't'), _) => (c, 1),
                _ => (0, 0),
            };
            s.len = len;
            f = f.add(n);
            s.conv = *f;
            if s.conv == 0 {
                break None;
            }
            f = f.add(1);
            let set = if s.conv == b'[' {
                let (set, after) = scan_set(f);
                f = after;
                set
            } else {
                [0; 4]
            };
            if !matches!(s.conv, b'[' | b'c' | b'C' | b'n') && !r.skip_space() {
                break Some(Stop::Input);
            }
            let result = match s.conv {
                b'%' => match r.get() {
                    Some(b'%') => Ok(false),
                    None => Err(Stop::Input),
                    c => {
                        r.unget(c);
                        Err(Stop::Matching)
                    }
                },
                b'n' => {
                    if !s.suppress {
                        store_int(ap, s.len, r.taken as u64);
                    }
                    Ok(false)
                }
                b'd' => integer(&mut r, &s, ap, 10, true),
                b'i' => integer(&mut r, &s, ap, 0, true),
                b'u' => integer(&mut r, &s, ap, 10, false),
                b'o' => integer(&mut r, &s, ap, 8, false),
                b'x' | b'X' => integer(&mut r, &s, ap, 16, false),
                b'p' => integer(&mut r, &Spec { len: b'z', ..s }, ap, 16, false),
                b'f' | b'F' | b'e' | b'E' | b'g' | b'G' | b'a' | b'A' => float(&mut r, &s, ap),
                b's' | b'S' | b'c' | b'C' | b'[' => chars(&mut r, &s, ap, &set),
                _ => Err(Stop::Matching),
            };
            match result {
                Ok(assigned) => done += c_int::from(assigned),
                Err(e) => break Some(e),
            }
        }
    };
    match stop {
        Some(Stop::Input) if done == 0 => -1,
        Some(Stop::Fatal) => -1,
        _ => done,
    }
}

/// A `%[` set as 256 bits, and where the format continues: `^` negates,
/// a `]` first (after `^`) is a member, `a-z` is a range when it rises.
///
/// # Safety
/// `f` NUL-terminated (just after the `[`).
unsafe fn scan_set(mut f: *const u8) -> ([u64; 4], *const u8) {
    let mut bits = [0u64; 4];
    let mut add = |c: u8| bits[usize::from(c >> 6)] |= 1 << (c & 63);
    // SAFETY: reads stop at the NUL.
    unsafe {
        let negate = *f == b'^';
        if negate {
            f = f.add(1);
        }
        if *f == b']' {
            add(b']');
            f = f.add(1);
        }
        let mut prev: Option<u8> = None;
        while *f != 0 && *f != b']' {
            let c = *f;
            f = f.add(1);
            match prev {
                Some(lo) if c == b'-' && *f != 0 && *f != b']' && lo <= *f => {
                    for x in lo..=*f {
                        add(x);
                    }
                    f = f.add(1);
                    prev = None;
                }
                _ => {
                    add(c);
                    prev = Some(c);
                }
            }
        }
        if *f == b']' {
            f = f.add(1);
        }
        if negate {
            for w in &mut bits {
                *w = !*w;
            }
        }
    }
    (bits, f)
}

/// Stores an integer through the next pointer, in the type `len` names.
///
/// # Safety
/// The next argument points to that type.
unsafe fn store_int(ap: &mut VaList, len: u8, v: u64) {
    // SAFETY: per the caller.
    unsafe {
        let p = ap.int() as *mut u8;
        match len {
            b'H' => p.write(v as u8),
            b'h' => p.cast::<u16>().write_unaligned(v as u16),
            b'l' | b'q' | b'L' | b'j' | b'z' | b't' => p.cast::<u64>().write_unaligned(v),
            _ => p.cast::<u32>().write_unaligned(v as u32),
        }
    }
}

/// A field width as glibc counts it: -1 for none.
fn width_of(s: &Spec) -> isize {
    s.width.map_or(-1, |w| w.min(isize::MAX as usize) as isize)
}

/// `%d %i %u %o %x %p`.
///
/// # Safety
/// As `scan`, for this conversion's argument.
unsafe fn integer(r: &mut Reader, s: &Spec, ap: &mut VaList, mut base: c_int, signed: bool) -> Result<bool, Stop> {
    let mut width = width_of(s);
    let mut t = Text::new();
    let mut c = r.get();
    if c.is_none() {
        return Err(Stop::Input);
    }
    if matches!(c, Some(b'+' | b'-')) {
        t.push(c.unwrap_or(0));
        width -= isize::from(width > 0);
        c = r.get();
    }
    if width != 0 && c == Some(b'0') {
        width -= isize::from(width > 0);
        t.push(b'0');
        c = r.get();
        if width != 0 && c.map(|x| x | 0x20) == Some(b'x') && (base == 0 || base == 16) {
            base = 16;
            width -= isize::from(width > 0);
            c = r.get();
        } else if base == 0 {
            base = 8;
        }
    }
    if base == 0 {
        base = 10;
    }
    while let Some(ch) = c.filter(|_| width != 0) {
        let ok = if base == 16 { ch.is_ascii_hexdigit() } else { ch.is_ascii_digit() && c_int::from(ch - b'0') < base };
        if !ok {
            break;
        }
        t.push(ch);
        width -= isize::from(width > 0);
        c = r.get();
    }
    let text = t.bytes();
    if text.is_empty() || (text.len() == 1 && matches!(text[0], b'+' | b'-')) {
        // A pointer may be written "(nil)".
        let nil = s.conv == b'p' && text.is_empty() && !(0..5).contains(&width) && c == Some(b'(') && {
            b"nil".iter().all(|&w| r.get().map(|x| x.to_ascii_lowercase()) == Some(w)) && r.get() == Some(b')')
        };
        if !nil {
            r.unget(c);
            return Err(Stop::Matching);
        }
        t.push(b'0');
    } else {
        r.unget(c);
    }
    let start = t.c_str();
    let mut end: *mut c_char = core::ptr::null_mut();
    let long_long = matches!(s.len, b'q' | b'L' | b'j');
    // SAFETY: a NUL-terminated copy.
    let v = unsafe {
        match (signed, long_long) {
            (true, true) => sint::strtoll(start, &mut end, base) as u64,
            (true, false) => sint::strtol(start, &mut end, base) as u64,
            (false, true) => sint::strtoull(start, &mut end, base),
            (false, false) => sint::strtoul(start, &mut end, base),
        }
    };
    if end.cast_const() == start {
        return Err(Stop::Matching);
    }
    if !s.suppress {
        // SAFETY: per the caller.
        unsafe { store_int(ap, s.len, v) };
    }
    Ok(!s.suppress)
}

/// Takes the characters of `word` (after its first, already in `t`),
/// case-insensitively; a mismatching character is taken too, as glibc does.
fn rest_of_word(r: &mut Reader, t: &mut Text, width: &mut isize, word: &[u8]) -> bool {
    for &w in word {
        if *width == 0 {
            return false;
        }
        match r.get() {
            Some(c) if c.to_ascii_lowercase() == w => {
                t.push(c);
                *width -= isize::from(*width > 0);
            }
            _ => return false,
        }
    }
    true
}

/// `%f %e %g %a` (and capitals).
///
/// # Safety
/// As `scan`, for this conversion's argument.
unsafe fn float(r: &mut Reader, s: &Spec, ap: &mut VaList) -> Result<bool, Stop> {
    let mut width = width_of(s);
    let mut t = Text::new();
    let mut c = r.get();
    width -= isize::from(width > 0);
    let Some(mut ch) = c else { return Err(Stop::Input) };
    let mut got_sign = 0;
    if ch == b'-' || ch == b'+' {
        got_sign = 1;
        t.push(ch);
        if width == 0 {
            return Err(Stop::Matching);
        }
        c = r.get();
        let Some(next) = c else { return Err(Stop::Matching) };
        ch = next;
        width -= isize::from(width > 0);
    }
    let mut hex = false;
    if ch | 0x20 == b'n' || ch | 0x20 == b'i' {
        t.push(ch);
        let ok = if ch | 0x20 == b'n' {
            rest_of_word(r, &mut t, &mut width, b"an")
        } else {
            rest_of_word(r, &mut t, &mut width, b"nf") && {
                // "inf", or all of "infinity".
                if width == 0 {
                    true
                } else {
                    match r.get() {
                        Some(i) if i | 0x20 == b'i' => {
                            t.push(i);
                            width -= isize::from(width > 0);
                            rest_of_word(r, &mut t, &mut width, b"nity")
                        }
                        other => {
                            r.unget(other);
                            true
                        }
                    }
                }
            }
        };
        if !ok {
            return Err(Stop::Matching);
        }
    } else {
        let (mut got_digit, mut got_dot, mut got_e) = (false, false, false);
        let mut exp_char = b'e';
        if width != 0 && ch == b'0' {
            t.push(ch);
            c = r.get();
            width -= isize::from(width > 0);
            if width != 0 && c.map(|x| x | 0x20) == Some(b'x') {
                t.push(b'x');
                hex = true;
                exp_char = b'p';
                c = r.get();
                width -= isize::from(width > 0);
            } else {
                got_digit = true;
            }
        }
        while let Some(ch) = c {
            let last = t.bytes().last().copied();
            if ch.is_ascii_digit() || (!got_e && hex && ch.is_ascii_hexdigit()) {
                t.push(ch);
                got_digit = true;
            } else if got_e && last == Some(exp_char) && (ch == b'-' || ch == b'+') {
                t.push(ch);
            } else if got_digit && !got_e && ch | 0x20 == exp_char {
                t.push(exp_char);
                got_e = true;
                got_dot = true;
            } else if !got_dot && ch == b'.' {
                t.push(ch);
                got_dot = true;
            } else {
                r.unget(c);
                break;
            }
            if width == 0 {
                break;
            }
            c = r.get();
            width -= isize::from(width > 0 && c.is_some());
        }
        let n = t.bytes().len();
        if n == got_sign || (hex && n == 2 + got_sign) {
            return Err(Stop::Matching);
        }
    }
    let start = t.c_str();
    let mut end: *mut c_char = core::ptr::null_mut();
    // SAFETY: a NUL-terminated copy; the pointers per the caller.
    unsafe {
        match s.len {
            b'L' | b'q' => {
                let bits = sfloat::long_double_bits(start, &mut end);
                if end.cast_const() == start {
                    return Err(Stop::Matching);
                }
                if !s.suppress {
                    let p = ap.int() as *mut u8;
                    let bytes = bits.to_le_bytes();
                    let size = if sfloat::long_double_format().explicit { 10 } else { 16 };
                    core::ptr::copy_nonoverlapping(bytes.as_ptr(), p, size);
                }
            }
            b'l' => {
                let x = sfloat::strtod(start, &mut end);
                if end.cast_const() == start {
                    return Err(Stop::Matching);
                }
                if !s.suppress {
                    (ap.int() as *mut f64).write_unaligned(x);
                }
            }
            _ => {
                let x = sfloat::strtof(start, &mut end);
                if end.cast_const() == start {
                    return Err(Stop::Matching);
                }
                if !s.suppress {
                    (ap.int() as *mut f32).write_unaligned(x);
                }
            }
        }
    }
    Ok(!s.suppress)
}

/// Where `%s %c %[` store: the caller's buffer, or (with `m`) one grown
/// with realloc whose address goes to the caller's pointer.
struct Sink {
    /// Destination (null when suppressed).
    p: *mut u8,
    len: usize,
    /// For `m`: the caller's `char **`, and the block's size.
    alloc: Option<(*mut *mut u8, usize)>,
    /// Wide characters (`%ls`, `%lc`, `%l[`): 4 bytes each.
    wide: bool,
}

impl Sink {
    fn unit(&self) -> usize {
        if self.wide { 4 } else { 1 }
    }
    /// Appends one character.
    fn push(&mut self, c: u8) -> Result<(), Stop> {
        if self.wide && !c.is_ascii() {
            // No wide form in the C locale.
            crate::c::errno::set_errno(crate::syscall::Errno(84));
            return Err(Stop::Fatal);
        }
        if let Some((out, size)) = self.alloc {
            if (self.len + 2) * self.unit() > size {
                let grown = (size * 2).max(100 * self.unit());
                // SAFETY: p is null or this block.
                let q = unsafe { resize(self.p, grown) }.ok_or(Stop::Fatal)?;
                self.p = q;
                self.alloc = Some((out, grown));
                // SAFETY: the caller's char ** (see `chars`).
                unsafe { *out = q };
            }
        }
        if !self.p.is_null() {
            // SAFETY: the caller's buffer holds the field (C's contract),
            // or the block was grown above.
            unsafe {
                if self.wide {
                    self.p.cast::<u32>().add(self.len).write_unaligned(u32::from(c));
                } else {
                    *self.p.add(self.len) = c;
                }
            }
        }
        self.len += 1;
        Ok(())
    }
    fn terminate(&mut self) -> Result<(), Stop> {
        if self.p.is_null() && self.alloc.is_none() {
            return Ok(());
        }
        self.push(0)?;
        self.len -= 1;
        Ok(())
    }
}

fn in_set(set: &[u64; 4], c: u8) -> bool {
    set[usize::from(c >> 6)] & (1 << (c & 63)) != 0
}

/// `%s %c %[` (and `%S %C`, `%ls`...).
///
/// # Safety
/// As `scan`, for this conversion's argument.
unsafe fn chars(r: &mut Reader, s: &Spec, ap: &mut VaList, set: &[u64; 4]) -> Result<bool, Stop> {
    let wide = s.len == b'l' || s.conv == b'S' || s.conv == b'C';
    let conv = s.conv.to_ascii_lowercase();
    let mut width = s.width.unwrap_or(if conv == b'c' { 1 } else { usize::MAX });
    let mut sink = Sink { p: core::ptr::null_mut(), len: 0, alloc: None, wide };
    if !s.suppress {
        // SAFETY: per the caller, a pointer (or, with m, a pointer's address).
        let arg = unsafe { ap.int() } as *mut u8;
        if s.alloc {
            let size = 100 * sink.unit();
            let p = alloc(size).ok_or(Stop::Fatal)?;
            sink.p = p;
            sink.alloc = Some((arg.cast(), size));
            // SAFETY: the caller's char **.
            unsafe { *arg.cast::<*mut u8>() = p };
        } else {
            sink.p = arg;
        }
    }
    let mut c = r.get();
    if c.is_none() {
        return Err(Stop::Input);
    }
    while let Some(ch) = c {
        let stop = match conv {
            b's' => is_space(ch),
            b'[' => !in_set(set, ch),
            _ => false,
        };
        if stop {
            r.unget(c);
            break;
        }
        sink.push(ch)?;
        width -= 1;
        if width == 0 {
            break;
        }
        c = r.get();
    }
    if conv == b'[' && sink.len == 0 {
        return Err(Stop::Matching);
    }
    if conv != b'c' {
        sink.terminate()?;
    }
    Ok(!s.suppress)
}

/// Scans a string.
///
/// # Safety
/// `s`, `fmt` NUL-terminated; `ap` as the format asks.
pub unsafe fn from_str(s: *const c_char, fmt: *const c_char, ap: &mut VaList, gnu_a: bool) -> c_int {
    // SAFETY: per the caller.
    unsafe { scan(&mut StrInput(s.cast()), fmt, ap, gnu_a) }
}

/// Scans a stream, under its lock.
///
/// # Safety
/// `f` a live stream; `fmt` NUL-terminated; `ap` as the format asks.
pub unsafe fn from_file(f: *mut File, fmt: *const c_char, ap: &mut VaList, gnu_a: bool) -> c_int {
    // SAFETY: per the caller.
    unsafe { super::locked(f, |f| scan(&mut FileInput(f), fmt, ap, gnu_a)) }
}

macro_rules! v_entry_points {
    ($($(#[$doc:meta])* $name:ident($($arg:ident: $t:ty),*) => $how:ident($($pass:expr),*), $gnu:expr;)*) => {$(
        $(#[$doc])*
        ///
        /// # Safety
        /// The strings NUL-terminated, the stream live; `ap` holds
        /// pointers of the types the format names.
        #[no_mangle]
        pub unsafe extern "C" fn $name($($arg: $t,)* fmt: *const c_char, mut ap: VaListArg) -> c_int {
            // SAFETY: per the caller.
            unsafe { $how($($pass,)* fmt, va::from_arg(&mut ap), $gnu) }
        }
    )*};
}

v_entry_points! {
    /// `int vsscanf(const char *s, const char *fmt, va_list ap)` (with
    /// glibc's GNU `%as` meaning allocation).
    vsscanf(s: *const c_char) => from_str(s), true;
    /// `int __isoc99_vsscanf(...)`: C99's vsscanf.
    __isoc99_vsscanf(s: *const c_char) => from_str(s), false;
    /// `int __isoc23_vsscanf(...)`.
    __isoc23_vsscanf(s: *const c_char) => from_str(s), false;
    /// `int vfscanf(FILE *f, const char *fmt, va_list ap)`.
    vfscanf(f: *mut File) => from_file(f), true;
    /// `int __isoc99_vfscanf(...)`.
    __isoc99_vfscanf(f: *mut File) => from_file(f), false;
    /// `int __isoc23_vfscanf(...)`.
    __isoc23_vfscanf(f: *mut File) => from_file(f), false;
    /// `int vscanf(const char *fmt, va_list ap)`.
    vscanf() => from_file(super::std::input()), true;
    /// `int __isoc99_vscanf(...)`.
    __isoc99_vscanf() => from_file(super::std::input()), false;
    /// `int __isoc23_vscanf(...)`.
    __isoc23_vscanf() => from_file(super::std::input()), false;
}
