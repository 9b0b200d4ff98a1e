//! Integers from text: `strtol strtoul strtoll strtoull strtoimax
//! strtoumax atoi atol atoll`, and the `__isoc23_*` names glibc 2.38's
//! headers use in C2x mode, which also take a `0b` prefix.

use core::ffi::{c_char, c_int, c_long, c_longlong, c_ulong, c_ulonglong};

use crate::c::errno::set_errno;
use crate::syscall::Errno;

const ERANGE: Errno = Errno(34);

fn is_space(c: u8) -> bool {
    c == b' ' || (9..=13).contains(&c)
}

fn digit(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        b'a'..=b'z' => Some(u32::from(c - b'a') + 10),
        b'A'..=b'Z' => Some(u32::from(c - b'A') + 10),
        _ => None,
    }
}

/// What a number's text said: its magnitude (saturated), whether it
/// overflowed u64, its sign, and where it ended (None: no digits).
struct Parsed {
    value: u64,
    overflow: bool,
    negative: bool,
    end: Option<*const u8>,
}

/// Parses an integer as strtoul does: spaces, a sign, a base prefix
/// (`0x`; `0b` when `binary` prefixes are allowed), digits.
///
/// # Safety
/// `s` NUL-terminated.
unsafe fn parse(s: *const u8, base: c_int, binary: bool) -> Result<Parsed, Errno> {
    if base < 0 || base == 1 || base > 36 {
        return Err(Errno::EINVAL);
    }
    let mut base = base as u32;
    // SAFETY: per the caller; every read stops at the NUL.
    unsafe {
        let mut p = s;
        while is_space(*p) {
            p = p.add(1);
        }
        let negative = *p == b'-';
        if *p == b'-' || *p == b'+' {
            p = p.add(1);
        }
        // A prefix counts only when a digit of its base follows: "0x"
        // alone is the number 0 followed by "x".
        if *p == b'0' {
            let next = *p.add(1) | 0x20;
            if (base == 0 || base == 16) && next == b'x' && digit(*p.add(2)).is_some_and(|d| d < 16) {
                p = p.add(2);
                base = 16;
            } else if binary && (base == 0 || base == 2) && next == b'b' && digit(*p.add(2)).is_some_and(|d| d < 2) {
                p = p.add(2);
                base = 2;
            } else if base == 0 {
                base = 8;
            }
        } else if base == 0 {
            base = 10;
        }
        let mut value: u64 = 0;
        let mut overflow = false;
        let start = p;
        while let Some(d) = digit(*p).filter(|&d| d < base) {
            match value.checked_mul(u64::from(base)).and_then(|v| v.checked_add(u64::from(d))) {
                Some(v) => value = v,
                None => overflow = true,
            }
            p = p.add(1);
        }
        Ok(Parsed { value, overflow, negative, end: (p != start).then_some(p) })
    }
}

/// Stores where parsing ended (`s` itself when there were no digits).
///
/// # Safety
/// `end` NULL or writable.
unsafe fn set_end(end: *mut *mut c_char, s: *const c_char, p: &Parsed) {
    if !end.is_null() {
        // SAFETY: per the caller.
        unsafe { *end = p.end.map_or(s, |e| e.cast()).cast_mut() };
    }
}

/// strtol/strtoll for a signed type between `min` and `max`.
///
/// # Safety
/// `s` NUL-terminated; `end` NULL or writable.
unsafe fn signed(s: *const c_char, end: *mut *mut c_char, base: c_int, binary: bool, min: i64, max: i64) -> i64 {
    // SAFETY: per the caller.
    let p = match unsafe { parse(s.cast(), base, binary) } {
        Ok(p) => p,
        Err(e) => {
            set_errno(e);
            return 0;
        }
    };
    // SAFETY: per the caller.
    unsafe { set_end(end, s, &p) };
    let limit = if p.negative { min.unsigned_abs() } else { max as u64 };
    if p.overflow || p.value > limit {
        set_errno(ERANGE);
        return if p.negative { min } else { max };
    }
    if p.negative { (p.value as i64).wrapping_neg() } else { p.value as i64 }
}

