//! `errno`: each thread's error number, and the two helpers every C
//! wrapper uses to report a failed system call through it.

use core::ffi::c_int;

use crate::{syscall, tls};

/// The calling thread's `errno`.
#[no_mangle]
pub extern "C" fn __errno_location() -> *mut c_int {
    // SAFETY: C code only runs once TLS is ready (after phase 2).
    unsafe { &raw mut (*tls::thread_data()).errno }
}

/// The calling thread's `errno`.
pub(crate) fn get() -> c_int {
    // SAFETY: as in `__errno_location`.
    unsafe { *__errno_location() }
}

/// Stores `e` in the calling thread's `errno`.
pub(crate) fn set_errno(e: syscall::Errno) {
    // SAFETY: as in `__errno_location`.
    unsafe { *__errno_location() = e.0 };
}

/// A system call's C result: its value, or -1 with `errno` set.
pub(crate) fn ret<T: Into<isize>>(r: Result<T, syscall::Errno>) -> isize {
    match r {
        Ok(v) => v.into(),
        Err(e) => {
            set_errno(e);
            -1
        }
    }
}
