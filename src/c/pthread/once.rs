//! `pthread_once` (`pthread_once_t`, an int, PTHREAD_ONCE_INIT 0) and the
//! spinlocks (`pthread_spinlock_t`, an int, 0 unlocked).

use core::ffi::c_int;
use core::sync::atomic::{AtomicI32, AtomicU32, Ordering::Acquire, Ordering::Relaxed, Ordering::Release};

use super::{EBUSY, EINVAL, PROCESS_SHARED};
use crate::sync::futex;

const INIT: u32 = 0;
const RUNNING: u32 = 1;
const DONE: u32 = 2;
/// Running, and someone sleeps waiting for it.
const WAITED: u32 = 3;

/// `int pthread_once(pthread_once_t *once, void (*init)(void))`: runs
/// `init` exactly once; callers that come while it runs wait for it.
///
/// # Safety
/// `once` a `pthread_once_t` set to PTHREAD_ONCE_INIT before any call.
#[no_mangle]
pub unsafe extern "C" fn pthread_once(once: *mut AtomicU32, init: extern "C" fn()) -> c_int {
    // SAFETY: per the caller.
    let once = unsafe { &*once };
    if once.load(Acquire) == DONE {
        return 0;
    }
    loop {
        match once.compare_exchange(INIT, RUNNING, Acquire, Acquire) {
            Ok(_) => {
                init();
                if once.swap(DONE, Release) == WAITED {
                    futex::wake(once, i32::MAX, false);
                }
                return 0;
            }
            Err(DONE) => return 0,
            Err(state) => {
                if state == WAITED || once.compare_exchange(RUNNING, WAITED, Relaxed, Relaxed).is_ok() {
                    let _ = futex::wait(once, WAITED, None, false);
                }
            }
        }
    }
}

/// `int pthread_spin_init(pthread_spinlock_t *lock, int pshared)`.
///
/// # Safety
/// `lock` writable.
#[no_mangle]
pub unsafe extern "C" fn pthread_spin_init(lock: *mut AtomicI32, pshared: c_int) -> c_int {
    if pshared != 0 && pshared != PROCESS_SHARED {
        return EINVAL;
    }
    // SAFETY: per the caller.
    unsafe { lock.write(AtomicI32::new(0)) };
    0
}

/// `int pthread_spin_destroy(pthread_spinlock_t *lock)`.
#[no_mangle]
pub extern "C" fn pthread_spin_destroy(_lock: *mut AtomicI32) -> c_int {
    0
}

/// `int pthread_spin_lock(pthread_spinlock_t *lock)`: spins (reading, not
/// writing, while it is held) until it gets the lock.
///
/// # Safety
/// `lock` initialised.
#[no_mangle]
pub unsafe extern "C" fn pthread_spin_lock(lock: *mut AtomicI32) -> c_int {
    // SAFETY: per the caller.
    let lock = unsafe { &*lock };
    while lock.swap(1, Acquire) != 0 {
        while lock.load(Relaxed) != 0 {
            core::hint::spin_loop();
        }
    }
    0
}

/// `int pthread_spin_trylock(pthread_spinlock_t *lock)`: EBUSY when held.
///
/// # Safety
/// `lock` initialised.
#[no_mangle]
pub unsafe extern "C" fn pthread_spin_trylock(lock: *mut AtomicI32) -> c_int {
    // SAFETY: per the caller.
    if unsafe { &*lock }.swap(1, Acquire) == 0 { 0 } else { EBUSY }
}

/// `int pthread_spin_unlock(pthread_spinlock_t *lock)`.
///
/// # Safety
/// `lock` held by the caller.
#[no_mangle]
pub unsafe extern "C" fn pthread_spin_unlock(lock: *mut AtomicI32) -> c_int {
    // SAFETY: per the caller.
    unsafe { &*lock }.store(0, Release);
    0
}
