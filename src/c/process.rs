//! Processes, from `<unistd.h>`, `<sys/wait.h>` and `<signal.h>`:
//! `getpid`, `getppid`, `gettid`, `execve`, `execv`, `execvp`, `waitpid`,
//! `wait`, `kill` (`_exit` is with `exit` in `stdlib`).

use core::ffi::{c_char, c_int, CStr};

use linux_raw_sys::errno::{EACCES, ENAMETOOLONG, ENODEV, ENOENT, ENOEXEC, ENOTDIR, ESTALE, ETIMEDOUT};

use super::errno::{ret_int, set_errno, sys};
use crate::syscall::Errno;

/// `pid_t getpid(void)`.
#[no_mangle]
pub extern "C" fn getpid() -> c_int {
    // SAFETY: no arguments; getpid cannot fail.
    unsafe { sys!(__NR_getpid) }.unwrap_or(0) as c_int
}

/// `pid_t getppid(void)`.
#[no_mangle]
pub extern "C" fn getppid() -> c_int {
    // SAFETY: no arguments; getppid cannot fail.
    unsafe { sys!(__NR_getppid) }.unwrap_or(0) as c_int
}

/// `pid_t gettid(void)`.
#[no_mangle]
pub extern "C" fn gettid() -> c_int {
    // SAFETY: no arguments; gettid cannot fail.
    unsafe { sys!(__NR_gettid) }.unwrap_or(0) as c_int
}

/// `int kill(pid_t pid, int sig)`.
#[no_mangle]
pub extern "C" fn kill(pid: c_int, sig: c_int) -> c_int {
    // SAFETY: kill takes integers.
    ret_int(unsafe { sys!(__NR_kill, pid, sig) })
}

/// `pid_t waitpid(pid_t pid, int *status, int options)`: wait4 without
/// the resource usage.
///
/// # Safety
/// `status` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn waitpid(pid: c_int, status: *mut c_int, options: c_int) -> c_int {
    // SAFETY: the kernel writes one int to a non-null `status`.
    ret_int(unsafe { sys!(__NR_wait4, pid, status, options, 0) })
}

/// `pid_t wait(int *status)`: any child.
///
/// # Safety
/// As `waitpid`.
#[no_mangle]
pub unsafe extern "C" fn wait(status: *mut c_int) -> c_int {
    // SAFETY: per the caller.
    unsafe { waitpid(-1, status, 0) }
}

/// `int execve(const char *path, char *const argv[], char *const envp[])`:
/// returns only on failure (-1, errno).
///
/// # Safety
/// `path` NUL-terminated; `argv` and `envp` NULL-terminated arrays of
/// NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C" fn execve(path: *const c_char, argv: *const *const c_char, envp: *const *const c_char) -> c_int {
    // SAFETY: per the caller.
    ret_int(unsafe { sys!(__NR_execve, path, argv, envp) })
}

/// The environment a new program gets from `execv` and `execvp`: the
/// process's current one.
fn environment() -> *const *const c_char {
    crate::args::envp().as_ptr()
}

/// `int execv(const char *path, char *const argv[])`.
///
/// # Safety
/// As `execve`.
#[no_mangle]
pub unsafe extern "C" fn execv(path: *const c_char, argv: *const *const c_char) -> c_int {
    // SAFETY: per the caller; the environment is well-formed.
    unsafe { execve(path, argv, environment()) }
}

/// Runs `path` as a shell script (`/bin/sh path args...`), as glibc does
/// when the kernel does not recognise a file's format (ENOEXEC).
///
/// # Safety
/// As `execve`.
unsafe fn exec_script(path: *const c_char, argv: *const *const c_char, envp: *const *const c_char) {
    // SAFETY: per the caller argv ends with NULL; the new array holds
    // "/bin/sh", path, argv[1..] and the NULL.
    unsafe {
        let mut argc = 0;
        while !(*argv.add(argc)).is_null() {
            argc += 1;
        }
        let words = argc.max(1) + 2;
        let new = crate::heap::malloc(words * core::mem::size_of::<usize>()).cast::<*const c_char>();
        if new.is_null() {
            set_errno(Errno::ENOMEM);
            return;
        }
        new.write(c"/bin/sh".as_ptr());
        new.add(1).write(path);
        for i in 1..argc {
            new.add(i + 1).write(*argv.add(i));
        }
        new.add(argc.max(1) + 1).write(core::ptr::null());
        execve(c"/bin/sh".as_ptr(), new, envp);
        crate::heap::free(new.cast());
    }
}

/// `int execvp(const char *file, char *const argv[])`: `file` itself when
/// it has a `/`, else the first `dir/file` along `PATH` (`/bin:/usr/bin`
/// when unset; an empty entry is the working directory) that the kernel
/// runs; a file it cannot run (ENOEXEC) goes to `/bin/sh`. As glibc, a
/// directory that lacks the file, or an unreadable one, is skipped, and the
/// error is EACCES if some candidate was refused permission, else the last
/// one.
///
/// # Safety
/// As `execve`.
#[no_mangle]
pub unsafe extern "C" fn execvp(file: *const c_char, argv: *const *const c_char) -> c_int {
    let envp = environment();
    // SAFETY: per the caller, `file` is NUL-terminated.
    let name = unsafe { CStr::from_ptr(file) }.to_bytes();
    if name.is_empty() {
        set_errno(Errno(ENOENT as i32));
        return -1;
    }
    if name.contains(&b'/') {
        // SAFETY: per the caller.
        unsafe {
            execve(file, argv, envp);
            if *super::errno::__errno_location() == ENOEXEC as c_int {
                exec_script(file, argv, envp);
            }
        }
        return -1;
    }
    const PATH_MAX: usize = linux_raw_sys::general::PATH_MAX as usize;
    if name.len() >= PATH_MAX {
        set_errno(Errno(ENAMETOOLONG as i32));
        return -1;
    }
    // SAFETY: the name is NUL-terminated.
    let path = unsafe { super::env::getenv(c"PATH".as_ptr()) };
    let path = if path.is_null() {
        b"/bin:/usr/bin".as_slice()
    } else {
        // SAFETY: getenv returns NULL or a NUL-terminated string.
        unsafe { CStr::from_ptr(path) }.to_bytes()
    };
    let mut buf = [0u8; PATH_MAX + 1];
    let mut saw_eacces = false;
    for dir in path.split(|&b| b == b':') {
        if dir.len() + 1 + name.len() >= buf.len() {
            continue;
        }
        let mut n = 0;
        for &b in dir.iter().chain(if dir.is_empty() { &b""[..] } else { &b"/"[..] }).chain(name) {
            buf[n] = b;
            n += 1;
        }
        buf[n] = 0;
        let candidate = buf.as_ptr().cast::<c_char>();
        // SAFETY: `candidate` is NUL-terminated; argv and envp per the caller.
        let e = unsafe {
            execve(candidate, argv, envp);
            let mut e = *super::errno::__errno_location() as u32;
            if e == ENOEXEC {
                exec_script(candidate, argv, envp);
                e = *super::errno::__errno_location() as u32;
            }
            e
        };
        match e {
            EACCES => saw_eacces = true,
            ENOENT | ESTALE | ENOTDIR | ENODEV | ETIMEDOUT => {}
            _ => return -1,
        }
    }
    if saw_eacces {
        set_errno(Errno(EACCES as i32));
    }
    -1
}
