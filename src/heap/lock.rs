//! The heap's lock: a value behind [`crate::sync::lock`]'s futex word, spinning briefly
//! before it sleeps.
//!
//! A pure spin lock (what the heap had, `spin::Mutex`) is fine while every thread has a CPU,
//! but a program with more threads than CPUs (a server, the suite's larson and mstress)
//! preempts a thread that holds it, and every other thread then burns its whole time slice
//! spinning. The word is the same three-state futex lock as the C library's mutexes (one
//! implementation, in `sync::lock`); the heap asks it to spin first, as glibc's adaptive
//! mutex does, because a batch move holds it well under a microsecond. This module only adds
//! the value and the guard.

use core::cell::UnsafeCell;
use core::ops::{Deref, DerefMut};
use core::sync::atomic::{AtomicU32, Ordering::Relaxed};

use crate::sync::lock;

pub struct Mutex<T> {
    word: AtomicU32,
    value: UnsafeCell<T>,
}

// SAFETY: the value is only reached through a guard, which the lock makes exclusive.
unsafe impl<T: Send> Sync for Mutex<T> {}
// SAFETY: as above.
unsafe impl<T: Send> Send for Mutex<T> {}

pub struct Guard<'a, T> {
    mutex: &'a Mutex<T>,
}

impl<T> Mutex<T> {
    pub const fn new(value: T) -> Mutex<T> {
        Mutex { word: AtomicU32::new(lock::UNLOCKED), value: UnsafeCell::new(value) }
    }

    #[inline]
    pub fn lock(&self) -> Guard<'_, T> {
        self.acquire();
        Guard { mutex: self }
    }

    /// Takes the lock without a guard (for `fork`, which holds it across the call).
    #[inline]
    pub fn acquire(&self) {
        // Private to the process, spinning first; without a deadline it cannot fail.
        let _ = lock::lock(&self.word, None, false, true);
    }

    /// Releases a lock taken with [`Mutex::acquire`].
    ///
    /// # Safety
    /// The calling thread must hold the lock, and no guard may be alive.
    #[inline]
    pub unsafe fn release(&self) {
        lock::unlock(&self.word, false);
    }

    /// Marks the lock free without waking anyone: in the child of a `fork`, the only thread,
    /// where the lock was held by the parent's forking thread (now this one).
    ///
    /// # Safety
    /// Only in a process where no other thread can hold or wait for the lock.
    pub unsafe fn reset(&self) {
        self.word.store(lock::UNLOCKED, Relaxed);
    }
}

impl<T> Deref for Guard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard holds the lock.
        unsafe { &*self.mutex.value.get() }
    }
}

impl<T> DerefMut for Guard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the guard holds the lock, so this is the only reference.
        unsafe { &mut *self.mutex.value.get() }
    }
}

impl<T> Drop for Guard<'_, T> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: the guard holds the lock and is going away.
        unsafe { self.mutex.release() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn many_threads_more_than_cpus_count_exactly() {
        let m = Arc::new(Mutex::new(0u64));
        let threads: Vec<_> = (0..16)
            .map(|_| {
                let m = m.clone();
                std::thread::spawn(move || {
                    for _ in 0..20_000 {
                        *m.lock() += 1;
                    }
                })
            })
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
        assert_eq!(*m.lock(), 16 * 20_000);
    }
}
