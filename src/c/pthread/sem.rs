//! Unnamed semaphores (`<semaphore.h>`): `sem_init`, `sem_destroy`,
//! `sem_wait`, `sem_trywait`, `sem_timedwait`, `sem_clockwait`, `sem_post`,
//! `sem_getvalue`. Errors set errno and return -1, as POSIX has them.
//!
//! crt0's `sem_t` (glibc's 32 bytes) holds the value (what waiters sleep
//! on while it is 0), the number of sleepers, so that `sem_post` makes a
//! system call only when someone sleeps, and the process-shared flag:
//! where glibc's 64-bit `struct new_sem` keeps its value, waiter count and
//! `private` word.

use core::ffi::{c_int, c_uint};
use core::sync::atomic::{AtomicU32, Ordering::Relaxed, Ordering::SeqCst};

use super::{clock, deadline, EAGAIN, EINVAL, EOVERFLOW, ETIMEDOUT};
use crate::c::errno::set_errno;
use crate::sync::futex::{self, Clock, Deadline, Timespec};
use crate::syscall::Errno;

#[repr(C)]
pub struct Sem {
    value: AtomicU32,
    waiters: AtomicU32,
    shared: AtomicU32,
}

const _: () = assert!(core::mem::size_of::<Sem>() <= 32 && core::mem::align_of::<Sem>() <= 8);

/// `SEM_VALUE_MAX`.
const MAX: u32 = i32::MAX as u32;

fn fail(e: c_int) -> c_int {
    set_errno(Errno(e));
    -1
}

impl Sem {
    /// Takes one if the value is positive.
    fn try_take(&self) -> bool {
        let mut v = self.value.load(Relaxed);
        while v > 0 {
            match self.value.compare_exchange_weak(v, v - 1, SeqCst, Relaxed) {
                Ok(_) => return true,
                Err(now) => v = now,
            }
        }
        false
    }

    fn take(&self, d: Option<&Deadline>) -> c_int {
        if self.try_take() {
            return 0;
        }
        let shared = self.shared.load(Relaxed) != 0;
        // Counted before the last look at the value (all SeqCst): a
        // poster either sees us or we see its post.
        self.waiters.fetch_add(1, SeqCst);
        let r = loop {
            if self.try_take() {
                break 0;
            }
            match futex::wait(&self.value, 0, d, shared) {
                Err(futex::ETIMEDOUT) => break ETIMEDOUT,
                Err(futex::EINTR) => break futex::EINTR.0,
                _ => {}
            }
        };
        self.waiters.fetch_sub(1, SeqCst);
        if r == 0 { 0 } else { fail(r) }
    }
}

/// `int sem_init(sem_t *s, int pshared, unsigned value)`: EINVAL above SEM_VALUE_MAX.
///
/// # Safety
/// `s` writable.
#[no_mangle]
pub unsafe extern "C" fn sem_init(s: *mut Sem, pshared: c_int, value: c_uint) -> c_int {
    if value > MAX {
        return fail(EINVAL);
    }
    // SAFETY: per the caller.
    unsafe {
        s.write(Sem { value: AtomicU32::new(value), waiters: AtomicU32::new(0), shared: AtomicU32::new((pshared != 0) as u32) })
    };
    0
}

/// `int sem_destroy(sem_t *s)`.
#[no_mangle]
pub extern "C" fn sem_destroy(_s: *mut Sem) -> c_int {
    0
}

/// `int sem_post(sem_t *s)`: EOVERFLOW at SEM_VALUE_MAX.
///
/// # Safety
/// `s` initialised.
#[no_mangle]
pub unsafe extern "C" fn sem_post(s: *mut Sem) -> c_int {
    // SAFETY: per the caller.
    let s = unsafe { &*s };
    let mut v = s.value.load(Relaxed);
    loop {
        if v == MAX {
            return fail(EOVERFLOW);
        }
        match s.value.compare_exchange_weak(v, v + 1, SeqCst, Relaxed) {
            Ok(_) => break,
            Err(now) => v = now,
        }
    }
    if s.waiters.load(SeqCst) > 0 {
        futex::wake(&s.value, 1, s.shared.load(Relaxed) != 0);
    }
    0
}

/// `int sem_wait(sem_t *s)`: EINTR when a signal handler interrupts it.
///
/// # Safety
/// `s` initialised.
#[no_mangle]
pub unsafe extern "C" fn sem_wait(s: *mut Sem) -> c_int {
    // SAFETY: per the caller.
    unsafe { &*s }.take(None)
}

/// `int sem_trywait(sem_t *s)`: EAGAIN when the value is 0.
///
/// # Safety
/// `s` initialised.
#[no_mangle]
pub unsafe extern "C" fn sem_trywait(s: *mut Sem) -> c_int {
    // SAFETY: per the caller.
    if unsafe { &*s }.try_take() { 0 } else { fail(EAGAIN) }
}

/// `int sem_timedwait(sem_t *s, const struct timespec *abstime)`:
/// ETIMEDOUT once CLOCK_REALTIME passes `abstime` (EINVAL, checked first
/// as glibc does, for nanoseconds outside 0..1e9).
///
/// # Safety
/// `s` initialised, `abstime` readable.
#[no_mangle]
pub unsafe extern "C" fn sem_timedwait(s: *mut Sem, abstime: *const Timespec) -> c_int {
    // SAFETY: per the caller.
    unsafe { sem_clockwait(s, 0, abstime) }
}

/// `int sem_clockwait(sem_t *s, clockid_t clock, const struct timespec *abstime)`.
///
/// # Safety
/// As `sem_timedwait`.
#[no_mangle]
pub unsafe extern "C" fn sem_clockwait(s: *mut Sem, clock_id: c_int, abstime: *const Timespec) -> c_int {
    // SAFETY: per the caller.
    match clock(clock_id).and_then(|c: Clock| unsafe { deadline(abstime, c) }) {
        // SAFETY: per the caller.
        Ok(d) => unsafe { &*s }.take(Some(&d)),
        Err(e) => fail(e),
    }
}

/// `int sem_getvalue(sem_t *s, int *value)`.
///
/// # Safety
/// `s` initialised, `value` writable.
#[no_mangle]
pub unsafe extern "C" fn sem_getvalue(s: *mut Sem, value: *mut c_int) -> c_int {
    // SAFETY: per the caller.
    unsafe { *value = (*s).value.load(Relaxed) as c_int };
    0
}
