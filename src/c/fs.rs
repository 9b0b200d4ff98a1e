//! The file system, from `<unistd.h>` and `<sys/stat.h>`: `stat`, `fstat`,
//! `lstat`, `fstatat` (and their `*64` names), `access`, `unlink`, `mkdir`,
//! `rmdir`, `getcwd`, `chdir`, `fchdir`. Each goes through the `*at` system
//! call that every architecture has (aarch64 has no plain `stat` or `mkdir`).
//!
//! `struct stat` is passed to the kernel as it is: glibc's struct on x86_64
//! (144 bytes) and on aarch64 (128 bytes, the generic layout) is the
//! kernel's `struct stat` for that architecture, field for field.

use core::ffi::{c_char, c_int, c_uint, c_void};

use linux_raw_sys::general::{AT_FDCWD, AT_REMOVEDIR, AT_SYMLINK_NOFOLLOW};

use super::errno::{ret_int, set_errno, sys};
use super::fortify::chk_fail;
use crate::syscall::Errno;

/// `int fstatat(int dirfd, const char *path, struct stat *st, int flags)`.
///
/// # Safety
/// `path` NUL-terminated, `st` writable for a `struct stat`.
#[no_mangle]
pub unsafe extern "C" fn fstatat(dirfd: c_int, path: *const c_char, st: *mut c_void, flags: c_int) -> c_int {
    // SAFETY: the kernel reads the path and writes one struct stat.
    ret_int(unsafe { sys!(__NR_newfstatat, dirfd, path, st, flags) })
}

/// `int stat(const char *path, struct stat *st)`.
///
/// # Safety
/// As `fstatat`.
#[no_mangle]
pub unsafe extern "C" fn stat(path: *const c_char, st: *mut c_void) -> c_int {
    // SAFETY: per the caller.
    unsafe { fstatat(AT_FDCWD, path, st, 0) }
}

/// `int lstat(const char *path, struct stat *st)`: a symbolic link itself.
///
/// # Safety
/// As `fstatat`.
#[no_mangle]
pub unsafe extern "C" fn lstat(path: *const c_char, st: *mut c_void) -> c_int {
    // SAFETY: per the caller.
    unsafe { fstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW as c_int) }
}

/// `int fstat(int fd, struct stat *st)`.
///
/// # Safety
/// `st` writable for a `struct stat`.
#[no_mangle]
pub unsafe extern "C" fn fstat(fd: c_int, st: *mut c_void) -> c_int {
    // SAFETY: the kernel writes one struct stat.
    ret_int(unsafe { sys!(__NR_fstat, fd, st) })
}

/// `stat64`: `stat` (64-bit Linux has one `struct stat`).
///
/// # Safety
/// As `stat`.
#[no_mangle]
pub unsafe extern "C" fn stat64(path: *const c_char, st: *mut c_void) -> c_int {
    // SAFETY: per the caller.
    unsafe { stat(path, st) }
}

/// `lstat64`: `lstat`.
///
/// # Safety
/// As `lstat`.
#[no_mangle]
pub unsafe extern "C" fn lstat64(path: *const c_char, st: *mut c_void) -> c_int {
    // SAFETY: per the caller.
    unsafe { lstat(path, st) }
}

/// `fstat64`: `fstat`.
///
/// # Safety
/// As `fstat`.
#[no_mangle]
pub unsafe extern "C" fn fstat64(fd: c_int, st: *mut c_void) -> c_int {
    // SAFETY: per the caller.
    unsafe { fstat(fd, st) }
}

/// `fstatat64`: `fstatat`.
///
/// # Safety
/// As `fstatat`.
#[no_mangle]
pub unsafe extern "C" fn fstatat64(dirfd: c_int, path: *const c_char, st: *mut c_void, flags: c_int) -> c_int {
    // SAFETY: per the caller.
    unsafe { fstatat(dirfd, path, st, flags) }
}

