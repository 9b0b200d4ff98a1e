//! Tokens: `strtok strtok_r strsep`, and `ffs ffsl ffsll` from `<strings.h>`.

use core::ffi::{c_char, c_int, c_long, c_longlong};
use core::ptr;

use super::search::{strcspn, strpbrk, strspn};

/// `char *strtok_r(char *s, const char *delim, char **save)`.
///
/// # Safety
/// `s` NULL (continue at `*save`) or NUL-terminated and writable; `delim`
/// NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn strtok_r(s: *mut c_char, delim: *const c_char, save: *mut *mut c_char) -> *mut c_char {
    // SAFETY: per the caller.
    unsafe {
        let mut p = if s.is_null() { *save } else { s };
        if p.is_null() {
            return ptr::null_mut();
        }
        p = p.add(strspn(p, delim));
        if *p == 0 {
            *save = p;
            return ptr::null_mut();
        }
        let end = p.add(strcspn(p, delim));
        if *end == 0 {
            *save = end;
        } else {
            *end = 0;
            *save = end.add(1);
        }
        p
    }
}

/// `char *strtok(char *s, const char *delim)`: strtok_r with a hidden state
/// shared by all threads, as C specifies.
///
/// # Safety
/// As strtok_r; not from two threads at once.
#[no_mangle]
pub unsafe extern "C" fn strtok(s: *mut c_char, delim: *const c_char) -> *mut c_char {
    static mut SAVE: *mut c_char = ptr::null_mut();
    // SAFETY: per the caller.
    unsafe { strtok_r(s, delim, &raw mut SAVE) }
}

/// `char *strsep(char **sp, const char *delim)`: the token at `*sp`
/// (possibly empty); `*sp` moves past its delimiter, or to NULL.
///
/// # Safety
/// `*sp` NULL or NUL-terminated and writable; `delim` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn strsep(sp: *mut *mut c_char, delim: *const c_char) -> *mut c_char {
    // SAFETY: per the caller.
    unsafe {
        let s = *sp;
        if s.is_null() {
            return s;
        }
        let end = strpbrk(s, delim);
        if end.is_null() {
            *sp = ptr::null_mut();
        } else {
            *end = 0;
            *sp = end.add(1);
        }
        s
    }
}

/// `int ffs(int i)`: the 1-based index of the lowest set bit, 0 for 0.
#[no_mangle]
pub extern "C" fn ffs(i: c_int) -> c_int {
    if i == 0 { 0 } else { i.trailing_zeros() as c_int + 1 }
}

/// `int ffsl(long i)`.
#[no_mangle]
pub extern "C" fn ffsl(i: c_long) -> c_int {
    if i == 0 { 0 } else { i.trailing_zeros() as c_int + 1 }
}

/// `int ffsll(long long i)`.
#[no_mangle]
pub extern "C" fn ffsll(i: c_longlong) -> c_int {
    if i == 0 { 0 } else { i.trailing_zeros() as c_int + 1 }
}
