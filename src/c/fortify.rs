//! What hardened code calls: `__stack_chk_fail` (`-fstack-protector`),
//! and with `-D_FORTIFY_SOURCE` (at -O1 and above) the `__*_chk` forms of
//! the string functions, which glibc's headers substitute when the
//! compiler knows the destination's size but cannot prove the call fits:
//! each checks, then does the work; a failed check ends the program
//! through `__chk_fail`, as glibc's do. (The stdio forms are in
//! `c::stdio`: `__printf_chk` and company, `__fgets_chk`, `__fread_chk`.)

use core::ffi::{c_char, c_int, c_void};

use super::string::copy::{copy_n_to_end, copy_to_end, mempcpy, strncat};
use crate::{cstr, exit, syscall};

/// Called by `-fstack-protector` code when the canary was overwritten.
#[no_mangle]
pub extern "C" fn __stack_chk_fail() -> ! {
    let _ = syscall::write_all(2, b"crt0: fatal: stack smashing detected\n");
    exit::abort()
}

/// A `_FORTIFY_SOURCE` check failed: glibc's message on stderr, then
/// SIGABRT (glibc writes it to the terminal when there is one; crt0 always
/// to stderr).
pub fn chk_fail() -> ! {
    let _ = syscall::write_all(2, b"*** buffer overflow detected ***: terminated\n");
    exit::abort()
}

/// `void __chk_fail(void)`.
#[no_mangle]
pub extern "C" fn __chk_fail() -> ! {
    chk_fail()
}

/// Fails unless `need` fits in `room`.
fn fits(need: usize, room: usize) {
    if need > room {
        chk_fail();
    }
}

/// `void *__memcpy_chk(void *dst, const void *src, size_t n, size_t dstlen)`.
///
/// # Safety
/// As memcpy.
#[no_mangle]
pub unsafe extern "C" fn __memcpy_chk(dst: *mut c_void, src: *const c_void, n: usize, dstlen: usize) -> *mut c_void {
    fits(n, dstlen);
    // SAFETY: per the caller, checked to fit.
    unsafe { core::ptr::copy_nonoverlapping(src.cast::<u8>(), dst.cast::<u8>(), n) };
    dst
}

/// `void *__memmove_chk(void *dst, const void *src, size_t n, size_t dstlen)`.
///
/// # Safety
/// As memmove.
#[no_mangle]
pub unsafe extern "C" fn __memmove_chk(dst: *mut c_void, src: *const c_void, n: usize, dstlen: usize) -> *mut c_void {
    fits(n, dstlen);
    // SAFETY: per the caller, checked to fit.
    unsafe { core::ptr::copy(src.cast::<u8>(), dst.cast::<u8>(), n) };
    dst
}

/// `void *__mempcpy_chk(void *dst, const void *src, size_t n, size_t dstlen)`.
///
/// # Safety
/// As mempcpy.
#[no_mangle]
pub unsafe extern "C" fn __mempcpy_chk(dst: *mut c_void, src: *const c_void, n: usize, dstlen: usize) -> *mut c_void {
    fits(n, dstlen);
    // SAFETY: per the caller, checked to fit.
    unsafe { mempcpy(dst, src, n) }
}

/// `void *__memset_chk(void *dst, int c, size_t n, size_t dstlen)`.
///
/// # Safety
/// As memset.
#[no_mangle]
pub unsafe extern "C" fn __memset_chk(dst: *mut c_void, c: c_int, n: usize, dstlen: usize) -> *mut c_void {
    fits(n, dstlen);
    // SAFETY: per the caller, checked to fit.
    unsafe { core::ptr::write_bytes(dst.cast::<u8>(), c as u8, n) };
    dst
}

