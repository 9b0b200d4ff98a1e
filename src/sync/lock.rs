//! A mutex in one 32-bit word (Drepper, "Futexes Are Tricky", mutex 3):
//! 0 unlocked, 1 locked, 2 locked with (possibly) sleepers. Locking and
//! unlocking without contention is one atomic instruction each and no
//! system call; the unlocker makes one FUTEX_WAKE only when the word says
//! someone may sleep. A locker that finds the word locked marks it 2 and
//! sleeps at once, as glibc's default mutex does, or, when asked (glibc's
//! adaptive kind), first spins a little in case a short critical section
//! on another CPU ends. Sleeping at once keeps the lock with one thread
//! for long runs under contention, which is what gives the most lock
//! operations per second (docs/BENCHMARKS.md, mutex).

use core::sync::atomic::{AtomicU32, Ordering::Acquire, Ordering::Relaxed, Ordering::Release};

use super::futex::{self, Deadline, ETIMEDOUT};
use crate::syscall::Errno;

/// The lock word's states: free ...
pub const UNLOCKED: u32 = 0;
/// ... held, nobody asleep on it ...
pub const LOCKED: u32 = 1;
/// ... held, and a thread may be asleep waiting (unlocking must wake one).
pub const CONTENDED: u32 = 2;

/// How many times a locker looks at a held lock before sleeping.
const SPINS: u32 = 100;

/// Takes the lock if it is free.
#[inline(always)]
pub fn try_lock(word: &AtomicU32) -> bool {
    word.compare_exchange(UNLOCKED, LOCKED, Acquire, Relaxed).is_ok()
}

/// Takes the lock, sleeping as long as needed (or until `deadline`:
/// ETIMEDOUT). `shared`: the word is in memory shared between processes;
/// `spin`: look at a held lock a while before sleeping.
#[inline(always)]
pub fn lock(word: &AtomicU32, deadline: Option<&Deadline>, shared: bool, spin: bool) -> Result<(), Errno> {
    if try_lock(word) {
        return Ok(());
    }
    lock_contended(word, deadline, shared, if spin { SPINS } else { 0 })
}

/// Waits while the lock is held without sleepers, at most `spins` times;
/// returns the last state seen.
fn spin(word: &AtomicU32, spins: u32) -> u32 {
    let mut n = spins;
    loop {
        let s = word.load(Relaxed);
        if s != LOCKED || n == 0 {
            return s;
        }
        n -= 1;
        core::hint::spin_loop();
    }
}

#[cold]
fn lock_contended(word: &AtomicU32, deadline: Option<&Deadline>, shared: bool, spins: u32) -> Result<(), Errno> {
    let mut state = spin(word, spins);
    if state == UNLOCKED {
        match word.compare_exchange(UNLOCKED, LOCKED, Acquire, Relaxed) {
            Ok(_) => return Ok(()),
            Err(s) => state = s,
        }
    }
    loop {
        // Marking the word CONTENDED before sleeping is what makes the
        // unlocker wake us; it also takes the lock if it was free, in
        // which case it stays CONTENDED: others may still sleep.
        if state != CONTENDED && word.swap(CONTENDED, Acquire) == UNLOCKED {
            return Ok(());
        }
        if let Err(ETIMEDOUT) = futex::wait(word, CONTENDED, deadline, shared) {
            return Err(ETIMEDOUT);
        }
        state = spin(word, spins);
    }
}

/// Releases the lock, waking one sleeper if there may be any.
#[inline(always)]
pub fn unlock(word: &AtomicU32, shared: bool) {
    if word.swap(UNLOCKED, Release) == CONTENDED {
        futex::wake(word, 1, shared);
    }
}
