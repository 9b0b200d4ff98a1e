//! Floating point from text: `strtod strtof strtold atof`, correctly
//! rounded (doubles and floats by `core`'s parser, long doubles and
//! hexadecimal numbers by `float::parse`), with glibc's errno: ERANGE on
//! overflow and on an inexact result in the subnormal range or zero.
//!
//! `strtold` returns a long double, which Rust cannot name on x86_64 (an
//! x87 value returned in st(0)): the architecture's assembly entry point
//! (`src/arch/*/ldouble.rs`) calls `crt0_strtold_bits` and moves its bits
//! where the ABI returns a long double.

use core::ffi::{c_char, c_double, c_float};

use core::cmp::Ordering;

use crate::arch::{LDBL_MANT_DIG, TININESS_BEFORE_ROUNDING};
use crate::c::errno::set_errno;
use crate::float::parse::{self, Format, Kind, Scan};
use crate::float::{Digits, Float, Mode};
use crate::syscall::Errno;

const ERANGE: Errno = Errno(34);

/// The text that can belong to a number at `s`: leading spaces, then
/// letters, digits and `.+-()_` (the scan decides how much is the number).
///
/// # Safety
/// `s` NUL-terminated.
unsafe fn candidate<'a>(s: *const c_char) -> &'a [u8] {
    let p = s.cast::<u8>();
    let mut n = 0;
    // SAFETY: per the caller; reads stop at the NUL.
    unsafe {
        while *p.add(n) == b' ' || (9..=13).contains(&*p.add(n)) {
            n += 1;
        }
        while (*p.add(n)).is_ascii_alphanumeric() || b".+-()_".contains(&*p.add(n)) {
            n += 1;
        }
        core::slice::from_raw_parts(p, n)
    }
}

/// Stores the end of the number (`s` when there was none).
///
/// # Safety
/// `end` NULL or writable; `len` within the string.
unsafe fn set_end(end: *mut *mut c_char, s: *const c_char, len: usize) {
    if !end.is_null() {
        // SAFETY: per the caller.
        unsafe { *end = s.add(len).cast_mut() };
    }
}

/// The decimal `text` (digits and a point) times `10^exp`, compared with
/// the non-negative `x` exactly.
fn compare(text: &[u8], exp: i64, x: f64) -> Ordering {
    let mut buf = [0u8; 800];
    let mut d = Digits { buf: &mut buf, len: 0, exp: 0 };
    Float::from_f64(x).digits(Mode::Sig(800), &mut d);
    // The text's significant digits and the power of ten of the first.
    let point = text.iter().position(|&c| c == b'.').unwrap_or(text.len());
    let first = text.iter().position(|&c| (b'1'..=b'9').contains(&c));
    let Some(first) = first else {
        return if d.len == 0 { Ordering::Equal } else { Ordering::Less };
    };
    if d.len == 0 {
        return Ordering::Greater;
    }
    let lead = if first < point { (point - first - 1) as i64 } else { -((first - point) as i64) };
    let by_exp = (lead + exp).cmp(&i64::from(d.exp));
    if by_exp.is_ne() {
        return by_exp;
    }
    // Same leading power of ten: digit by digit, missing ones are zeros.
    let mut mine = text[first..].iter().filter(|&&c| c != b'.').copied();
    let mut theirs = d.buf[..d.len].iter().copied();
    loop {
        match (mine.next(), theirs.next()) {
            (None, None) => return Ordering::Equal,
            (a, b) => {
                let c = a.unwrap_or(b'0').cmp(&b.unwrap_or(b'0'));
                if c.is_ne() {
                    return c;
                }
            }
        }
    }
}

/// A double or float from the scan, with the range check.
fn binary(s: &[u8], scan: &Scan, f: &Format) -> (f64, bool) {
    let (text, exp) = match scan.kind {
        Kind::Infinity => return (if scan.neg { f64::NEG_INFINITY } else { f64::INFINITY }, false),
        Kind::Nan => return (if scan.neg { -f64::NAN } else { f64::NAN }, false),
        Kind::Hex { digits: (a, b), exp } => {
            let v = parse::hex(scan.neg, &s[a..b], exp, f);
            let x = if f.bits == 24 { f64::from(f32::from_bits(v.bits as u32)) } else { f64::from_bits(v.bits as u64) };
            return (x, v.range_error);
        }
        Kind::Decimal { digits: (a, b), exp } => (&s[a..b], (a, exp)),
    };
    let (a, exp) = exp;
    // SAFETY: the scan accepted only ASCII.
    let number = unsafe { core::str::from_utf8_unchecked(&s[a..scan.len]) };
    let x = if f.bits == 24 { f64::from(number.parse::<f32>().unwrap_or(0.0)) } else { number.parse::<f64>().unwrap_or(0.0) };
    // Underflow: an inexact result below the normal range; on some
    // architectures glibc judges by the value before rounding (`arch`).
    let min = if f.bits == 24 { f64::from(f32::MIN_POSITIVE) } else { f64::MIN_POSITIVE };
    let range = x.is_infinite()
        || (x < min || (TININESS_BEFORE_ROUNDING && x == min)) && {
            let c = compare(text, exp, x);
            c.is_ne() && (x < min || c.is_lt())
        };
    (if scan.neg { -x } else { x }, range)
}

