//! The C library's own allocations (fopen's stream, strdup's copy,
//! asprintf's text, setenv's strings), made through the `malloc` and
//! `free` *symbols*. A program that defines its own malloc family gets
//! these calls too (as with glibc, whose functions call the malloc the
//! program links), so a block strdup returns can go to the program's free.
//! The call is through a pointer the optimiser cannot see through:
//! otherwise link-time optimisation may inline crt0's malloc here, and the
//! program's definition would not replace it.

use core::ffi::c_void;
use core::hint::black_box;

extern "C" {
    fn malloc(n: usize) -> *mut c_void;
    fn realloc(p: *mut c_void, n: usize) -> *mut c_void;
    fn free(p: *mut c_void);
}

/// `malloc(n)`, or None.
pub fn alloc(n: usize) -> Option<*mut u8> {
    let f: unsafe extern "C" fn(usize) -> *mut c_void = black_box(malloc);
    // SAFETY: malloc has no preconditions.
    let p = unsafe { f(n) };
    (!p.is_null()).then_some(p.cast())
}

/// `realloc(p, n)`, or None (p untouched).
///
/// # Safety
/// `p` is null or a live block from `alloc`.
pub unsafe fn resize(p: *mut u8, n: usize) -> Option<*mut u8> {
    let f: unsafe extern "C" fn(*mut c_void, usize) -> *mut c_void = black_box(realloc);
    // SAFETY: per the caller.
    let q = unsafe { f(p.cast(), n) };
    (!q.is_null()).then_some(q.cast())
}

/// `free(p)`.
///
/// # Safety
/// `p` is null or a live block from `alloc`, not used afterwards.
pub unsafe fn release(p: *mut u8) {
    let f: unsafe extern "C" fn(*mut c_void) = black_box(free);
    // SAFETY: per the caller.
    unsafe { f(p.cast()) }
}
