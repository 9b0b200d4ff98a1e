//! `fork` and `pthread_atfork` (see `crate::fork` for what crt0 does around the system call).

use core::ffi::c_int;

use crate::fork::{self, Handler};

/// `pid_t fork(void)`: 0 in the child, the child's id in the parent, -1 with errno on
/// failure (EAGAIN, ENOMEM).
#[no_mangle]
pub extern "C" fn fork() -> c_int {
    match fork::fork() {
        Ok(pid) => pid as c_int,
        Err(e) => {
            super::errno::set_errno(e);
            -1
        }
    }
}

/// `int pthread_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void))`:
/// 0, or ENOMEM past 64 registrations. prepare handlers run last registered first before
/// the fork; parent and child handlers in registration order after it.
#[no_mangle]
pub extern "C" fn pthread_atfork(prepare: Handler, parent: Handler, child: Handler) -> c_int {
    match fork::at_fork(prepare, parent, child) {
        Ok(()) => 0,
        Err(e) => e.0,
    }
}