/// `int access(const char *path, int mode)`.
///
/// # Safety
/// `path` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn access(path: *const c_char, mode: c_int) -> c_int {
    // SAFETY: the kernel reads the path.
    ret_int(unsafe { sys!(__NR_faccessat, AT_FDCWD, path, mode) })
}

/// `int unlink(const char *path)`.
///
/// # Safety
/// `path` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn unlink(path: *const c_char) -> c_int {
    // SAFETY: the kernel reads the path.
    ret_int(unsafe { sys!(__NR_unlinkat, AT_FDCWD, path, 0) })
}

/// `int rmdir(const char *path)`.
///
/// # Safety
/// `path` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn rmdir(path: *const c_char) -> c_int {
    // SAFETY: the kernel reads the path.
    ret_int(unsafe { sys!(__NR_unlinkat, AT_FDCWD, path, AT_REMOVEDIR) })
}

/// `int mkdir(const char *path, mode_t mode)`.
///
/// # Safety
/// `path` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn mkdir(path: *const c_char, mode: c_uint) -> c_int {
    // SAFETY: the kernel reads the path.
    ret_int(unsafe { sys!(__NR_mkdirat, AT_FDCWD, path, mode) })
}

/// `int chdir(const char *path)`.
///
/// # Safety
/// `path` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn chdir(path: *const c_char) -> c_int {
    // SAFETY: the kernel reads the path.
    ret_int(unsafe { sys!(__NR_chdir, path) })
}

/// `int fchdir(int fd)`.
#[no_mangle]
pub extern "C" fn fchdir(fd: c_int) -> c_int {
    // SAFETY: fchdir takes an integer.
    ret_int(unsafe { sys!(__NR_fchdir, fd) })
}

/// `char *getcwd(char *buf, size_t size)`: the working directory in `buf`,
/// or, as glibc, in a new heap block when `buf` is NULL (of `size` bytes,
/// or just large enough when `size` is 0). NULL with errno on failure
/// (ERANGE when it does not fit).
///
/// # Safety
/// `buf` NULL or writable for `size` bytes.
#[no_mangle]
pub unsafe extern "C" fn getcwd(buf: *mut c_char, size: usize) -> *mut c_char {
    if !buf.is_null() {
        if size == 0 {
            set_errno(Errno::EINVAL);
            return core::ptr::null_mut();
        }
        // SAFETY: the kernel writes at most `size` bytes.
        return match unsafe { sys!(__NR_getcwd, buf, size) } {
            Ok(_) => buf,
            Err(e) => {
                set_errno(e);
                core::ptr::null_mut()
            }
        };
    }
    // PATH_MAX: the kernel fails with ENAMETOOLONG beyond a page anyway.
    let mut tmp = [0u8; 4096];
    let want = if size == 0 { tmp.len() } else { size.min(tmp.len()) };
    // SAFETY: the kernel writes at most `want` bytes into `tmp`.
    let len = match unsafe { sys!(__NR_getcwd, tmp.as_mut_ptr(), want) } {
        Ok(len) => len,
        Err(e) => {
            set_errno(e);
            return core::ptr::null_mut();
        }
    };
    let out = crate::heap::malloc(if size == 0 { len } else { size }).cast::<c_char>();
    if out.is_null() {
        set_errno(Errno::ENOMEM);
        return out;
    }
    // SAFETY: the block holds at least `len` bytes, the kernel's result
    // with its NUL.
    unsafe { core::ptr::copy_nonoverlapping(tmp.as_ptr().cast(), out, len) };
    out
}

/// `__getcwd_chk(buf, size, buflen)`.
///
/// # Safety
/// As `getcwd`.
#[no_mangle]
pub unsafe extern "C" fn __getcwd_chk(buf: *mut c_char, size: usize, buflen: usize) -> *mut c_char {
    if size > buflen {
        chk_fail();
    }
    // SAFETY: per the caller.
    unsafe { getcwd(buf, size) }
}
