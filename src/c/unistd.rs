//! System-call wrappers from `<unistd.h>`: `read`, `write`, `syscall`.

use core::ffi::{c_int, c_long, c_void};

use super::errno::{ret, set_errno};
use crate::syscall;

/// `ssize_t write(int fd, const void *buf, size_t n)`.
///
/// # Safety
/// `buf` readable for `n` bytes.
#[no_mangle]
pub unsafe extern "C" fn write(fd: c_int, buf: *const c_void, n: usize) -> isize {
    // SAFETY: per the caller.
    ret(unsafe { syscall::write(fd, buf.cast(), n) }.map(|v| v as isize))
}

/// `ssize_t read(int fd, void *buf, size_t n)`.
///
/// # Safety
/// `buf` writable for `n` bytes.
#[no_mangle]
pub unsafe extern "C" fn read(fd: c_int, buf: *mut c_void, n: usize) -> isize {
    // SAFETY: per the caller.
    ret(unsafe { syscall::read(fd, buf.cast(), n) }.map(|v| v as isize))
}

/// `long syscall(long n, ...)`. Defined with six fixed arguments: on x86_64
/// and aarch64 Linux a variadic call passes integer arguments exactly as a
/// fixed one does, so callers may use the variadic declaration.
///
/// # Safety
/// As the system call `n`.
#[no_mangle]
pub unsafe extern "C" fn syscall(n: c_long, a: c_long, b: c_long, c: c_long, d: c_long, e: c_long, f: c_long) -> c_long {
    // SAFETY: per the caller.
    let r = unsafe { crate::arch::syscall6(n as usize, a as usize, b as usize, c as usize, d as usize, e as usize, f as usize) };
    if (-4095..0).contains(&r) {
        set_errno(syscall::Errno(-r as i32));
        -1
    } else {
        r as c_long
    }
}
