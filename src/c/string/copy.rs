//! Copying: `strcpy strncpy stpcpy stpncpy strcat strncat strdup strndup
//! strnlen mempcpy memccpy bzero bcopy explicit_bzero`.

use core::ffi::{c_char, c_int, c_void};
use core::ptr;

use super::search::find_byte;
use crate::c::errno::set_errno;
use crate::c::malloc::alloc;
use crate::cstr;
use crate::syscall::Errno;

// The exported functions call these private ones, never each other: the
// optimiser knows the C library's names, and would turn `stpcpy` called for
// its side effect inside `strcpy` into a call to `strcpy` itself.

/// Copies `src` with its NUL; the copy's NUL.
///
/// # Safety
/// As stpcpy.
#[inline(always)]
pub(crate) unsafe fn copy_to_end(dst: *mut c_char, src: *const c_char) -> *mut c_char {
    // SAFETY: per the caller.
    unsafe {
        let n = cstr::len(src.cast());
        ptr::copy_nonoverlapping(src, dst, n + 1);
        dst.add(n)
    }
}

/// At most `n` bytes of `src`, zero-filled to `n`; the end of the copied string.
///
/// # Safety
/// As stpncpy.
#[inline(always)]
pub(crate) unsafe fn copy_n_to_end(dst: *mut c_char, src: *const c_char, n: usize) -> *mut c_char {
    // SAFETY: per the caller.
    unsafe {
        let k = cstr::nlen(src.cast(), n);
        ptr::copy_nonoverlapping(src, dst, k);
        ptr::write_bytes(dst.add(k), 0, n - k);
        dst.add(k)
    }
}

/// `char *stpcpy(char *dst, const char *src)`: the end of the copy (its NUL).
///
/// # Safety
/// `src` NUL-terminated; `dst` large enough, not overlapping.
#[no_mangle]
pub unsafe extern "C" fn stpcpy(dst: *mut c_char, src: *const c_char) -> *mut c_char {
    // SAFETY: per the caller.
    unsafe { copy_to_end(dst, src) }
}

/// `__stpcpy`: glibc's internal name, which older headers' inlines call.
///
/// # Safety
/// As stpcpy.
#[no_mangle]
pub unsafe extern "C" fn __stpcpy(dst: *mut c_char, src: *const c_char) -> *mut c_char {
    // SAFETY: per the caller.
    unsafe { copy_to_end(dst, src) }
}

/// `char *strcpy(char *dst, const char *src)`.
///
/// # Safety
/// As stpcpy.
#[no_mangle]
pub unsafe extern "C" fn strcpy(dst: *mut c_char, src: *const c_char) -> *mut c_char {
    // SAFETY: per the caller.
    unsafe { copy_to_end(dst, src) };
    dst
}

/// `char *stpncpy(char *dst, const char *src, size_t n)`: at most `n`
/// bytes, zero-filled to `n`; the end of the copied string.
///
/// # Safety
/// `src` readable to its NUL or `n` bytes; `dst` writable for `n`.
#[no_mangle]
pub unsafe extern "C" fn stpncpy(dst: *mut c_char, src: *const c_char, n: usize) -> *mut c_char {
    // SAFETY: per the caller.
    unsafe { copy_n_to_end(dst, src, n) }
}

/// `char *strncpy(char *dst, const char *src, size_t n)`.
///
/// # Safety
/// As stpncpy.
#[no_mangle]
pub unsafe extern "C" fn strncpy(dst: *mut c_char, src: *const c_char, n: usize) -> *mut c_char {
    // SAFETY: per the caller.
    unsafe { copy_n_to_end(dst, src, n) };
    dst
}

/// `char *strcat(char *dst, const char *src)`.
///
/// # Safety
/// Both NUL-terminated; `dst` has room.
#[no_mangle]
pub unsafe extern "C" fn strcat(dst: *mut c_char, src: *const c_char) -> *mut c_char {
    // SAFETY: per the caller.
    unsafe { copy_to_end(dst.add(cstr::len(dst.cast())), src) };
    dst
}

/// `char *strncat(char *dst, const char *src, size_t n)`: at most `n`
/// bytes of `src`, then a NUL.
///
/// # Safety
/// `dst` NUL-terminated with room; `src` readable to its NUL or `n` bytes.
#[no_mangle]
pub unsafe extern "C" fn strncat(dst: *mut c_char, src: *const c_char, n: usize) -> *mut c_char {
    // SAFETY: per the caller.
    unsafe {
        let end = dst.add(cstr::len(dst.cast()));
        let k = cstr::nlen(src.cast(), n);
        ptr::copy_nonoverlapping(src, end, k);
        *end.add(k) = 0;
    }
    dst
}

