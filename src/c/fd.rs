//! Files and descriptors from `<fcntl.h>`, `<unistd.h>` and `<sys/ioctl.h>`:
//! `open`, `openat`, `close`, `pread`, `pwrite`, `lseek`, `dup`, `dup2`,
//! `dup3`, `pipe`, `pipe2`, `fcntl`, `ioctl`, `isatty`, their `*64` names
//! (what glibc's headers call with `-D_FILE_OFFSET_BITS=64`; on 64-bit
//! Linux they are the same functions) and the fortified forms.
//!
//! `open`, `openat`, `fcntl` and `ioctl` are variadic in C; they are defined
//! with fixed arguments here: on x86_64 SysV, AAPCS64 on Linux and riscv64
//! lp64d a variadic integer or pointer argument is passed exactly as a
//! fixed one, so a caller using the variadic declaration finds it where
//! these read it (and an argument it did not pass is ignored by the kernel).

use core::ffi::{c_char, c_int, c_uint, c_ulong, c_void};

use linux_raw_sys::general::{AT_FDCWD, F_GETFD, O_CREAT, O_TMPFILE};

use super::errno::{ret, ret_int, set_errno, sys};
use super::fortify::chk_fail;

/// `off_t` on 64-bit Linux.
#[allow(non_camel_case_types)] // the C name
pub type off_t = i64;

/// `int open(const char *path, int flags, ... /* mode_t mode */)`.
///
/// # Safety
/// `path` must be NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn open(path: *const c_char, flags: c_int, mode: c_uint) -> c_int {
    // SAFETY: per the caller.
    unsafe { openat(AT_FDCWD, path, flags, mode) }
}

/// `int openat(int dirfd, const char *path, int flags, ... /* mode_t mode */)`.
///
/// # Safety
/// `path` must be NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn openat(dirfd: c_int, path: *const c_char, flags: c_int, mode: c_uint) -> c_int {
    // SAFETY: the kernel reads the NUL-terminated path.
    ret_int(unsafe { sys!(__NR_openat, dirfd, path, flags, mode) })
}

/// `open64`: `open` (64-bit Linux has one file offset size).
///
/// # Safety
/// As `open`.
#[no_mangle]
pub unsafe extern "C" fn open64(path: *const c_char, flags: c_int, mode: c_uint) -> c_int {
    // SAFETY: per the caller.
    unsafe { open(path, flags, mode) }
}

/// `openat64`: `openat`.
///
/// # Safety
/// As `openat`.
#[no_mangle]
pub unsafe extern "C" fn openat64(dirfd: c_int, path: *const c_char, flags: c_int, mode: c_uint) -> c_int {
    // SAFETY: per the caller.
    unsafe { openat(dirfd, path, flags, mode) }
}

/// A fortified `open` without a mode must not create a file: glibc's
/// message, then SIGABRT.
fn check_no_mode(flags: c_int) {
    if flags as u32 & O_CREAT != 0 || flags as u32 & O_TMPFILE == O_TMPFILE {
        let _ = crate::syscall::write_all(2, b"*** invalid open call: O_CREAT or O_TMPFILE without mode ***: terminated\n");
        crate::exit::abort();
    }
}

/// `__open_2(path, flags)`: `_FORTIFY_SOURCE`'s `open` with two arguments.
///
/// # Safety
/// As `open`.
#[no_mangle]
pub unsafe extern "C" fn __open_2(path: *const c_char, flags: c_int) -> c_int {
    check_no_mode(flags);
    // SAFETY: per the caller.
    unsafe { open(path, flags, 0) }
}

/// `__open64_2`: `__open_2`.
///
/// # Safety
/// As `open`.
#[no_mangle]
pub unsafe extern "C" fn __open64_2(path: *const c_char, flags: c_int) -> c_int {
    // SAFETY: per the caller.
    unsafe { __open_2(path, flags) }
}

