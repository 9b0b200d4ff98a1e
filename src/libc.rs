//! The C interface (declared in `crt/crt0.h`): the few libc functions a
//! freestanding C program needs from its start-up runtime, and crt0's own
//! `crt0_*` calls. Thin wrappers: the work is in the Rust modules.

use core::ffi::{c_char, c_int, c_long, c_uint, c_ulong, c_void, CStr};

use crate::{args, auxv, exit, fatal, rseq, syscall, tls};

/// The calling thread's `errno`.
#[no_mangle]
pub extern "C" fn __errno_location() -> *mut c_int {
    // SAFETY: C code only runs once TLS is ready (after phase 2).
    unsafe { &raw mut (*tls::thread_data()).errno }
}

fn set_errno(e: syscall::Errno) {
    // SAFETY: as in `__errno_location`.
    unsafe { *__errno_location() = e.0 };
}

fn ret<T: Into<isize>>(r: Result<T, syscall::Errno>) -> isize {
    match r {
        Ok(v) => v.into(),
        Err(e) => {
            set_errno(e);
            -1
        }
    }
}

/// `unsigned long getauxval(unsigned long type)`: 0 and ENOENT when absent.
#[no_mangle]
pub extern "C" fn getauxval(t: c_ulong) -> c_ulong {
    match auxv::get(t as usize) {
        Some(v) => v as c_ulong,
        None => {
            set_errno(syscall::Errno::ENOENT);
            0
        }
    }
}

/// glibc's other name for `getauxval`, which libgcc's outline atomics
/// (`lse-init.o`, what gcc's `-moutline-atomics` default on aarch64 links
/// for any C11 atomic or `__atomic` builtin) call from a constructor to
/// pick LSE instructions.
#[no_mangle]
pub extern "C" fn __getauxval(t: c_ulong) -> c_ulong {
    getauxval(t)
}

/// `char *getenv(const char *name)`.
///
/// # Safety
/// `name` must be NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn getenv(name: *const c_char) -> *mut c_char {
    // SAFETY: per the caller.
    let name = unsafe { CStr::from_ptr(name) }.to_bytes();
    args::vars().find(|(n, _)| *n == name).map_or(core::ptr::null_mut(), |(_, v)| v.as_ptr().cast_mut())
}

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

/// `void exit(int status)`.
#[no_mangle]
pub extern "C" fn exit(status: c_int) -> ! {
    exit::exit(status)
}

/// `void _exit(int status)`.
#[no_mangle]
pub extern "C" fn _exit(status: c_int) -> ! {
    exit::exit_now(status)
}

/// `void _Exit(int status)`.
#[no_mangle]
pub extern "C" fn _Exit(status: c_int) -> ! {
    exit::exit_now(status)
}

/// `void abort(void)`.
#[no_mangle]
pub extern "C" fn abort() -> ! {
    exit::abort()
}

/// `int atexit(void (*f)(void))`: 0, or -1 when out of memory (the first 32
/// handlers need none).
#[no_mangle]
pub extern "C" fn atexit(f: extern "C" fn()) -> c_int {
    if exit::atexit(f).is_ok() { 0 } else { -1 }
}

/// `int __cxa_atexit(void (*f)(void *), void *arg, void *dso)`.
#[no_mangle]
pub extern "C" fn __cxa_atexit(f: unsafe extern "C" fn(*mut u8), arg: *mut u8, _dso: *mut u8) -> c_int {
    if exit::atexit_with_arg(f, arg).is_ok() { 0 } else { -1 }
}

/// Called by `-fstack-protector` code when the canary was overwritten.
#[no_mangle]
pub extern "C" fn __stack_chk_fail() -> ! {
    let _ = syscall::write_all(2, b"crt0: fatal: stack smashing detected\n");
    exit::abort()
}

/// `int crt0_rseq_claim_override(void)`: 1 if the caller now owns rseq
/// registration (OVERRIDE), 0 if crt0 or another library already does.
#[no_mangle]
pub extern "C" fn crt0_rseq_claim_override() -> c_int {
    rseq::owner::claim_override() as c_int
}

/// `int crt0_rseq_set_thread_hooks(void (*start)(void), void (*exit)(void))`:
/// 1 if installed, 0 unless the owner is OVERRIDE (see `rseq::owner::ThreadHooks`).
#[no_mangle]
pub extern "C" fn crt0_rseq_set_thread_hooks(start: Option<extern "C" fn()>, exit: Option<extern "C" fn()>) -> c_int {
    rseq::owner::set_thread_hooks(rseq::owner::ThreadHooks { start, exit }) as c_int
}

/// `int crt0_rseq_owner(void)`: the current `__rseq_reg_owner`.
#[no_mangle]
pub extern "C" fn crt0_rseq_owner() -> c_int {
    rseq::owner::get()
}

/// `int crt0_rseq_cpu_id(void)`: this thread's rseq `cpu_id` (negative
/// when not registered).
#[no_mangle]
pub extern "C" fn crt0_rseq_cpu_id() -> c_int {
    rseq::cpu_id().unwrap_or(rseq::CPU_ID_UNINITIALIZED)
}

/// `void *crt0_rseq_area(void)`: this thread's rseq area.
#[no_mangle]
pub extern "C" fn crt0_rseq_area() -> *mut c_void {
    rseq::area().map_or(core::ptr::null_mut(), |a| a.cast())
}

/// `unsigned int crt0_cpuid_runs(void)`: feature-detection instructions
/// crt0 has run (CPUID on x86_64; always 0 on aarch64).
#[no_mangle]
pub extern "C" fn crt0_cpuid_runs() -> c_uint {
    crate::ifunc::cpuid_runs()
}

/// `void crt0_fatal(const char *what)`: `crt0: fatal: <what>`, exit 127.
///
/// # Safety
/// `what` must be NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn crt0_fatal(what: *const c_char) -> ! {
    // SAFETY: per the caller.
    let what = unsafe { CStr::from_ptr(what) };
    fatal::die(what.to_str().unwrap_or("(message not UTF-8)"))
}
