//! Threads: `spawn` a closure and `join` it for its result (Rust), or
//! `pthread_create`/`pthread_join` (C, in `pthread`).
//!
//! Each thread gets one mapping (see `memory`): a guard page, its stack,
//! its own copy of the TLS image with a TCB exactly like the main thread's
//! (same layout, same canary), its control block and, for Rust, room for
//! the closure and its result, so spawning allocates nothing on the heap.
//! It is cloned sharing everything a thread shares (`sys::THREAD_FLAGS`),
//! and the kernel clears its tid word and wakes the joiner when it has
//! exited. rseq follows the owner protocol (`rseq::thread`). A joined
//! thread's memory is freed by its joiner, a detached thread's by itself;
//! either way a few mappings wait in a cache (`cache`) for the next
//! threads, the rest go back to the kernel, a detached thread's with a
//! last asm sequence that unmaps its own stack and exits. Threads cost a
//! program that does not create any nothing: none of this runs or is
//! linked unless called.

mod memory;

// The rest runs only in real programs; unit tests cover the layout.
#[cfg(not(any(test, all(panic = "unwind", not(doc)))))]
mod cache;
#[cfg(not(any(test, all(panic = "unwind", not(doc)))))]
mod control;
#[cfg(not(any(test, all(panic = "unwind", not(doc)))))]
mod dtors;
#[cfg(not(any(test, all(panic = "unwind", not(doc)))))]
mod launch;
#[cfg(not(any(test, all(panic = "unwind", not(doc)))))]
mod pthread;
#[cfg(not(any(test, all(panic = "unwind", not(doc)))))]
mod rust;
#[cfg(not(any(test, all(panic = "unwind", not(doc)))))]
mod sys;

pub use memory::{DEFAULT_STACK_SIZE, MIN_STACK_SIZE};
#[cfg(not(any(test, all(panic = "unwind", not(doc)))))]
pub use rust::{at_thread_exit, drop_at_thread_exit, spawn, Builder, JoinHandle};

/// Unmaps the memory of ended threads that crt0 keeps for new threads
/// (at most a few mappings: see `cache`).
#[cfg(not(any(test, all(panic = "unwind", not(doc)))))]
pub fn free_cached_stacks() {
    cache::free_all();
}

/// Takes the thread machinery's lock (the stack cache's), for `fork`.
#[cfg(not(any(test, all(panic = "unwind", not(doc)))))]
pub(crate) fn lock_for_fork() {
    cache::lock_for_fork();
}

/// Releases it in the parent.
///
/// # Safety
/// Only after [`lock_for_fork`], by the same thread.
#[cfg(not(any(test, all(panic = "unwind", not(doc)))))]
pub(crate) unsafe fn unlock_after_fork() {
    // SAFETY: per the caller.
    unsafe { cache::unlock_after_fork() };
}

/// In the child of a `fork`: one thread alive, the lock released, the stacks of threads
/// that did not come along given back.
///
/// # Safety
/// Only in the child, after [`lock_for_fork`] in the parent.
#[cfg(not(any(test, all(panic = "unwind", not(doc)))))]
pub(crate) unsafe fn reset_after_fork() {
    launch::reset_in_child();
    // SAFETY: per the caller.
    unsafe { cache::reset_in_child() };
}

/// Lets other threads run (sched_yield(2)).
#[cfg(not(any(test, all(panic = "unwind", not(doc)))))]
pub fn yield_now() {
    sys::sched_yield();
}

/// The main thread's kernel thread id once read (0: not yet).
#[cfg(not(any(test, all(panic = "unwind", not(doc)))))]
static MAIN_TID: core::sync::atomic::AtomicI32 = core::sync::atomic::AtomicI32::new(0);

#[cfg(not(any(test, all(panic = "unwind", not(doc)))))]
fn gettid() -> i32 {
    // SAFETY: gettid takes no argument and cannot fail.
    unsafe { crate::syscall::raw(crate::syscall::nr::GETTID, [0; 6]) }.unwrap_or(0) as i32
}

/// The calling thread's kernel thread id, without a system call after the
/// first on the main thread: a crt0 thread's is in its control block
/// (the kernel wrote it there at clone), the main thread's is read once.
/// What lock owners are recorded as.
#[cfg(not(any(test, all(panic = "unwind", not(doc)))))]
pub fn current_tid() -> i32 {
    use core::sync::atomic::Ordering::Relaxed;
    let t = launch::current();
    if !t.is_null() {
        // SAFETY: the calling thread's own control block.
        return unsafe { (*t).tid.load(Relaxed) };
    }
    match MAIN_TID.load(Relaxed) {
        0 => {
            let tid = gettid();
            MAIN_TID.store(tid, Relaxed);
            tid
        }
        tid => tid,
    }
}

/// For fork's child, before it runs any of the program's code: the thread
/// has a new kernel id, which `current_tid` must give from now on.
#[cfg(not(any(test, all(panic = "unwind", not(doc)))))]
pub fn after_fork_in_child() {
    use core::sync::atomic::Ordering::Relaxed;
    let t = launch::current();
    if t.is_null() {
        MAIN_TID.store(0, Relaxed);
    } else {
        // SAFETY: the calling thread's own control block; fork's child
        // has no CLONE_CHILD_CLEARTID address, so the kernel will not
        // clear this word.
        unsafe { (*t).tid.store(gettid(), Relaxed) };
    }
}

/// Where the calling thread keeps its `pthread_setspecific` values: a
/// field of its control block, or for the main thread a static.
#[cfg(not(any(test, all(panic = "unwind", not(doc)))))]
pub fn specific_slot() -> *mut *mut u8 {
    static mut MAIN: *mut u8 = core::ptr::null_mut();
    let t = launch::current();
    if t.is_null() {
        &raw mut MAIN
    } else {
        // SAFETY: the calling thread's own control block.
        unsafe { &raw mut (*t).specific }
    }
}

/// Runs `hook` at the end of every thread (see `dtors::set_exit_hook`).
#[cfg(not(any(test, all(panic = "unwind", not(doc)))))]
pub fn set_exit_hook(hook: fn()) {
    dtors::set_exit_hook(hook);
}
