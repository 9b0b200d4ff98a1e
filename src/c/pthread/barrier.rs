//! Barriers: `pthread_barrier_*` and `pthread_barrierattr_*`.
//!
//! crt0's `pthread_barrier_t` (glibc's 32 bytes) holds the thread count,
//! the threads arrived in this round, the round number (what waiters
//! sleep on), the threads inside `wait` (so that `destroy` can wait for
//! the last to leave, and the barrier be freed at once) and the
//! process-shared flag.

use core::ffi::c_int;
use core::sync::atomic::{AtomicU32, Ordering::AcqRel, Ordering::Acquire, Ordering::Relaxed, Ordering::Release};

use super::{EBUSY, EINVAL, PROCESS_SHARED};
use crate::sync::futex;

#[repr(C)]
pub struct Barrier {
    count: AtomicU32,
    arrived: AtomicU32,
    round: AtomicU32,
    inside: AtomicU32,
    shared: AtomicU32,
}

const _: () = assert!(core::mem::size_of::<Barrier>() <= 32 && core::mem::align_of::<Barrier>() <= 8);

/// `PTHREAD_BARRIER_SERIAL_THREAD`: what one thread of each round gets.
const SERIAL: c_int = -1;
/// In `inside`: `destroy` waits for the others to leave.
const DESTROYING: u32 = 1 << 31;

/// `int pthread_barrier_init(pthread_barrier_t *b, const pthread_barrierattr_t *attr,
/// unsigned count)`: EINVAL for a count of 0 (or above INT_MAX, as glibc).
///
/// # Safety
/// `b` writable, `attr` NULL or initialised.
#[no_mangle]
pub unsafe extern "C" fn pthread_barrier_init(b: *mut Barrier, attr: *const c_int, count: u32) -> c_int {
    if count == 0 || count > i32::MAX as u32 {
        return EINVAL;
    }
    // SAFETY: per the caller.
    let shared = unsafe { attr.as_ref() }.copied().unwrap_or(0) as u32;
    // SAFETY: per the caller.
    unsafe {
        b.write(Barrier {
            count: AtomicU32::new(count),
            arrived: AtomicU32::new(0),
            round: AtomicU32::new(0),
            inside: AtomicU32::new(0),
            shared: AtomicU32::new(shared),
        })
    };
    0
}

/// `int pthread_barrier_wait(pthread_barrier_t *b)`: returns once `count`
/// threads have called it; PTHREAD_BARRIER_SERIAL_THREAD in the last to
/// arrive, 0 in the others.
///
/// # Safety
/// `b` initialised.
#[no_mangle]
pub unsafe extern "C" fn pthread_barrier_wait(b: *mut Barrier) -> c_int {
    // SAFETY: per the caller.
    let b = unsafe { &*b };
    let shared = b.shared.load(Relaxed) != 0;
    b.inside.fetch_add(1, Relaxed);
    let round = b.round.load(Acquire);
    let r = if b.arrived.fetch_add(1, AcqRel) + 1 == b.count.load(Relaxed) {
        // The last: reset for the next round before releasing this one.
        b.arrived.store(0, Relaxed);
        b.round.fetch_add(1, Release);
        futex::wake(&b.round, i32::MAX, shared);
        SERIAL
    } else {
        while b.round.load(Acquire) == round {
            let _ = futex::wait(&b.round, round, None, shared);
        }
        0
    };
    // The last touch of `b`.
    if b.inside.fetch_sub(1, Release) == DESTROYING | 1 {
        futex::wake(&b.inside, i32::MAX, shared);
    }
    r
}

/// `int pthread_barrier_destroy(pthread_barrier_t *b)`: EBUSY while a
/// round is under way; otherwise waits for the threads of the last round
/// to leave `wait`.
///
/// # Safety
/// `b` initialised.
#[no_mangle]
pub unsafe extern "C" fn pthread_barrier_destroy(b: *mut Barrier) -> c_int {
    // SAFETY: per the caller.
    let b = unsafe { &*b };
    if b.arrived.load(Acquire) != 0 {
        return EBUSY;
    }
    let shared = b.shared.load(Relaxed) != 0;
    let mut v = b.inside.fetch_or(DESTROYING, Acquire) | DESTROYING;
    while v != DESTROYING {
        let _ = futex::wait(&b.inside, v, None, shared);
        v = b.inside.load(Acquire);
    }
    0
}

/// `int pthread_barrierattr_init(pthread_barrierattr_t *a)`.
///
/// # Safety
/// `a` writable.
#[no_mangle]
pub unsafe extern "C" fn pthread_barrierattr_init(a: *mut c_int) -> c_int {
    // SAFETY: per the caller.
    unsafe { *a = 0 };
    0
}

/// `int pthread_barrierattr_destroy(pthread_barrierattr_t *a)`.
#[no_mangle]
pub extern "C" fn pthread_barrierattr_destroy(_a: *mut c_int) -> c_int {
    0
}

/// `int pthread_barrierattr_setpshared(pthread_barrierattr_t *a, int pshared)`.
///
/// # Safety
/// `a` initialised.
#[no_mangle]
pub unsafe extern "C" fn pthread_barrierattr_setpshared(a: *mut c_int, pshared: c_int) -> c_int {
    if pshared != 0 && pshared != PROCESS_SHARED {
        return EINVAL;
    }
    // SAFETY: per the caller.
    unsafe { *a = pshared };
    0
}

/// `int pthread_barrierattr_getpshared(const pthread_barrierattr_t *a, int *pshared)`.
///
/// # Safety
/// `a` initialised, `pshared` writable.
#[no_mangle]
pub unsafe extern "C" fn pthread_barrierattr_getpshared(a: *const c_int, pshared: *mut c_int) -> c_int {
    // SAFETY: per the caller.
    unsafe { *pshared = *a };
    0
}
