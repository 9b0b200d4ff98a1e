//! Read-write locks: `pthread_rwlock_*` and `pthread_rwlockattr_*`.
//!
//! crt0's `pthread_rwlock_t` (glibc's 56 bytes, all zero when initialised
//! statically) keeps: the state (reader count, or WRITER), the waiting
//! writers and readers, one sequence number each for them to sleep on,
//! the writing thread's id and the process-shared flag where glibc keeps
//! `__cur_writer` and `__shared` (bytes 24 and 28), and the preference
//! where glibc's initialisers put `__flags` (byte 48).
//!
//! Readers are preferred (glibc's default, PTHREAD_RWLOCK_PREFER_READER_NP
//! and PREFER_WRITER_NP alike): a reader gets the lock whenever no writer
//! holds it, so a thread may take a read lock it already holds.
//! PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP makes new readers wait
//! while a writer waits. A writer that already holds the lock gets EDEADLK.

use core::ffi::c_int;
use core::sync::atomic::{AtomicI32, AtomicU32, Ordering::Relaxed, Ordering::SeqCst};

use super::{clock, deadline, EAGAIN, EBUSY, EDEADLK, EINVAL, EPERM, ETIMEDOUT, PROCESS_SHARED};
use crate::sync::futex::{self, Clock, Deadline, Timespec};
use crate::thread::current_tid;

#[repr(C)]
pub struct RwLock {
    state: AtomicU32,
    writers_waiting: AtomicU32,
    readers_waiting: AtomicU32,
    write_seq: AtomicU32,
    read_seq: AtomicU32,
    _unused: u32,
    writer: AtomicI32,
    shared: AtomicU32,
    _unused2: [u32; 4],
    flags: AtomicU32,
}

const _: () = assert!(core::mem::size_of::<RwLock>() <= 56 && core::mem::align_of::<RwLock>() <= 8);
const _: () = assert!(core::mem::offset_of!(RwLock, writer) == 24 && core::mem::offset_of!(RwLock, flags) == 48);

const WRITER: u32 = 1 << 31;
const MAX_READERS: u32 = WRITER - 1;
/// `PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP`.
const PREFER_WRITER: u32 = 2;

impl RwLock {
    fn shared(&self) -> bool {
        self.shared.load(Relaxed) != 0
    }

    fn readers_wait_for_writers(&self) -> bool {
        self.flags.load(Relaxed) == PREFER_WRITER && self.writers_waiting.load(SeqCst) > 0
    }

    /// One attempt at a read lock: Ok, or Err(true) to wait, Err(false) for EAGAIN.
    fn try_read(&self) -> Result<(), bool> {
        let mut s = self.state.load(Relaxed);
        loop {
            if s & WRITER != 0 || self.readers_wait_for_writers() {
                return Err(true);
            }
            if s == MAX_READERS {
                return Err(false);
            }
            match self.state.compare_exchange_weak(s, s + 1, SeqCst, Relaxed) {
                Ok(_) => return Ok(()),
                Err(now) => s = now,
            }
        }
    }

    fn read(&self, d: Option<&Deadline>) -> c_int {
        if self.writer.load(Relaxed) == current_tid() {
            return EDEADLK;
        }
        loop {
            match self.try_read() {
                Ok(()) => return 0,
                Err(false) => return EAGAIN,
                Err(true) => {}
            }
            // Registered before the last look, so an unlocker either sees
            // us or we see its unlock (all SeqCst).
            self.readers_waiting.fetch_add(1, SeqCst);
            let seq = self.read_seq.load(SeqCst);
            let r = if self.state.load(SeqCst) & WRITER != 0 || self.readers_wait_for_writers() {
                futex::wait(&self.read_seq, seq, d, self.shared())
            } else {
                Ok(())
            };
            self.readers_waiting.fetch_sub(1, SeqCst);
            if r == Err(futex::ETIMEDOUT) {
                return ETIMEDOUT;
            }
        }
    }

    fn write(&self, d: Option<&Deadline>) -> c_int {
        let me = current_tid();
        if self.writer.load(Relaxed) == me {
            return EDEADLK;
        }
        loop {
            if self.state.compare_exchange(0, WRITER, SeqCst, Relaxed).is_ok() {
                self.writer.store(me, Relaxed);
                return 0;
            }
            self.writers_waiting.fetch_add(1, SeqCst);
            let seq = self.write_seq.load(SeqCst);
            let r = if self.state.load(SeqCst) != 0 { futex::wait(&self.write_seq, seq, d, self.shared()) } else { Ok(()) };
            let last = self.writers_waiting.fetch_sub(1, SeqCst) == 1;
            if r == Err(futex::ETIMEDOUT) {
                // Readers held back for this writer must not wait for it now.
                if last && self.flags.load(Relaxed) == PREFER_WRITER {
                    self.wake_readers();
                }
                return ETIMEDOUT;
            }
        }
    }

