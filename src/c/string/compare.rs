//! Comparisons: `strcmp strncmp strcasecmp strncasecmp strcoll strxfrm`
//! (the C locale's collation is byte order).

use core::ffi::{c_char, c_int};


/// `int strcmp(const char *a, const char *b)`: compares bytes as unsigned
/// char; the difference of the first pair that differs.
///
/// # Safety
/// Both NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn strcmp(a: *const c_char, b: *const c_char) -> c_int {
    // SAFETY: per the caller.
    unsafe { crate::arch::strcmp(a.cast(), b.cast()) }
}

/// `int strncmp(const char *a, const char *b, size_t n)`.
///
/// # Safety
/// Both readable up to their NUL or `n` bytes.
#[no_mangle]
pub unsafe extern "C" fn strncmp(a: *const c_char, b: *const c_char, n: usize) -> c_int {
    let (a, b) = (a.cast::<u8>(), b.cast::<u8>());
    // SAFETY: per the caller; stops at the first NUL or difference.
    unsafe {
        for i in 0..n {
            let (x, y) = (*a.add(i), *b.add(i));
            if x != y || x == 0 {
                return c_int::from(x) - c_int::from(y);
            }
        }
    }
    0
}

fn lower(c: u8) -> c_int {
    c_int::from(c.to_ascii_lowercase())
}

/// `int strcasecmp(const char *a, const char *b)`: ASCII case folded (the C locale).
///
/// # Safety
/// Both NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn strcasecmp(a: *const c_char, b: *const c_char) -> c_int {
    // SAFETY: per the caller.
    unsafe { strncasecmp(a, b, usize::MAX) }
}

/// `int strncasecmp(const char *a, const char *b, size_t n)`.
///
/// # Safety
/// Both readable up to their NUL or `n` bytes.
#[no_mangle]
pub unsafe extern "C" fn strncasecmp(a: *const c_char, b: *const c_char, n: usize) -> c_int {
    let (a, b) = (a.cast::<u8>(), b.cast::<u8>());
    // SAFETY: per the caller; stops at the first NUL or difference.
    unsafe {
        for i in 0..n {
            let (x, y) = (lower(*a.add(i)), lower(*b.add(i)));
            if x != y || x == 0 {
                return x - y;
            }
        }
    }
    0
}

/// `int strcoll(const char *a, const char *b)`: strcmp in the C locale.
///
/// # Safety
/// Both NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn strcoll(a: *const c_char, b: *const c_char) -> c_int {
    // SAFETY: per the caller.
    unsafe { strcmp(a, b) }
}

/// `size_t strxfrm(char *dst, const char *src, size_t n)`: a copy in the C
/// locale; the length it needs.
///
/// # Safety
/// `src` NUL-terminated; `dst` writable for `n` bytes.
#[no_mangle]
pub unsafe extern "C" fn strxfrm(dst: *mut c_char, src: *const c_char, n: usize) -> usize {
    // SAFETY: per the caller.
    unsafe {
        let len = crate::cstr::len(src.cast());
        if len < n {
            core::ptr::copy_nonoverlapping(src, dst, len + 1);
        }
        len
    }
}