/// `__openat_2(dirfd, path, flags)`: `_FORTIFY_SOURCE`'s `openat` with three arguments.
///
/// # Safety
/// As `openat`.
#[no_mangle]
pub unsafe extern "C" fn __openat_2(dirfd: c_int, path: *const c_char, flags: c_int) -> c_int {
    check_no_mode(flags);
    // SAFETY: per the caller.
    unsafe { openat(dirfd, path, flags, 0) }
}

/// `__openat64_2`: `__openat_2`.
///
/// # Safety
/// As `openat`.
#[no_mangle]
pub unsafe extern "C" fn __openat64_2(dirfd: c_int, path: *const c_char, flags: c_int) -> c_int {
    // SAFETY: per the caller.
    unsafe { __openat_2(dirfd, path, flags) }
}

/// `int close(int fd)`.
#[no_mangle]
pub extern "C" fn close(fd: c_int) -> c_int {
    // SAFETY: close takes an integer.
    ret_int(unsafe { sys!(__NR_close, fd) })
}

/// `ssize_t pread(int fd, void *buf, size_t n, off_t offset)`.
///
/// # Safety
/// `buf` writable for `n` bytes.
#[no_mangle]
pub unsafe extern "C" fn pread(fd: c_int, buf: *mut c_void, n: usize, offset: off_t) -> isize {
    // SAFETY: the kernel writes at most `n` bytes to `buf`.
    ret(unsafe { sys!(__NR_pread64, fd, buf, n, offset) }.map(|v| v as isize))
}

/// `ssize_t pwrite(int fd, const void *buf, size_t n, off_t offset)`.
///
/// # Safety
/// `buf` readable for `n` bytes.
#[no_mangle]
pub unsafe extern "C" fn pwrite(fd: c_int, buf: *const c_void, n: usize, offset: off_t) -> isize {
    // SAFETY: the kernel reads at most `n` bytes from `buf`.
    ret(unsafe { sys!(__NR_pwrite64, fd, buf, n, offset) }.map(|v| v as isize))
}

/// `pread64`: `pread`.
///
/// # Safety
/// As `pread`.
#[no_mangle]
pub unsafe extern "C" fn pread64(fd: c_int, buf: *mut c_void, n: usize, offset: off_t) -> isize {
    // SAFETY: per the caller.
    unsafe { pread(fd, buf, n, offset) }
}

/// `pwrite64`: `pwrite`.
///
/// # Safety
/// As `pwrite`.
#[no_mangle]
pub unsafe extern "C" fn pwrite64(fd: c_int, buf: *const c_void, n: usize, offset: off_t) -> isize {
    // SAFETY: per the caller.
    unsafe { pwrite(fd, buf, n, offset) }
}

/// `off_t lseek(int fd, off_t offset, int whence)`.
#[no_mangle]
pub extern "C" fn lseek(fd: c_int, offset: off_t, whence: c_int) -> off_t {
    // SAFETY: lseek takes integers.
    ret(unsafe { sys!(__NR_lseek, fd, offset, whence) }.map(|v| v as isize)) as off_t
}

/// `lseek64`: `lseek`.
#[no_mangle]
pub extern "C" fn lseek64(fd: c_int, offset: off_t, whence: c_int) -> off_t {
    lseek(fd, offset, whence)
}

/// `int dup(int fd)`.
#[no_mangle]
pub extern "C" fn dup(fd: c_int) -> c_int {
    // SAFETY: dup takes an integer.
    ret_int(unsafe { sys!(__NR_dup, fd) })
}

/// `int dup3(int old, int new, int flags)`.
#[no_mangle]
pub extern "C" fn dup3(old: c_int, new: c_int, flags: c_int) -> c_int {
    // SAFETY: dup3 takes integers.
    ret_int(unsafe { sys!(__NR_dup3, old, new, flags) })
}

/// `int dup2(int old, int new)`: through dup3, which every architecture
/// has; dup3 refuses `old == new`, for which dup2 only checks that `old`
/// is open.
#[no_mangle]
pub extern "C" fn dup2(old: c_int, new: c_int) -> c_int {
    if old == new {
        // SAFETY: fcntl(F_GETFD) takes integers.
        return match unsafe { sys!(__NR_fcntl, old, F_GETFD) } {
            Ok(_) => new,
            Err(e) => {
                set_errno(e);
                -1
            }
        };
    }
    dup3(old, new, 0)
}

