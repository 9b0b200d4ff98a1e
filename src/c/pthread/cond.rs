//! Condition variables: `pthread_cond_*` and `pthread_condattr_*`.
//!
//! crt0's `pthread_cond_t` (glibc's 48 bytes, PTHREAD_COND_INITIALIZER all
//! zero) holds three words: a sequence number the waiters sleep on, the
//! count of waiters (times two; bit 0 says `destroy` is waiting for them
//! to leave) and flags (process-shared, CLOCK_MONOTONIC). A waiter reads
//! the sequence, unlocks the mutex and sleeps while the sequence is
//! unchanged; `signal` and `broadcast` bump it and wake one or all, and
//! make no system call when nobody waits. A waiter that wakes without a
//! signal (POSIX allows it) re-checks its predicate, as every caller must.

use core::ffi::c_int;
use core::sync::atomic::{AtomicU32, Ordering::Acquire, Ordering::Relaxed, Ordering::Release};

use super::mutex::{acquire, release, Mutex};
use super::{clock, deadline, EINVAL, ETIMEDOUT, PROCESS_SHARED};
use crate::sync::futex::{self, Clock, Timespec};

#[repr(C)]
pub struct Cond {
    seq: AtomicU32,
    waiters: AtomicU32,
    flags: AtomicU32,
}

const _: () = assert!(core::mem::size_of::<Cond>() <= 48 && core::mem::align_of::<Cond>() <= 8);

const SHARED: u32 = 1;
const MONOTONIC: u32 = 2;
/// In `waiters`: `destroy` waits for the count to drop to 0.
const DESTROYING: u32 = 1;
const ONE_WAITER: u32 = 2;

impl Cond {
    fn shared(&self) -> bool {
        self.flags.load(Relaxed) & SHARED != 0
    }
}

/// Waits on `c` with `m` unlocked, until signalled or the deadline.
///
/// # Safety
/// `until`'s timespec readable.
unsafe fn wait(c: &Cond, m: &Mutex, until: Option<(*const Timespec, Clock)>) -> c_int {
    let d = match until {
        // SAFETY: per the caller.
        Some((t, clk)) => match unsafe { deadline(t, clk) } {
            Ok(d) => Some(d),
            Err(e) => return e,
        },
        None => None,
    };
    let seq = c.seq.load(Relaxed);
    // Counted before the mutex is released: a signaller that takes the
    // mutex after us sees the count and bumps the sequence.
    c.waiters.fetch_add(ONE_WAITER, Relaxed);
    let r = release(m);
    let slept = if r == 0 { futex::wait(&c.seq, seq, d.as_ref(), c.shared()) } else { Ok(()) };
    // The last touch of `c`: after it, `destroy` may return and free it.
    let shared = c.shared();
    if c.waiters.fetch_sub(ONE_WAITER, Release) == ONE_WAITER | DESTROYING {
        futex::wake(&c.waiters, i32::MAX, shared);
    }
    if r != 0 {
        return r;
    }
    // SAFETY: no deadline to read.
    unsafe { acquire(m, None) };
    if slept == Err(futex::ETIMEDOUT) { ETIMEDOUT } else { 0 }
}

/// `int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)`.
///
/// # Safety
/// `c` and `m` initialised; `m` held by the caller.
#[no_mangle]
pub unsafe extern "C" fn pthread_cond_wait(c: *mut Cond, m: *mut Mutex) -> c_int {
    // SAFETY: per the caller.
    unsafe { wait(&*c, &*m, None) }
}

/// `int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m,
/// const struct timespec *abstime)`: ETIMEDOUT once the condition
/// variable's clock (CLOCK_REALTIME unless `pthread_condattr_setclock`
/// said otherwise) passes `abstime`; the mutex is held again either way.
///
/// # Safety
/// As `pthread_cond_wait`; `abstime` readable.
#[no_mangle]
pub unsafe extern "C" fn pthread_cond_timedwait(c: *mut Cond, m: *mut Mutex, abstime: *const Timespec) -> c_int {
    // SAFETY: per the caller.
    let c = unsafe { &*c };
    let clk = if c.flags.load(Relaxed) & MONOTONIC != 0 { Clock::Monotonic } else { Clock::Realtime };
    // SAFETY: per the caller.
    unsafe { wait(c, &*m, Some((abstime, clk))) }
}

/// `int pthread_cond_clockwait(pthread_cond_t *c, pthread_mutex_t *m,
/// clockid_t clock, const struct timespec *abstime)`.
///
/// # Safety
/// As `pthread_cond_timedwait`.
#[no_mangle]
pub unsafe extern "C" fn pthread_cond_clockwait(c: *mut Cond, m: *mut Mutex, clock_id: c_int, abstime: *const Timespec) -> c_int {
    match clock(clock_id) {
        // SAFETY: per the caller.
        Ok(clk) => unsafe { wait(&*c, &*m, Some((abstime, clk))) },
        Err(e) => e,
    }
}