    fn wake_readers(&self) {
        if self.readers_waiting.load(SeqCst) > 0 {
            self.read_seq.fetch_add(1, SeqCst);
            futex::wake(&self.read_seq, i32::MAX, self.shared());
        }
    }

    fn wake_writer(&self) -> bool {
        if self.writers_waiting.load(SeqCst) == 0 {
            return false;
        }
        self.write_seq.fetch_add(1, SeqCst);
        futex::wake(&self.write_seq, 1, self.shared());
        true
    }

    fn unlock(&self) -> c_int {
        let s = self.state.load(Relaxed);
        if s == WRITER {
            if self.writer.load(Relaxed) != current_tid() {
                return EPERM;
            }
            self.writer.store(0, Relaxed);
            self.state.store(0, SeqCst);
            let woke_writer = self.wake_writer();
            if !(woke_writer && self.flags.load(Relaxed) == PREFER_WRITER) {
                self.wake_readers();
            }
        } else if s == 0 {
            return EPERM;
        } else if self.state.fetch_sub(1, SeqCst) == 1 {
            self.wake_writer();
        }
        0
    }
}

/// A deadline from C, or the error.
///
/// # Safety
/// `abstime` readable.
unsafe fn until(abstime: *const Timespec, clk: Clock) -> Result<Deadline, c_int> {
    // SAFETY: per the caller.
    unsafe { deadline(abstime, clk) }
}

/// `int pthread_rwlock_rdlock(pthread_rwlock_t *rw)`.
///
/// # Safety
/// `rw` initialised.
#[no_mangle]
pub unsafe extern "C" fn pthread_rwlock_rdlock(rw: *mut RwLock) -> c_int {
    // SAFETY: per the caller.
    unsafe { &*rw }.read(None)
}

/// `int pthread_rwlock_wrlock(pthread_rwlock_t *rw)`.
///
/// # Safety
/// `rw` initialised.
#[no_mangle]
pub unsafe extern "C" fn pthread_rwlock_wrlock(rw: *mut RwLock) -> c_int {
    // SAFETY: per the caller.
    unsafe { &*rw }.write(None)
}

/// `int pthread_rwlock_tryrdlock(pthread_rwlock_t *rw)`: EBUSY instead of waiting.
///
/// # Safety
/// `rw` initialised.
#[no_mangle]
pub unsafe extern "C" fn pthread_rwlock_tryrdlock(rw: *mut RwLock) -> c_int {
    // SAFETY: per the caller.
    match unsafe { &*rw }.try_read() {
        Ok(()) => 0,
        Err(true) => EBUSY,
        Err(false) => EAGAIN,
    }
}

/// `int pthread_rwlock_trywrlock(pthread_rwlock_t *rw)`: EBUSY instead of waiting.
///
/// # Safety
/// `rw` initialised.
#[no_mangle]
pub unsafe extern "C" fn pthread_rwlock_trywrlock(rw: *mut RwLock) -> c_int {
    // SAFETY: per the caller.
    let rw = unsafe { &*rw };
    if rw.state.compare_exchange(0, WRITER, SeqCst, Relaxed).is_err() {
        return EBUSY;
    }
    rw.writer.store(current_tid(), Relaxed);
    0
}

/// `int pthread_rwlock_timedrdlock(pthread_rwlock_t *rw, const struct timespec *abstime)`
/// (CLOCK_REALTIME).
///
/// # Safety
/// `rw` initialised, `abstime` readable.
#[no_mangle]
pub unsafe extern "C" fn pthread_rwlock_timedrdlock(rw: *mut RwLock, abstime: *const Timespec) -> c_int {
    // SAFETY: per the caller.
    unsafe { pthread_rwlock_clockrdlock(rw, 0, abstime) }
}

/// `int pthread_rwlock_timedwrlock(pthread_rwlock_t *rw, const struct timespec *abstime)`.
///
/// # Safety
/// As `pthread_rwlock_timedrdlock`.
#[no_mangle]
pub unsafe extern "C" fn pthread_rwlock_timedwrlock(rw: *mut RwLock, abstime: *const Timespec) -> c_int {
    // SAFETY: per the caller.
    unsafe { pthread_rwlock_clockwrlock(rw, 0, abstime) }
}

/// `int pthread_rwlock_clockrdlock(pthread_rwlock_t *rw, clockid_t clock, const struct timespec *abstime)`.
///
/// # Safety
/// As `pthread_rwlock_timedrdlock`.
#[no_mangle]
pub unsafe extern "C" fn pthread_rwlock_clockrdlock(rw: *mut RwLock, clock_id: c_int, abstime: *const Timespec) -> c_int {
    // SAFETY: per the caller.
    let rw = unsafe { &*rw };
    // SAFETY: per the caller.
    match clock(clock_id).and_then(|c| unsafe { until(abstime, c) }) {
        Ok(d) => rw.read(Some(&d)),
        Err(e) => e,
    }
}