/// `int pipe2(int fds[2], int flags)`.
///
/// # Safety
/// `fds` writable for two ints.
#[no_mangle]
pub unsafe extern "C" fn pipe2(fds: *mut c_int, flags: c_int) -> c_int {
    // SAFETY: the kernel writes two ints to `fds`.
    ret_int(unsafe { sys!(__NR_pipe2, fds, flags) })
}

/// `int pipe(int fds[2])`: pipe2 with no flags (aarch64 has no pipe(2)).
///
/// # Safety
/// `fds` writable for two ints.
#[no_mangle]
pub unsafe extern "C" fn pipe(fds: *mut c_int) -> c_int {
    // SAFETY: per the caller.
    unsafe { pipe2(fds, 0) }
}

/// `int fcntl(int fd, int cmd, ... /* arg */)`.
///
/// # Safety
/// `arg` as `cmd` needs it (a pointer to a `struct flock` for the locks).
#[no_mangle]
pub unsafe extern "C" fn fcntl(fd: c_int, cmd: c_int, arg: c_ulong) -> c_int {
    // SAFETY: per the caller.
    ret_int(unsafe { sys!(__NR_fcntl, fd, cmd, arg) })
}

/// `fcntl64`: `fcntl` (glibc 2.28's headers call it with 64-bit offsets).
///
/// # Safety
/// As `fcntl`.
#[no_mangle]
pub unsafe extern "C" fn fcntl64(fd: c_int, cmd: c_int, arg: c_ulong) -> c_int {
    // SAFETY: per the caller.
    unsafe { fcntl(fd, cmd, arg) }
}

/// `int ioctl(int fd, unsigned long request, ... /* arg */)`.
///
/// # Safety
/// `arg` as `request` needs it.
#[no_mangle]
pub unsafe extern "C" fn ioctl(fd: c_int, request: c_ulong, arg: c_ulong) -> c_int {
    // SAFETY: per the caller.
    ret_int(unsafe { sys!(__NR_ioctl, fd, request, arg) })
}

/// `int isatty(int fd)`: 1 when the terminal ioctl TCGETS works on `fd`,
/// else 0 with errno (ENOTTY, or EBADF).
#[no_mangle]
pub extern "C" fn isatty(fd: c_int) -> c_int {
    // The kernel's struct termios is 36 bytes on every architecture crt0 has.
    let mut termios = [0u32; 16];
    // SAFETY: TCGETS writes a struct termios, which fits in the buffer.
    match unsafe { sys!(__NR_ioctl, fd, linux_raw_sys::ioctl::TCGETS, termios.as_mut_ptr()) } {
        Ok(_) => 1,
        Err(e) => {
            set_errno(e);
            0
        }
    }
}

/// `__read_chk(fd, buf, n, buflen)`: `read` into a buffer of known size.
///
/// # Safety
/// As `read`.
#[no_mangle]
pub unsafe extern "C" fn __read_chk(fd: c_int, buf: *mut c_void, n: usize, buflen: usize) -> isize {
    if n > buflen {
        chk_fail();
    }
    // SAFETY: per the caller.
    unsafe { super::unistd::read(fd, buf, n) }
}

/// `__pread_chk(fd, buf, n, offset, buflen)`.
///
/// # Safety
/// As `pread`.
#[no_mangle]
pub unsafe extern "C" fn __pread_chk(fd: c_int, buf: *mut c_void, n: usize, offset: off_t, buflen: usize) -> isize {
    if n > buflen {
        chk_fail();
    }
    // SAFETY: per the caller.
    unsafe { pread(fd, buf, n, offset) }
}

/// `__pread64_chk`: `__pread_chk`.
///
/// # Safety
/// As `pread`.
#[no_mangle]
pub unsafe extern "C" fn __pread64_chk(fd: c_int, buf: *mut c_void, n: usize, offset: off_t, buflen: usize) -> isize {
    // SAFETY: per the caller.
    unsafe { __pread_chk(fd, buf, n, offset, buflen) }
}