fn wake(c: &Cond, n: i32) -> c_int {
    if c.waiters.load(Relaxed) < ONE_WAITER {
        return 0;
    }
    c.seq.fetch_add(1, Release);
    futex::wake(&c.seq, n, c.shared());
    0
}

/// `int pthread_cond_signal(pthread_cond_t *c)`: wakes one waiter.
///
/// # Safety
/// `c` initialised.
#[no_mangle]
pub unsafe extern "C" fn pthread_cond_signal(c: *mut Cond) -> c_int {
    // SAFETY: per the caller.
    wake(unsafe { &*c }, 1)
}

/// `int pthread_cond_broadcast(pthread_cond_t *c)`: wakes every waiter.
///
/// # Safety
/// `c` initialised.
#[no_mangle]
pub unsafe extern "C" fn pthread_cond_broadcast(c: *mut Cond) -> c_int {
    // SAFETY: per the caller.
    wake(unsafe { &*c }, i32::MAX)
}

/// `int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr)`.
///
/// # Safety
/// `c` writable, `attr` NULL or initialised.
#[no_mangle]
pub unsafe extern "C" fn pthread_cond_init(c: *mut Cond, attr: *const u32) -> c_int {
    // SAFETY: per the caller.
    let flags = unsafe { attr.as_ref() }.copied().unwrap_or(0);
    // SAFETY: per the caller.
    unsafe { c.write(Cond { seq: AtomicU32::new(0), waiters: AtomicU32::new(0), flags: AtomicU32::new(flags) }) };
    0
}

/// `int pthread_cond_destroy(pthread_cond_t *c)`: waits until threads
/// woken from it have left it, so that it may be freed at once (POSIX's
/// broadcast-then-destroy).
///
/// # Safety
/// `c` initialised; no thread waits on it any more.
#[no_mangle]
pub unsafe extern "C" fn pthread_cond_destroy(c: *mut Cond) -> c_int {
    // SAFETY: per the caller.
    let c = unsafe { &*c };
    let mut w = c.waiters.fetch_or(DESTROYING, Acquire) | DESTROYING;
    while w >= ONE_WAITER {
        let _ = futex::wait(&c.waiters, w, None, c.shared());
        w = c.waiters.load(Acquire);
    }
    0
}

/// `int pthread_condattr_init(pthread_condattr_t *a)`: CLOCK_REALTIME, private.
///
/// # Safety
/// `a` writable.
#[no_mangle]
pub unsafe extern "C" fn pthread_condattr_init(a: *mut u32) -> c_int {
    // SAFETY: per the caller.
    unsafe { *a = 0 };
    0
}

/// `int pthread_condattr_destroy(pthread_condattr_t *a)`.
#[no_mangle]
pub extern "C" fn pthread_condattr_destroy(_a: *mut u32) -> c_int {
    0
}

/// `int pthread_condattr_setclock(pthread_condattr_t *a, clockid_t clock)`:
/// CLOCK_REALTIME or CLOCK_MONOTONIC, as glibc.
///
/// # Safety
/// `a` initialised.
#[no_mangle]
pub unsafe extern "C" fn pthread_condattr_setclock(a: *mut u32, clock_id: c_int) -> c_int {
    match clock(clock_id) {
        // SAFETY: per the caller.
        Ok(clk) => unsafe {
            *a = (*a & !MONOTONIC) | if clk == Clock::Monotonic { MONOTONIC } else { 0 };
            0
        },
        Err(e) => e,
    }
}

/// `int pthread_condattr_getclock(const pthread_condattr_t *a, clockid_t *clock)`.
///
/// # Safety
/// `a` initialised, `clock_id` writable.
#[no_mangle]
pub unsafe extern "C" fn pthread_condattr_getclock(a: *const u32, clock_id: *mut c_int) -> c_int {
    // SAFETY: per the caller.
    unsafe { *clock_id = (*a & MONOTONIC != 0) as c_int };
    0
}

/// `int pthread_condattr_setpshared(pthread_condattr_t *a, int pshared)`.
///
/// # Safety
/// `a` initialised.
#[no_mangle]
pub unsafe extern "C" fn pthread_condattr_setpshared(a: *mut u32, pshared: c_int) -> c_int {
    if pshared != 0 && pshared != PROCESS_SHARED {
        return EINVAL;
    }
    // SAFETY: per the caller.
    unsafe { *a = (*a & !SHARED) | pshared as u32 };
    0
}

/// `int pthread_condattr_getpshared(const pthread_condattr_t *a, int *pshared)`.
///
/// # Safety
/// `a` initialised, `pshared` writable.
#[no_mangle]
pub unsafe extern "C" fn pthread_condattr_getpshared(a: *const u32, pshared: *mut c_int) -> c_int {
    // SAFETY: per the caller.
    unsafe { *pshared = (*a & SHARED) as c_int };
    0
}
