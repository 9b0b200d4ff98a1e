//! Mutexes: `pthread_mutex_*` and `pthread_mutexattr_*`.
//!
//! glibc's `pthread_mutex_t` begins `int __lock; unsigned __count; int
//! __owner; unsigned __nusers; int __kind;` and its initialisers set only
//! `__kind` (0 normal, 1 recursive, 2 error-checking, 3 adaptive; 128 for
//! process-shared). crt0 uses those five words with the same meanings:
//! the lock word of `sync::lock`, the recursion count, the owner's thread
//! id (recursive and error-checking kinds only), an unused word and the
//! kind. A normal mutex locks and unlocks with one atomic instruction
//! each, and no system call unless contended; only the adaptive kind spins
//! before sleeping, as in glibc.

use core::ffi::c_int;
use core::sync::atomic::{AtomicI32, AtomicU32, Ordering::Relaxed};

use super::{clock, deadline, EAGAIN, EBUSY, EDEADLK, EINVAL, ENOTSUP, EPERM, ETIMEDOUT, PROCESS_SHARED};
use crate::sync::futex::{Clock, Timespec};
use crate::sync::lock;
use crate::thread::current_tid;

/// The words of glibc's `pthread_mutex_t` that crt0 uses.
#[repr(C)]
pub struct Mutex {
    lock: AtomicU32,
    count: AtomicU32,
    owner: AtomicI32,
    nusers: AtomicU32,
    kind: AtomicI32,
}

// glibc's pthread_mutex_t is 40 bytes on x86_64, 48 on aarch64, 8-aligned.
const _: () = assert!(core::mem::size_of::<Mutex>() <= 40 && core::mem::align_of::<Mutex>() <= 8);

pub const NORMAL: c_int = 0;
pub const RECURSIVE: c_int = 1;
pub const ERRORCHECK: c_int = 2;
const ADAPTIVE: c_int = 3;
const KIND_MASK: c_int = 3;
/// glibc's PTHREAD_MUTEX_PSHARED_BIT in `__kind`.
const PSHARED: c_int = 128;
/// In a `pthread_mutexattr_t`: process-shared.
const ATTR_PSHARED: c_int = 1 << 31;

fn shared(kind: c_int) -> bool {
    kind & PSHARED != 0
}

/// Locks `m` (any kind), until `until` if given (an absolute time on a
/// clock: checked only if the lock must be waited for, as glibc).
///
/// # Safety
/// `until`'s timespec readable.
pub unsafe fn acquire(m: &Mutex, until: Option<(*const Timespec, Clock)>) -> c_int {
    let kind = m.kind.load(Relaxed);
    let ty = kind & KIND_MASK;
    let owned = ty == RECURSIVE || ty == ERRORCHECK;
    let me = if owned { current_tid() } else { 0 };
    if owned && m.owner.load(Relaxed) == me {
        if ty == ERRORCHECK {
            return EDEADLK;
        }
        let c = m.count.load(Relaxed);
        if c == u32::MAX {
            return EAGAIN;
        }
        m.count.store(c + 1, Relaxed);
        return 0;
    }
    if !lock::try_lock(&m.lock) {
        let d = match until {
            // SAFETY: per the caller.
            Some((t, c)) => match unsafe { deadline(t, c) } {
                Ok(d) => Some(d),
                Err(e) => return e,
            },
            None => None,
        };
        if lock::lock(&m.lock, d.as_ref(), shared(kind), ty == ADAPTIVE).is_err() {
            return ETIMEDOUT;
        }
    }
    if owned {
        m.owner.store(me, Relaxed);
        m.count.store(1, Relaxed);
    }
    0
}

/// Unlocks `m` once (a recursive mutex is free when its count reaches 0):
/// EPERM when a recursive or error-checking mutex is not the caller's.
pub fn release(m: &Mutex) -> c_int {
    let kind = m.kind.load(Relaxed);
    let ty = kind & KIND_MASK;
    if ty == RECURSIVE || ty == ERRORCHECK {
        if m.owner.load(Relaxed) != current_tid() {
            return EPERM;
        }
        if ty == RECURSIVE {
            let c = m.count.load(Relaxed) - 1;
            m.count.store(c, Relaxed);
            if c != 0 {
                return 0;
            }
        }
        m.owner.store(0, Relaxed);
    }
    lock::unlock(&m.lock, shared(kind));
    0
}

