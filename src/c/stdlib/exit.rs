//! Ending the process, from `<stdlib.h>`: `exit`, `_exit`, `_Exit`,
//! `abort`, `atexit`, `__cxa_atexit` (the work is in `crate::exit`).

use core::ffi::c_int;

use crate::exit;

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