/// `size_t strnlen(const char *s, size_t max)`.
///
/// # Safety
/// `s` readable to its NUL or `max` bytes.
#[no_mangle]
pub unsafe extern "C" fn strnlen(s: *const c_char, max: usize) -> usize {
    // SAFETY: per the caller.
    unsafe { cstr::nlen(s.cast(), max) }
}

/// A malloc'd copy of `n` bytes at `s` plus a NUL; NULL with ENOMEM.
///
/// # Safety
/// `s` readable for `n` bytes.
unsafe fn dup(s: *const c_char, n: usize) -> *mut c_char {
    let Some(p) = alloc(n + 1) else {
        set_errno(Errno::ENOMEM);
        return ptr::null_mut();
    };
    // SAFETY: per the caller; the block has n + 1 bytes.
    unsafe {
        ptr::copy_nonoverlapping(s.cast(), p, n);
        *p.add(n) = 0;
    }
    p.cast()
}

/// `char *strdup(const char *s)`: a copy from malloc.
///
/// # Safety
/// `s` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn strdup(s: *const c_char) -> *mut c_char {
    // SAFETY: per the caller.
    unsafe { dup(s, cstr::len(s.cast())) }
}

/// `__strdup`: glibc's other name.
///
/// # Safety
/// As strdup.
#[no_mangle]
pub unsafe extern "C" fn __strdup(s: *const c_char) -> *mut c_char {
    // SAFETY: per the caller.
    unsafe { strdup(s) }
}

/// `char *strndup(const char *s, size_t n)`.
///
/// # Safety
/// `s` readable to its NUL or `n` bytes.
#[no_mangle]
pub unsafe extern "C" fn strndup(s: *const c_char, n: usize) -> *mut c_char {
    // SAFETY: per the caller.
    unsafe { dup(s, cstr::nlen(s.cast(), n)) }
}

/// `__strndup`: glibc's other name.
///
/// # Safety
/// As strndup.
#[no_mangle]
pub unsafe extern "C" fn __strndup(s: *const c_char, n: usize) -> *mut c_char {
    // SAFETY: per the caller.
    unsafe { strndup(s, n) }
}

/// `void *mempcpy(void *dst, const void *src, size_t n)`: the end of the copy.
///
/// # Safety
/// As memcpy.
#[no_mangle]
pub unsafe extern "C" fn mempcpy(dst: *mut c_void, src: *const c_void, n: usize) -> *mut c_void {
    // SAFETY: per the caller.
    unsafe {
        ptr::copy_nonoverlapping(src.cast::<u8>(), dst.cast::<u8>(), n);
        dst.cast::<u8>().add(n).cast()
    }
}

/// `__mempcpy`: glibc's other name.
///
/// # Safety
/// As memcpy.
#[no_mangle]
pub unsafe extern "C" fn __mempcpy(dst: *mut c_void, src: *const c_void, n: usize) -> *mut c_void {
    // SAFETY: per the caller.
    unsafe { mempcpy(dst, src, n) }
}

/// `void *memccpy(void *dst, const void *src, int c, size_t n)`: copies
/// through the first `c`; the byte after it in `dst`, or NULL.
///
/// # Safety
/// As memcpy, for up to `n` bytes.
#[no_mangle]
pub unsafe extern "C" fn memccpy(dst: *mut c_void, src: *const c_void, c: c_int, n: usize) -> *mut c_void {
    // SAFETY: per the caller.
    unsafe {
        match find_byte(src.cast(), c as u8, n) {
            Some(i) => mempcpy(dst, src, i + 1),
            None => {
                ptr::copy_nonoverlapping(src.cast::<u8>(), dst.cast::<u8>(), n);
                ptr::null_mut()
            }
        }
    }
}

/// `void bzero(void *s, size_t n)`.
///
/// # Safety
/// `s` writable for `n` bytes.
#[no_mangle]
pub unsafe extern "C" fn bzero(s: *mut c_void, n: usize) {
    // SAFETY: per the caller.
    unsafe { ptr::write_bytes(s.cast::<u8>(), 0, n) }
}

/// `void explicit_bzero(void *s, size_t n)`: a zeroing the optimiser keeps.
///
/// # Safety
/// `s` writable for `n` bytes.
#[no_mangle]
pub unsafe extern "C" fn explicit_bzero(s: *mut c_void, n: usize) {
    // SAFETY: per the caller.
    unsafe { ptr::write_bytes(s.cast::<u8>(), 0, n) };
    // The pointer escapes, so the stores above cannot be dropped.
    core::hint::black_box(s);
}

/// `void bcopy(const void *src, void *dst, size_t n)`: memmove, arguments swapped.
///
/// # Safety
/// As memmove.
#[no_mangle]
pub unsafe extern "C" fn bcopy(src: *const c_void, dst: *mut c_void, n: usize) {
    // SAFETY: per the caller.
    unsafe { ptr::copy(src.cast::<u8>(), dst.cast::<u8>(), n) }
}
