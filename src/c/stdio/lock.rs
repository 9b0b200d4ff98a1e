//! A stream's lock: recursive (`flockfile` may be taken again by its
//! owner, and every stdio function takes it once more), futex-based, so a
//! thread waiting for a stream another thread is writing to a full pipe
//! sleeps instead of spinning.

use core::sync::atomic::{AtomicU32, AtomicUsize, Ordering::{Acquire, Relaxed, Release}};

use linux_raw_sys::general::{FUTEX_WAIT_PRIVATE, FUTEX_WAKE_PRIVATE, __NR_futex};

use crate::{syscall, tls};

/// 0: free, 1: held, 2: held with (possibly) sleeping waiters.
pub struct Lock {
    /// The holder's thread data address (unique among live threads), 0 when free.
    owner: AtomicUsize,
    state: AtomicU32,
    /// How many times the holder has taken it.
    depth: AtomicU32,
}

impl Lock {
    pub const fn new() -> Lock {
        Lock { owner: AtomicUsize::new(0), state: AtomicU32::new(0), depth: AtomicU32::new(0) }
    }

    fn me() -> usize {
        // SAFETY: stdio runs after start-up's TLS phase.
        unsafe { tls::thread_data() as usize }
    }

    /// Takes the lock (again, if the caller holds it).
    pub fn lock(&self) {
        let me = Self::me();
        if self.owner.load(Relaxed) == me {
            self.depth.fetch_add(1, Relaxed);
            return;
        }
        if self.state.compare_exchange(0, 1, Acquire, Relaxed).is_err() {
            self.wait();
        }
        self.owner.store(me, Relaxed);
        self.depth.store(1, Relaxed);
    }

    #[cold]
    fn wait(&self) {
        while self.state.swap(2, Acquire) != 0 {
            // SAFETY: futex(2) on a live word; returns at once when the
            // word is no longer 2.
            let _ = unsafe {
                syscall::raw(__NR_futex as usize, [self.state.as_ptr() as usize, FUTEX_WAIT_PRIVATE as usize, 2, 0, 0, 0])
            };
        }
    }

    /// Takes the lock if it is free or the caller's; false otherwise.
    pub fn try_lock(&self) -> bool {
        let me = Self::me();
        if self.owner.load(Relaxed) == me {
            self.depth.fetch_add(1, Relaxed);
            return true;
        }
        if self.state.compare_exchange(0, 1, Acquire, Relaxed).is_err() {
            return false;
        }
        self.owner.store(me, Relaxed);
        self.depth.store(1, Relaxed);
        true
    }

    /// Releases one hold; the last one frees the lock and wakes a waiter.
    pub fn unlock(&self) {
        if self.depth.fetch_sub(1, Relaxed) != 1 {
            return;
        }
        self.owner.store(0, Relaxed);
        if self.state.swap(0, Release) == 2 {
            // SAFETY: futex(2) wake on a live word.
            let _ = unsafe {
                syscall::raw(__NR_futex as usize, [self.state.as_ptr() as usize, FUTEX_WAKE_PRIVATE as usize, 1, 0, 0, 0])
            };
        }
    }
}