/// strtoul/strtoull for an unsigned type up to `max`: a minus sign negates
/// the value in the type, as C specifies.
///
/// # Safety
/// As `signed`.
unsafe fn unsigned(s: *const c_char, end: *mut *mut c_char, base: c_int, binary: bool, max: u64) -> u64 {
    // SAFETY: per the caller.
    let p = match unsafe { parse(s.cast(), base, binary) } {
        Ok(p) => p,
        Err(e) => {
            set_errno(e);
            return 0;
        }
    };
    // SAFETY: per the caller.
    unsafe { set_end(end, s, &p) };
    if p.overflow || p.value > max {
        set_errno(ERANGE);
        return max;
    }
    if p.negative { p.value.wrapping_neg() & max } else { p.value }
}

macro_rules! entry_points {
    ($($(#[$doc:meta])* $name:ident($kind:ident, $binary:expr) -> $t:ty;)*) => {$(
        $(#[$doc])*
        ///
        /// # Safety
        /// `s` NUL-terminated; `end` NULL or writable.
        #[no_mangle]
        pub unsafe extern "C" fn $name(s: *const c_char, end: *mut *mut c_char, base: c_int) -> $t {
            // SAFETY: per the caller.
            unsafe { entry_points!(@$kind, s, end, base, $binary, $t) }
        }
    )*};
    (@signed, $s:ident, $e:ident, $b:ident, $bin:expr, $t:ty) => {
        signed($s, $e, $b, $bin, <$t>::MIN as i64, <$t>::MAX as i64) as $t
    };
    (@unsigned, $s:ident, $e:ident, $b:ident, $bin:expr, $t:ty) => {
        unsigned($s, $e, $b, $bin, <$t>::MAX as u64) as $t
    };
}

entry_points! {
    /// `long strtol(const char *s, char **end, int base)`.
    strtol(signed, false) -> c_long;
    /// `long long strtoll(...)`.
    strtoll(signed, false) -> c_longlong;
    /// `unsigned long strtoul(...)`.
    strtoul(unsigned, false) -> c_ulong;
    /// `unsigned long long strtoull(...)`.
    strtoull(unsigned, false) -> c_ulonglong;
    /// `intmax_t strtoimax(...)`.
    strtoimax(signed, false) -> i64;
    /// `uintmax_t strtoumax(...)`.
    strtoumax(unsigned, false) -> u64;
    /// `strtoq`: BSD's strtoll.
    strtoq(signed, false) -> c_longlong;
    /// `strtouq`: BSD's strtoull.
    strtouq(unsigned, false) -> c_ulonglong;
    /// `__isoc23_strtol`: strtol with C23's `0b` prefix.
    __isoc23_strtol(signed, true) -> c_long;
    /// `__isoc23_strtoll`.
    __isoc23_strtoll(signed, true) -> c_longlong;
    /// `__isoc23_strtoul`.
    __isoc23_strtoul(unsigned, true) -> c_ulong;
    /// `__isoc23_strtoull`.
    __isoc23_strtoull(unsigned, true) -> c_ulonglong;
    /// `__isoc23_strtoimax`.
    __isoc23_strtoimax(signed, true) -> i64;
    /// `__isoc23_strtoumax`.
    __isoc23_strtoumax(unsigned, true) -> u64;
}

/// `int atoi(const char *s)`: `(int) strtol(s, NULL, 10)`.
///
/// # Safety
/// `s` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn atoi(s: *const c_char) -> c_int {
    // SAFETY: per the caller.
    unsafe { strtol(s, core::ptr::null_mut(), 10) as c_int }
}

/// `long atol(const char *s)`.
///
/// # Safety
/// `s` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn atol(s: *const c_char) -> c_long {
    // SAFETY: per the caller.
    unsafe { strtol(s, core::ptr::null_mut(), 10) }
}

/// `long long atoll(const char *s)`.
///
/// # Safety
/// `s` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn atoll(s: *const c_char) -> c_longlong {
    // SAFETY: per the caller.
    unsafe { strtoll(s, core::ptr::null_mut(), 10) }
}