/// `int pthread_mutex_lock(pthread_mutex_t *m)`.
///
/// # Safety
/// `m` initialised (statically or by `pthread_mutex_init`).
#[no_mangle]
pub unsafe extern "C" fn pthread_mutex_lock(m: *mut Mutex) -> c_int {
    // SAFETY: per the caller.
    let m = unsafe { &*m };
    // The normal kind's whole path: one compare-and-swap.
    if m.kind.load(Relaxed) == NORMAL && lock::try_lock(&m.lock) {
        return 0;
    }
    // SAFETY: no deadline to read.
    unsafe { acquire(m, None) }
}

/// `int pthread_mutex_unlock(pthread_mutex_t *m)`.
///
/// # Safety
/// `m` initialised.
#[no_mangle]
pub unsafe extern "C" fn pthread_mutex_unlock(m: *mut Mutex) -> c_int {
    // SAFETY: per the caller.
    let m = unsafe { &*m };
    if m.kind.load(Relaxed) == NORMAL {
        lock::unlock(&m.lock, false);
        return 0;
    }
    release(m)
}

/// `int pthread_mutex_trylock(pthread_mutex_t *m)`: EBUSY when held (also
/// by the caller, unless recursive).
///
/// # Safety
/// `m` initialised.
#[no_mangle]
pub unsafe extern "C" fn pthread_mutex_trylock(m: *mut Mutex) -> c_int {
    // SAFETY: per the caller.
    let m = unsafe { &*m };
    let ty = m.kind.load(Relaxed) & KIND_MASK;
    if ty == RECURSIVE && m.owner.load(Relaxed) == current_tid() {
        // SAFETY: no deadline to read; the caller holds it: no waiting.
        return unsafe { acquire(m, None) };
    }
    if !lock::try_lock(&m.lock) {
        return EBUSY;
    }
    if ty == RECURSIVE || ty == ERRORCHECK {
        m.owner.store(current_tid(), Relaxed);
        m.count.store(1, Relaxed);
    }
    0
}

/// `int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *abstime)`:
/// ETIMEDOUT once CLOCK_REALTIME passes `abstime`.
///
/// # Safety
/// `m` initialised, `abstime` readable.
#[no_mangle]
pub unsafe extern "C" fn pthread_mutex_timedlock(m: *mut Mutex, abstime: *const Timespec) -> c_int {
    // SAFETY: per the caller.
    unsafe { acquire(&*m, Some((abstime, Clock::Realtime))) }
}

/// `int pthread_mutex_clocklock(pthread_mutex_t *m, clockid_t clock, const struct timespec *abstime)`.
///
/// # Safety
/// As `pthread_mutex_timedlock`.
#[no_mangle]
pub unsafe extern "C" fn pthread_mutex_clocklock(m: *mut Mutex, clock_id: c_int, abstime: *const Timespec) -> c_int {
    match clock(clock_id) {
        // SAFETY: per the caller.
        Ok(c) => unsafe { acquire(&*m, Some((abstime, c))) },
        Err(e) => e,
    }
}

/// `int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr)`.
///
/// # Safety
/// `m` writable; `attr` NULL or initialised.
#[no_mangle]
pub unsafe extern "C" fn pthread_mutex_init(m: *mut Mutex, attr: *const c_int) -> c_int {
    // SAFETY: per the caller.
    let a = unsafe { attr.as_ref() }.copied().unwrap_or(0);
    let kind = (a & KIND_MASK) | if a & ATTR_PSHARED != 0 { PSHARED } else { 0 };
    // SAFETY: per the caller; the words crt0 uses, all in glibc's object.
    unsafe {
        m.write(Mutex {
            lock: AtomicU32::new(0),
            count: AtomicU32::new(0),
            owner: AtomicI32::new(0),
            nusers: AtomicU32::new(0),
            kind: AtomicI32::new(kind),
        })
    };
    0
}

/// `int pthread_mutex_destroy(pthread_mutex_t *m)`: EBUSY while locked.
///
/// # Safety
/// `m` initialised.
#[no_mangle]
pub unsafe extern "C" fn pthread_mutex_destroy(m: *mut Mutex) -> c_int {
    // SAFETY: per the caller.
    if unsafe { (*m).lock.load(Relaxed) } != 0 { EBUSY } else { 0 }
}

/// `int pthread_mutex_consistent(pthread_mutex_t *m)`: EINVAL, as for any
/// mutex that is not robust (crt0 has none).
#[no_mangle]
pub extern "C" fn pthread_mutex_consistent(_m: *mut Mutex) -> c_int {
    EINVAL
}

