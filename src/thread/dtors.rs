//! Destructors of thread-local objects (`__cxa_thread_atexit_impl`, which
//! C++ `thread_local` and Rust thread-locals with `Drop` use): a list per
//! thread, most recent first, run when the thread ends (the main thread
//! at `exit`) in reverse order of registration, before its TLS is freed.
//! A destructor may register more; they run too, newest first. After them,
//! at a thread's end (not at `exit`, as in glibc), comes the exit hook:
//! what `pthread_key_create`'s destructors need.

use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};

use crate::syscall::Errno;
use crate::{exit, heap, tls};

struct Node {
    dtor: unsafe extern "C" fn(*mut u8),
    obj: *mut u8,
    next: *mut Node,
}

/// Whether `exit` has been told to run the calling thread's destructors.
static HOOKED: AtomicBool = AtomicBool::new(false);

/// Registers `dtor(obj)` to run when the calling thread ends. ENOMEM when
/// the heap has no room for the entry.
pub fn register(dtor: unsafe extern "C" fn(*mut u8), obj: *mut u8) -> Result<(), Errno> {
    let node = heap::malloc(core::mem::size_of::<Node>()).cast::<Node>();
    if node.is_null() {
        return Err(Errno::ENOMEM);
    }
    // SAFETY: a fresh block for one Node; the list is this thread's own,
    // and code registering destructors runs after phase 2.
    unsafe {
        let data = tls::thread_data();
        node.write(Node { dtor, obj, next: (*data).tls_dtors.cast() });
        (*data).tls_dtors = node.cast();
    }
    // Programs that never register one keep exit's fast path.
    if !HOOKED.swap(true, Relaxed) {
        exit::run_first_at_exit(run_current);
    }
    Ok(())
}

/// Runs the calling thread's destructors, newest first, until none is left.
pub fn run_current() {
    // SAFETY: the thread's own list (see `register`); each entry is
    // unlinked and freed before its destructor runs, so a destructor that
    // registers another or ends the thread leaves a consistent list.
    unsafe {
        let data = tls::thread_data();
        loop {
            let node = (*data).tls_dtors.cast::<Node>();
            if node.is_null() {
                return;
            }
            let Node { dtor, obj, next } = node.read();
            (*data).tls_dtors = next.cast();
            heap::free(node.cast());
            dtor(obj);
        }
    }
}

/// What runs after the destructors when a thread ends: 0 until set (a
/// pointer, so that programs without keys link none of their code).
static EXIT_HOOK: AtomicUsize = AtomicUsize::new(0);

/// Makes every thread run `hook` as it ends (after its thread-local
/// destructors; the main thread only when it leaves through `pthread_exit`).
pub fn set_exit_hook(hook: fn()) {
    EXIT_HOOK.store(hook as usize, Relaxed);
}

/// The end of a thread: its thread-local destructors, then the exit hook.
pub fn run_at_thread_exit() {
    run_current();
    let hook = EXIT_HOOK.load(Relaxed);
    if hook != 0 {
        // SAFETY: only `set_exit_hook` stores, and it stores a `fn()`.
        unsafe { core::mem::transmute::<usize, fn()>(hook)() };
    }
}
