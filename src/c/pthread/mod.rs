//! POSIX thread synchronisation (`<pthread.h>`, `<semaphore.h>`): mutexes,
//! condition variables, `pthread_once`, keys, barriers, read-write locks,
//! spinlocks and unnamed semaphores, all on futexes (`crate::sync`).
//! Thread creation and joining are in `crate::thread::pthread`.
//!
//! Every object has glibc's size and alignment, and glibc's static
//! initialisers (all zero, with a mutex's kind or a read-write lock's
//! preference where glibc's initialiser macros put them) are valid crt0
//! objects; what crt0 keeps inside is its own layout, described with each
//! type. Sizes on x86_64 / aarch64: mutex 40 / 48, cond 48, rwlock 56,
//! barrier 32, sem_t 32, once, key and spinlock 4, the attributes 4 (the
//! rwlock's 8). Errors are returned as error numbers, except the
//! semaphores', which set errno as POSIX has them.

use core::ffi::c_int;

use crate::sync::futex::{Clock, Deadline, Timespec};

mod barrier;
mod cond;
mod key;
mod mutex;
mod once;
mod rwlock;
mod sem;

pub const EPERM: c_int = 1;
pub const EAGAIN: c_int = 11;
pub const ENOMEM_CODE: c_int = 12;
pub const EBUSY: c_int = 16;
pub const EINVAL: c_int = 22;
pub const EDEADLK: c_int = 35;
pub const EOVERFLOW: c_int = 75;
pub const ENOTSUP: c_int = 95;
pub const ETIMEDOUT: c_int = 110;

/// `PTHREAD_PROCESS_SHARED`.
pub const PROCESS_SHARED: c_int = 1;

/// An absolute timeout from C: EINVAL unless its nanoseconds are in
/// 0..1e9, as glibc checks.
///
/// # Safety
/// `abstime` readable.
pub unsafe fn deadline(abstime: *const Timespec, clock: Clock) -> Result<Deadline, c_int> {
    // SAFETY: per the caller.
    let at = unsafe { *abstime };
    if !(0..1_000_000_000).contains(&at.nsec) {
        return Err(EINVAL);
    }
    Ok(Deadline { at, clock })
}

/// A clock a `*_clock*` function accepts: CLOCK_REALTIME or CLOCK_MONOTONIC.
pub fn clock(id: c_int) -> Result<Clock, c_int> {
    Clock::from_id(id).ok_or(EINVAL)
}