/// `void __explicit_bzero_chk(void *dst, size_t n, size_t dstlen)`.
///
/// # Safety
/// As explicit_bzero.
#[no_mangle]
pub unsafe extern "C" fn __explicit_bzero_chk(dst: *mut c_void, n: usize, dstlen: usize) {
    fits(n, dstlen);
    // SAFETY: per the caller, checked to fit.
    unsafe { core::ptr::write_bytes(dst.cast::<u8>(), 0, n) };
    core::hint::black_box(dst);
}

/// `char *__stpcpy_chk(char *dst, const char *src, size_t dstlen)`.
///
/// # Safety
/// As stpcpy.
#[no_mangle]
pub unsafe extern "C" fn __stpcpy_chk(dst: *mut c_char, src: *const c_char, dstlen: usize) -> *mut c_char {
    // SAFETY: per the caller.
    fits(unsafe { cstr::len(src.cast()) } + 1, dstlen);
    // SAFETY: checked to fit.
    unsafe { copy_to_end(dst, src) }
}

/// `char *__strcpy_chk(char *dst, const char *src, size_t dstlen)`.
///
/// # Safety
/// As strcpy.
#[no_mangle]
pub unsafe extern "C" fn __strcpy_chk(dst: *mut c_char, src: *const c_char, dstlen: usize) -> *mut c_char {
    // SAFETY: per the caller.
    fits(unsafe { cstr::len(src.cast()) } + 1, dstlen);
    // SAFETY: checked to fit.
    unsafe { copy_to_end(dst, src) };
    dst
}

/// `char *__stpncpy_chk(char *dst, const char *src, size_t n, size_t dstlen)`.
///
/// # Safety
/// As stpncpy.
#[no_mangle]
pub unsafe extern "C" fn __stpncpy_chk(dst: *mut c_char, src: *const c_char, n: usize, dstlen: usize) -> *mut c_char {
    fits(n, dstlen);
    // SAFETY: per the caller, checked to fit.
    unsafe { copy_n_to_end(dst, src, n) }
}

/// `char *__strncpy_chk(char *dst, const char *src, size_t n, size_t dstlen)`.
///
/// # Safety
/// As strncpy.
#[no_mangle]
pub unsafe extern "C" fn __strncpy_chk(dst: *mut c_char, src: *const c_char, n: usize, dstlen: usize) -> *mut c_char {
    fits(n, dstlen);
    // SAFETY: per the caller, checked to fit.
    unsafe { copy_n_to_end(dst, src, n) };
    dst
}

/// `char *__strcat_chk(char *dst, const char *src, size_t dstlen)`.
///
/// # Safety
/// As strcat.
#[no_mangle]
pub unsafe extern "C" fn __strcat_chk(dst: *mut c_char, src: *const c_char, dstlen: usize) -> *mut c_char {
    // SAFETY: per the caller.
    unsafe {
        let have = cstr::len(dst.cast());
        fits(have + cstr::len(src.cast()) + 1, dstlen);
        copy_to_end(dst.add(have), src);
    }
    dst
}

/// `char *__strncat_chk(char *dst, const char *src, size_t n, size_t dstlen)`.
///
/// # Safety
/// As strncat.
#[no_mangle]
pub unsafe extern "C" fn __strncat_chk(dst: *mut c_char, src: *const c_char, n: usize, dstlen: usize) -> *mut c_char {
    // SAFETY: per the caller.
    unsafe {
        fits(cstr::len(dst.cast()) + cstr::nlen(src.cast(), n) + 1, dstlen);
        strncat(dst, src, n)
    }
}

/// `char *__realpath_chk(const char *path, char *resolved, size_t resolvedlen)`:
/// `resolved` must hold PATH_MAX bytes.
///
/// # Safety
/// As realpath.
#[no_mangle]
pub unsafe extern "C" fn __realpath_chk(path: *const c_char, resolved: *mut c_char, resolvedlen: usize) -> *mut c_char {
    if !resolved.is_null() {
        fits(4096, resolvedlen);
    }
    // SAFETY: per the caller.
    unsafe { super::stdlib::path::realpath(path, resolved) }
}