/// `int pthread_rwlock_clockwrlock(pthread_rwlock_t *rw, clockid_t clock, const struct timespec *abstime)`.
///
/// # Safety
/// As `pthread_rwlock_timedrdlock`.
#[no_mangle]
pub unsafe extern "C" fn pthread_rwlock_clockwrlock(rw: *mut RwLock, clock_id: c_int, abstime: *const Timespec) -> c_int {
    // SAFETY: per the caller.
    let rw = unsafe { &*rw };
    // SAFETY: per the caller.
    match clock(clock_id).and_then(|c| unsafe { until(abstime, c) }) {
        Ok(d) => rw.write(Some(&d)),
        Err(e) => e,
    }
}

/// `int pthread_rwlock_unlock(pthread_rwlock_t *rw)`: EPERM when not held
/// (or, for a write lock, held by another thread).
///
/// # Safety
/// `rw` initialised.
#[no_mangle]
pub unsafe extern "C" fn pthread_rwlock_unlock(rw: *mut RwLock) -> c_int {
    // SAFETY: per the caller.
    unsafe { &*rw }.unlock()
}

/// `int pthread_rwlock_init(pthread_rwlock_t *rw, const pthread_rwlockattr_t *attr)`.
///
/// # Safety
/// `rw` writable, `attr` NULL or initialised.
#[no_mangle]
pub unsafe extern "C" fn pthread_rwlock_init(rw: *mut RwLock, attr: *const [c_int; 2]) -> c_int {
    // SAFETY: per the caller.
    let [kind, shared] = unsafe { attr.as_ref() }.copied().unwrap_or([0, 0]);
    // SAFETY: per the caller; every field inside glibc's 56 bytes.
    unsafe {
        rw.write(RwLock {
            state: AtomicU32::new(0),
            writers_waiting: AtomicU32::new(0),
            readers_waiting: AtomicU32::new(0),
            write_seq: AtomicU32::new(0),
            read_seq: AtomicU32::new(0),
            _unused: 0,
            writer: AtomicI32::new(0),
            shared: AtomicU32::new(shared as u32),
            _unused2: [0; 4],
            flags: AtomicU32::new(kind as u32),
        })
    };
    0
}

/// `int pthread_rwlock_destroy(pthread_rwlock_t *rw)`: nothing to free;
/// 0 even while held (undefined in POSIX), as glibc.
#[no_mangle]
pub extern "C" fn pthread_rwlock_destroy(_rw: *mut RwLock) -> c_int {
    0
}

/// `int pthread_rwlockattr_init(pthread_rwlockattr_t *a)`: readers
/// preferred, private.
///
/// # Safety
/// `a` writable.
#[no_mangle]
pub unsafe extern "C" fn pthread_rwlockattr_init(a: *mut [c_int; 2]) -> c_int {
    // SAFETY: per the caller.
    unsafe { *a = [0, 0] };
    0
}

/// `int pthread_rwlockattr_destroy(pthread_rwlockattr_t *a)`.
#[no_mangle]
pub extern "C" fn pthread_rwlockattr_destroy(_a: *mut [c_int; 2]) -> c_int {
    0
}

/// `int pthread_rwlockattr_setkind_np(pthread_rwlockattr_t *a, int kind)`.
///
/// # Safety
/// `a` initialised.
#[no_mangle]
pub unsafe extern "C" fn pthread_rwlockattr_setkind_np(a: *mut [c_int; 2], kind: c_int) -> c_int {
    if !(0..=PREFER_WRITER as c_int).contains(&kind) {
        return EINVAL;
    }
    // SAFETY: per the caller.
    unsafe { (*a)[0] = kind };
    0
}

/// `int pthread_rwlockattr_getkind_np(const pthread_rwlockattr_t *a, int *kind)`.
///
/// # Safety
/// `a` initialised, `kind` writable.
#[no_mangle]
pub unsafe extern "C" fn pthread_rwlockattr_getkind_np(a: *const [c_int; 2], kind: *mut c_int) -> c_int {
    // SAFETY: per the caller.
    unsafe { *kind = (*a)[0] };
    0
}

/// `int pthread_rwlockattr_setpshared(pthread_rwlockattr_t *a, int pshared)`.
///
/// # Safety
/// `a` initialised.
#[no_mangle]
pub unsafe extern "C" fn pthread_rwlockattr_setpshared(a: *mut [c_int; 2], pshared: c_int) -> c_int {
    if pshared != 0 && pshared != PROCESS_SHARED {
        return EINVAL;
    }
    // SAFETY: per the caller.
    unsafe { (*a)[1] = pshared };
    0
}

/// `int pthread_rwlockattr_getpshared(const pthread_rwlockattr_t *a, int *pshared)`.
///
/// # Safety
/// `a` initialised, `pshared` writable.
#[no_mangle]
pub unsafe extern "C" fn pthread_rwlockattr_getpshared(a: *const [c_int; 2], pshared: *mut c_int) -> c_int {
    // SAFETY: per the caller.
    unsafe { *pshared = (*a)[1] };
    0
}