/// `int pthread_mutexattr_init(pthread_mutexattr_t *a)`: normal, private.
///
/// # Safety
/// `a` writable.
#[no_mangle]
pub unsafe extern "C" fn pthread_mutexattr_init(a: *mut c_int) -> c_int {
    // SAFETY: per the caller.
    unsafe { *a = NORMAL };
    0
}

/// `int pthread_mutexattr_destroy(pthread_mutexattr_t *a)`.
#[no_mangle]
pub extern "C" fn pthread_mutexattr_destroy(_a: *mut c_int) -> c_int {
    0
}

/// `int pthread_mutexattr_settype(pthread_mutexattr_t *a, int type)`.
///
/// # Safety
/// `a` initialised.
#[no_mangle]
pub unsafe extern "C" fn pthread_mutexattr_settype(a: *mut c_int, ty: c_int) -> c_int {
    if !(NORMAL..=ADAPTIVE).contains(&ty) {
        return EINVAL;
    }
    // SAFETY: per the caller.
    unsafe { *a = (*a & !KIND_MASK) | ty };
    0
}

/// `int pthread_mutexattr_gettype(const pthread_mutexattr_t *a, int *type)`.
///
/// # Safety
/// `a` initialised, `ty` writable.
#[no_mangle]
pub unsafe extern "C" fn pthread_mutexattr_gettype(a: *const c_int, ty: *mut c_int) -> c_int {
    // SAFETY: per the caller.
    unsafe { *ty = *a & KIND_MASK };
    0
}

/// `int pthread_mutexattr_setpshared(pthread_mutexattr_t *a, int pshared)`.
///
/// # Safety
/// `a` initialised.
#[no_mangle]
pub unsafe extern "C" fn pthread_mutexattr_setpshared(a: *mut c_int, pshared: c_int) -> c_int {
    if pshared != 0 && pshared != PROCESS_SHARED {
        return EINVAL;
    }
    // SAFETY: per the caller.
    unsafe { *a = if pshared != 0 { *a | ATTR_PSHARED } else { *a & !ATTR_PSHARED } };
    0
}

/// `int pthread_mutexattr_getpshared(const pthread_mutexattr_t *a, int *pshared)`.
///
/// # Safety
/// `a` initialised, `pshared` writable.
#[no_mangle]
pub unsafe extern "C" fn pthread_mutexattr_getpshared(a: *const c_int, pshared: *mut c_int) -> c_int {
    // SAFETY: per the caller.
    unsafe { *pshared = (*a & ATTR_PSHARED != 0) as c_int };
    0
}

/// `int pthread_mutexattr_setrobust(pthread_mutexattr_t *a, int robust)`:
/// crt0 has no robust mutexes (ENOTSUP for PTHREAD_MUTEX_ROBUST).
#[no_mangle]
pub extern "C" fn pthread_mutexattr_setrobust(_a: *mut c_int, robust: c_int) -> c_int {
    match robust {
        0 => 0,
        1 => ENOTSUP,
        _ => EINVAL,
    }
}

/// `int pthread_mutexattr_getrobust(const pthread_mutexattr_t *a, int *robust)`: stalled (0).
///
/// # Safety
/// `robust` writable.
#[no_mangle]
pub unsafe extern "C" fn pthread_mutexattr_getrobust(_a: *const c_int, robust: *mut c_int) -> c_int {
    // SAFETY: per the caller.
    unsafe { *robust = 0 };
    0
}

/// `int pthread_mutexattr_setprotocol(pthread_mutexattr_t *a, int protocol)`:
/// PTHREAD_PRIO_NONE only (ENOTSUP for priority inheritance or protection).
#[no_mangle]
pub extern "C" fn pthread_mutexattr_setprotocol(_a: *mut c_int, protocol: c_int) -> c_int {
    match protocol {
        0 => 0,
        1 | 2 => ENOTSUP,
        _ => EINVAL,
    }
}

/// `int pthread_mutexattr_getprotocol(const pthread_mutexattr_t *a, int *protocol)`: PTHREAD_PRIO_NONE.
///
/// # Safety
/// `protocol` writable.
#[no_mangle]
pub unsafe extern "C" fn pthread_mutexattr_getprotocol(_a: *const c_int, protocol: *mut c_int) -> c_int {
    // SAFETY: per the caller.
    unsafe { *protocol = 0 };
    0
}
