//! A thread's control block: what its creator, the thread itself and
//! whoever joins or detaches it share. It lives in the thread's own
//! mapping (see `memory`), so it goes when the thread's memory goes.
//!
//! Who frees the memory is settled by one word, `state`:
//!
//! ```text
//! RUNNING ──detach──> DETACHED ──thread ends──> the thread frees itself
//!    │
//!    └──thread ends──> EXITING ──join or detach──> waits for the kernel to
//!                                                  clear `tid`, then frees
//! ```
//!
//! The thread makes its move after its thread-local destructors, so a
//! destructor may still detach it.

use core::ffi::c_void;
use core::sync::atomic::{AtomicI32, AtomicU32, Ordering::AcqRel, Ordering::Acquire};

use crate::rseq::thread::Plan;

pub const RUNNING: u32 = 0;
pub const DETACHED: u32 = 1;
pub const EXITING: u32 = 2;

/// What the thread runs.
#[derive(Clone, Copy)]
pub enum Body {
    /// A C start routine and its argument (`pthread_create`).
    C { start: extern "C" fn(*mut c_void) -> *mut c_void, arg: *mut c_void },
    /// A Rust closure in the payload, run by a function that knows its
    /// type and leaves the result in the payload (`thread::spawn`).
    Rust { run: unsafe fn(*mut Thread), drop_result: unsafe fn(*mut Thread) },
}

#[repr(C)]
pub struct Thread {
    /// The kernel writes the thread's id here before it runs
    /// (CLONE_PARENT_SETTID) and clears it, with a futex wake, once it has
    /// exited (CLONE_CHILD_CLEARTID).
    pub tid: AtomicI32,
    /// RUNNING, DETACHED or EXITING.
    pub state: AtomicU32,
    /// The whole mapping: guard page, stack, TLS, this block, payload.
    pub map: *mut u8,
    pub map_len: usize,
    pub body: Body,
    /// The closure, then its result (Rust threads).
    pub payload: *mut u8,
    /// Whether the payload holds a result (false after `pthread_exit`).
    pub has_result: bool,
    /// The C result: the start routine's return value or `pthread_exit`'s.
    pub c_result: *mut c_void,
    /// What the thread does about rseq as it starts and ends, decided by
    /// its creator from the owner (`rseq::thread`).
    pub rseq: Plan,
    /// Whether the creator blocked signals around clone, so that the rseq
    /// set-up comes before any handler, and the mask the thread restores
    /// once that is done.
    pub signals_blocked: bool,
    pub saved_signal_mask: u64,
    /// The thread's `pthread_setspecific` values (`c::pthread::key`), null
    /// until it sets one.
    pub specific: *mut u8,
}

impl Thread {
    /// The thread's move, once it has run its destructors: marks it
    /// EXITING (a joiner or detacher will free it) and returns false, or
    /// returns true if it was detached: then it frees itself.
    pub fn exits_detached(&self) -> bool {
        self.state.compare_exchange(RUNNING, EXITING, AcqRel, Acquire).is_err()
    }

    /// Detaches the thread: true if it will free itself, false if it has
    /// already finished and the caller must reclaim it (`Memory::reclaim`).
    pub fn detach(&self) -> bool {
        self.state.compare_exchange(RUNNING, DETACHED, AcqRel, Acquire).is_ok()
    }

    pub fn is_detached(&self) -> bool {
        self.state.load(Acquire) == DETACHED
    }

    /// Drops a result nobody will collect (Rust threads).
    ///
    /// # Safety
    /// Once, by whoever owns the finished thread's memory.
    pub unsafe fn drop_result(&mut self) {
        if let Body::Rust { drop_result, .. } = self.body {
            if self.has_result {
                self.has_result = false;
                // SAFETY: the payload holds a result of the type `drop_result` drops.
                unsafe { drop_result(self) };
            }
        }
    }
}