/// strtod and strtof.
///
/// # Safety
/// `s` NUL-terminated; `end` NULL or writable.
unsafe fn to_binary(s: *const c_char, end: *mut *mut c_char, f: &Format) -> f64 {
    // SAFETY: per the caller.
    let text = unsafe { candidate(s) };
    let Some(scan) = parse::scan(text) else {
        // SAFETY: per the caller.
        unsafe { set_end(end, s, 0) };
        return 0.0;
    };
    // SAFETY: the scan's length is within the text.
    unsafe { set_end(end, s, scan.len) };
    let (x, range) = binary(text, &scan, f);
    if range {
        set_errno(ERANGE);
    }
    x
}

/// `double strtod(const char *s, char **end)`.
///
/// # Safety
/// `s` NUL-terminated; `end` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn strtod(s: *const c_char, end: *mut *mut c_char) -> c_double {
    // SAFETY: per the caller.
    unsafe { to_binary(s, end, &parse::F64) }
}

/// `float strtof(const char *s, char **end)`.
///
/// # Safety
/// `s` NUL-terminated; `end` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn strtof(s: *const c_char, end: *mut *mut c_char) -> c_float {
    // SAFETY: per the caller.
    narrow(unsafe { to_binary(s, end, &parse::F32) })
}

/// `x`, a value already rounded to float's range and precision, as a
/// float. A NaN by hand, keeping its sign and the top of its payload (and
/// quiet): RISC-V's `fcvt.s.d`, which `as` compiles to there, returns the
/// canonical NaN instead, where glibc's strtof keeps the sign of "-nan".
fn narrow(x: f64) -> f32 {
    if x.is_nan() {
        let b = x.to_bits();
        let sign = ((b >> 63) as u32) << 31;
        let payload = (b >> 29) as u32 & 0x007f_ffff;
        return f32::from_bits(sign | 0x7fc0_0000 | payload);
    }
    x as f32
}

/// `double atof(const char *s)`.
///
/// # Safety
/// `s` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn atof(s: *const c_char) -> c_double {
    // SAFETY: per the caller.
    unsafe { strtod(s, core::ptr::null_mut()) }
}

/// The long double format of this architecture.
pub fn long_double_format() -> &'static Format {
    if LDBL_MANT_DIG == 64 { &parse::X87 } else { &parse::F128 }
}

/// A long double's bits from text (strtold's work; scanf's `%Lf`).
///
/// # Safety
/// `s` NUL-terminated; `end` NULL or writable.
pub unsafe fn long_double_bits(s: *const c_char, end: *mut *mut c_char) -> u128 {
    let f = long_double_format();
    // SAFETY: per the caller.
    let text = unsafe { candidate(s) };
    let Some(scan) = parse::scan(text) else {
        // SAFETY: per the caller.
        unsafe { set_end(end, s, 0) };
        return 0;
    };
    // SAFETY: within the text.
    unsafe { set_end(end, s, scan.len) };
    let v = match scan.kind {
        Kind::Infinity => return f.infinity(scan.neg),
        Kind::Nan => return f.nan(scan.neg),
        Kind::Hex { digits: (a, b), exp } => parse::hex(scan.neg, &text[a..b], exp, f),
        Kind::Decimal { digits: (a, b), exp } => parse::decimal(scan.neg, &text[a..b], exp, f),
    };
    if v.range_error {
        set_errno(ERANGE);
    }
    v.bits
}

/// `strtold`'s work: the long double's bits (the arch's `strtold` entry
/// point returns them as a long double).
///
/// # Safety
/// `s` NUL-terminated; `end` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn crt0_strtold_bits(s: *const c_char, end: *mut *mut c_char) -> u128 {
    // SAFETY: per the caller.
    unsafe { long_double_bits(s, end) }
}
