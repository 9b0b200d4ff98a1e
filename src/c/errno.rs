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

/// A system call's C result as an `int`: its value, or -1 with `errno` set.
pub(crate) fn ret_int(r: Result<usize, syscall::Errno>) -> c_int {
    ret(r.map(|v| v as isize)) as c_int
}

/// Pads a system call's arguments to the six `syscall::raw` takes.
#[inline(always)]
pub(crate) const fn args6(a: &[usize]) -> [usize; 6] {
    let mut r = [0; 6];
    let mut i = 0;
    while i < a.len() {
        r[i] = a[i];
        i += 1;
    }
    r
}

/// `sys!(__NR_name, a, b, ...)`: system call `__NR_name` (the number from
/// linux-raw-sys for the target's architecture) with up to six integer or
/// pointer arguments, as `Result<usize, Errno>`. Unsafe: each call site
/// says why its arguments are valid.
macro_rules! sys {
    ($nr:ident $(, $a:expr)* $(,)?) => {
        crate::syscall::raw(linux_raw_sys::general::$nr as usize, crate::c::errno::args6(&[$($a as usize),*]))
    };
}
pub(crate) use sys;
