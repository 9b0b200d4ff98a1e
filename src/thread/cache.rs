//! A few mappings of ended threads, kept for the next threads: creating a
//! thread then costs no mmap, mprotect, munmap or page faults of a fresh
//! stack (glibc keeps such a cache too). A mapping is reused only at exactly
//! its length, and only once the kernel has cleared its old thread's tid:
//! a detached thread puts its own mapping here while still running on it.
//! Bounded, so at most [`SLOTS`] mappings (and the pages their threads
//! touched) stay; [`free_all`] gives them back to the kernel.

use core::sync::atomic::{AtomicI32, Ordering::Acquire};

use spin::Mutex;

use super::sys;
use crate::syscall;

/// How many mappings the cache holds at most.
pub const SLOTS: usize = 8;

#[derive(Clone, Copy)]
struct Entry {
    map: *mut u8,
    len: usize,
    /// The old thread's tid word, inside the mapping: 0 once it has exited.
    tid: *const AtomicI32,
}

struct Cache {
    entries: [Entry; SLOTS],
    len: usize,
}

// SAFETY: the entries are mappings nobody else refers to, used under the lock.
unsafe impl Send for Cache {}

const EMPTY: Entry = Entry { map: core::ptr::null_mut(), len: 0, tid: core::ptr::null() };
static CACHE: Mutex<Cache> = Mutex::new(Cache { entries: [EMPTY; SLOTS], len: 0 });

/// A cached mapping of exactly `len` bytes whose thread has exited, if any.
/// Its guard page is still in place; the rest holds what the old thread
/// left there.
pub fn take(len: usize) -> Option<*mut u8> {
    let mut c = CACHE.lock();
    let n = c.len;
    // SAFETY: each entry's tid word lies in its mapping, alive while cached.
    let i = c.entries[..n].iter().rposition(|e| e.len == len && unsafe { (*e.tid).load(Acquire) } == 0)?;
    let e = c.entries[i];
    c.entries[i] = c.entries[n - 1];
    c.len = n - 1;
    Some(e.map)
}

/// Keeps the mapping `[map, map + len)` of a thread that has ended or is
/// ending (its kernel-cleared tid word at `tid`); false when full.
///
/// # Safety
/// Nobody may use the mapping afterwards, except its own thread on its way
/// to exit (which must not have turned off the clearing of `tid`).
pub unsafe fn put(map: *mut u8, len: usize, tid: &AtomicI32) -> bool {
    let mut c = CACHE.lock();
    let n = c.len;
    if n == SLOTS {
        return false;
    }
    c.entries[n] = Entry { map, len, tid };
    c.len = n + 1;
    true
}

/// Unmaps every cached mapping (waiting, if need be, for a detached thread
/// to finish exiting from its own).
pub fn free_all() {
    let (entries, n) = {
        let mut c = CACHE.lock();
        let n = core::mem::replace(&mut c.len, 0);
        (c.entries, n)
    };
    for e in &entries[..n] {
        // SAFETY: the entry was taken out of the cache, so it is ours alone
        // once its thread has exited.
        unsafe {
            sys::wait_until_exited(&*e.tid);
            let _ = syscall::munmap(e.map, e.len);
        }
    }
}

/// Takes the cache's lock and keeps it, for `fork`.
pub fn lock_for_fork() {
    core::mem::forget(CACHE.lock());
}

/// Releases the lock [`lock_for_fork`] took, in the parent.
///
/// # Safety
/// Only after [`lock_for_fork`], by the same thread.
pub unsafe fn unlock_after_fork() {
    // SAFETY: per the caller.
    unsafe { CACHE.force_unlock() };
}

/// In the child of a `fork`: releases the lock and unmaps the cached mappings of threads
/// that had not finished exiting in the parent (they never will here), keeping the rest.
///
/// # Safety
/// Only in the child, after [`lock_for_fork`] in the parent, before any thread is created.
pub unsafe fn reset_in_child() {
    // SAFETY: per the caller, this thread holds the lock and is the only thread.
    unsafe { CACHE.force_unlock() };
    let mut c = CACHE.lock();
    let mut i = 0;
    while i < c.len {
        let e = c.entries[i];
        // SAFETY: the tid word lies in the mapping, alive while cached.
        if unsafe { (*e.tid).load(Acquire) } != 0 {
            // SAFETY: no thread of the child runs on it: only this thread exists.
            let _ = unsafe { syscall::munmap(e.map, e.len) };
            let last = c.len - 1;
            c.entries[i] = c.entries[last];
            c.len = last;
        } else {
            i += 1;
        }
    }
}
