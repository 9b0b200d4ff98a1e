//! `fork` that a multi-threaded program can use: the child gets a copy of the process with
//! only the calling thread, so any lock another thread held at that instant would stay held
//! for ever in the child. crt0 takes its own locks before the system call and lets go of them
//! on both sides (glibc does the same for its own), around the program's `pthread_atfork`
//! handlers, so a child of a process with threads running can allocate, create threads and
//! exit. In order:
//!
//! 1. the prepare handlers, last registered first;
//! 2. crt0's locks, in one order: the atexit list, the cache of thread stacks, the heap;
//! 3. clone(SIGCHLD) (what fork(2) is; aarch64 has no fork system call);
//! 4. parent: the locks released, then the parent handlers in registration order;
//!    child: the locks reset (nobody else exists to release them), the thread bookkeeping
//!    made to say one thread (the stacks of the threads that did not come along are given
//!    back), then the child handlers in registration order.
//!
//! Blocks that other threads held in their heap caches stay the child's (never reused:
//! those threads do not exist in it), as with glibc. Not covered: locks of the program's
//! own (that is what `pthread_atfork` is for), a per-CPU structure's fallback lock held by
//! another thread (`percpu`), and the rseq owner's thread-hook lock.

use core::sync::atomic::{AtomicBool, Ordering::Relaxed};

use spin::Mutex;

use crate::syscall::{self, Errno};

/// A handler of `pthread_atfork` (any of the three may be absent).
pub type Handler = Option<extern "C" fn()>;

/// How many `pthread_atfork` registrations fit.
pub const MAX_HANDLERS: usize = 64;

#[derive(Clone, Copy)]
struct Entry {
    prepare: Handler,
    parent: Handler,
    child: Handler,
}

struct Registry {
    entries: [Entry; MAX_HANDLERS],
    len: usize,
}

static REGISTRY: Mutex<Registry> =
    Mutex::new(Registry { entries: [Entry { prepare: None, parent: None, child: None }; MAX_HANDLERS], len: 0 });

/// Whether the program ever forked: the process's threads then know it (nothing reads it
/// yet but tests).
static FORKED: AtomicBool = AtomicBool::new(false);

/// Registers handlers to run around [`fork`] (`pthread_atfork`); ENOMEM past
/// [`MAX_HANDLERS`].
pub fn at_fork(prepare: Handler, parent: Handler, child: Handler) -> Result<(), Errno> {
    let mut r = REGISTRY.lock();
    let n = r.len;
    let slot = r.entries.get_mut(n).ok_or(Errno::ENOMEM)?;
    *slot = Entry { prepare, parent, child };
    r.len = n + 1;
    Ok(())
}

/// SIGCHLD: what the child sends its parent when it ends, as fork's does.
const SIGCHLD: usize = linux_raw_sys::general::SIGCHLD as usize;

/// Creates a child process, a copy of this one with only the calling thread: 0 in the
/// child, the child's process id in the parent.
pub fn fork() -> Result<usize, Errno> {
    // A copy: handlers may register more handlers without deadlocking here.
    let (entries, n) = {
        let r = REGISTRY.lock();
        (r.entries, r.len)
    };
    let handlers = &entries[..n];
    for e in handlers.iter().rev() {
        if let Some(f) = e.prepare {
            f();
        }
    }
    prepare();
    // SAFETY: clone without CLONE_VM is fork: the child gets a copy of the address space
    // and goes on from here on its copy of this stack.
    let r = unsafe { syscall::raw(crate::syscall::nr::CLONE, [SIGCHLD, 0, 0, 0, 0, 0]) };
    match r {
        Ok(0) => {
            in_child();
            for e in handlers {
                if let Some(f) = e.child {
                    f();
                }
            }
        }
        _ => {
            in_parent();
            for e in handlers {
                if let Some(f) = e.parent {
                    f();
                }
            }
        }
    }
    r
}

/// Takes crt0's locks (the order is the same everywhere they nest).
fn prepare() {
    crate::exit::lock_for_fork();
    crate::thread::lock_for_fork();
    crate::heap::lock_for_fork();
}

fn in_parent() {
    // SAFETY: this thread took each lock in `prepare`.
    unsafe {
        crate::heap::unlock_after_fork();
        crate::thread::unlock_after_fork();
        crate::exit::unlock_after_fork();
    }
}

fn in_child() {
    FORKED.store(true, Relaxed);
    // The thread has a new kernel id: lock owners recorded from now on must
    // be this one.
    crate::thread::after_fork_in_child();
    // SAFETY: the child has one thread, this one, which took each lock in `prepare`; the
    // registry's lock may be held by a thread of the parent that is not here.
    unsafe {
        crate::heap::reset_after_fork();
        crate::thread::reset_after_fork();
        crate::exit::unlock_after_fork();
        REGISTRY.force_unlock();
    }
}

/// Whether this process is the child of a `fork` (or a descendant of one).
pub fn forked() -> bool {
    FORKED.load(Relaxed)
}
