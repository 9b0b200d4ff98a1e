//! The Rust interface: `spawn`, `Builder`, `JoinHandle`, and destructors
//! for thread-locals.

use core::alloc::Layout;
use core::marker::PhantomData;
use core::mem::ManuallyDrop;
use core::ptr::NonNull;

use super::control::{Body, Thread};
use super::launch::{self, Options};
use super::memory::{DEFAULT_STACK_SIZE, MIN_STACK_SIZE};
use super::{dtors, sys};
use crate::syscall::Errno;

/// The closure, then in the same place its result: whichever is live.
union Payload<F, T> {
    f: ManuallyDrop<F>,
    t: ManuallyDrop<T>,
}

/// The new thread's body: takes the closure out, runs it, leaves the result.
///
/// # Safety
/// `t`'s payload must hold an `F`, for this thread to take once.
unsafe fn run<F: FnOnce() -> T, T>(t: *mut Thread) {
    // SAFETY: per the caller; the closure is moved out before it runs and
    // its slot then holds the result.
    unsafe {
        let p = (*t).payload.cast::<Payload<F, T>>();
        let f = ManuallyDrop::take(&mut (*p).f);
        let result = f();
        p.write(Payload { t: ManuallyDrop::new(result) });
        (*t).has_result = true;
    }
}

/// Drops a result nobody collected (union fields sit at offset 0).
///
/// # Safety
/// `t`'s payload must hold a `T`, dropped once.
unsafe fn drop_result<T>(t: *mut Thread) {
    // SAFETY: per the caller.
    unsafe { core::ptr::drop_in_place((*t).payload.cast::<T>()) }
}

/// Spawns a thread with the default stack size ([`DEFAULT_STACK_SIZE`]).
/// Panics if the system has no room for it (use [`Builder::spawn`] to
/// handle that).
pub fn spawn<F, T>(f: F) -> JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    match Builder::new().spawn(f) {
        Ok(h) => h,
        Err(e) => panic!("crt0::thread::spawn: cannot create a thread (errno {})", e.0),
    }
}

/// Thread options; for now the stack size.
#[derive(Clone, Copy, Debug)]
pub struct Builder {
    stack_size: usize,
}

impl Default for Builder {
    fn default() -> Builder {
        Builder::new()
    }
}

impl Builder {
    /// A thread with the default stack size ([`DEFAULT_STACK_SIZE`](crate::thread::DEFAULT_STACK_SIZE)).
    pub fn new() -> Builder {
        Builder { stack_size: DEFAULT_STACK_SIZE }
    }

    /// The usable stack, in bytes (rounded up to pages; at least
    /// [`MIN_STACK_SIZE`]). TLS and the thread's bookkeeping come on top.
    pub fn stack_size(mut self, n: usize) -> Builder {
        self.stack_size = n.max(MIN_STACK_SIZE);
        self
    }

    /// Spawns a thread running `f`. Fails with the system's error when the
    /// thread's memory cannot be mapped or clone(2) refuses.
    pub fn spawn<F, T>(self, f: F) -> Result<JoinHandle<T>, Errno>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let opts = Options { stack_size: self.stack_size, detached: false };
        let body = Body::Rust { run: run::<F, T>, drop_result: drop_result::<T> };
        let p = launch::prepare(opts, Layout::new::<Payload<F, T>>(), body)?;
        let payload = p.payload.cast::<Payload<F, T>>();
        // SAFETY: the payload has the closure's size and alignment; the
        // thread does not run yet. If it never does, the closure comes back
        // out and is dropped here, before the memory goes.
        unsafe {
            payload.write(Payload { f: ManuallyDrop::new(f) });
            if let Err(e) = launch::launch(&p) {
                ManuallyDrop::drop(&mut (*payload).f);
                launch::discard(p.thread);
                return Err(e);
            }
            Ok(JoinHandle { thread: NonNull::new_unchecked(p.thread), _result: PhantomData })
        }
    }
}

/// A running (or finished) thread, to `join` for its result or `detach`.
/// Dropping the handle detaches the thread.
pub struct JoinHandle<T> {
    thread: NonNull<Thread>,
    _result: PhantomData<T>,
}

// SAFETY: the handle only hands over a `T: Send` produced by the thread,
// and the control block's shared words are atomics.
unsafe impl<T: Send> Send for JoinHandle<T> {}
// SAFETY: `&JoinHandle` gives access to nothing but the tid.
unsafe impl<T: Send> Sync for JoinHandle<T> {}

impl<T> JoinHandle<T> {
    /// Waits for the thread to end and returns what its closure returned.
    /// Panics if the thread ended without returning (`pthread_exit`), or
    /// if it is the calling thread (it would wait forever).
    pub fn join(self) -> T {
        let t = ManuallyDrop::new(self).thread.as_ptr();
        assert!(t != launch::current(), "crt0::thread: a thread cannot join itself");
        // SAFETY: the handle owned the joinable thread, and is gone now: this
        // is the only joiner. Once the tid is 0 the thread has exited and
        // its memory is the caller's.
        unsafe {
            sys::wait_until_exited(&(*t).tid);
            // The result is the payload union's live field, at offset 0.
            let result = (*t).has_result.then(|| (*t).payload.cast::<T>().read());
            launch::discard(t);
            result.unwrap_or_else(|| panic!("crt0::thread: joined a thread that ended without a result"))
        }
    }

    /// Lets the thread run on its own: it frees its memory when it ends,
    /// and its result is dropped there.
    pub fn detach(self) {
        drop(self)
    }

    /// The thread's kernel id (0 once it has exited).
    pub fn tid(&self) -> i32 {
        // SAFETY: the block lives as long as the handle.
        unsafe { self.thread.as_ref() }.tid.load(core::sync::atomic::Ordering::Relaxed)
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        // SAFETY: the handle owned the thread and nobody joined it.
        unsafe { launch::detach(self.thread.as_ptr()) };
    }
}

/// Registers `dtor(obj)` to run when the calling thread ends (the main
/// thread: at `exit`), after every destructor registered later: Rust's
/// side of `__cxa_thread_atexit_impl`. ENOMEM if the heap is full.
pub fn at_thread_exit(dtor: unsafe extern "C" fn(*mut u8), obj: *mut u8) -> Result<(), Errno> {
    dtors::register(dtor, obj)
}

/// Drops `*p` in place when the calling thread ends: for a `#[thread_local]`
/// that holds a value with `Drop`.
///
/// # Safety
/// `p` must be valid until the thread ends, dropped by nothing else.
pub unsafe fn drop_at_thread_exit<T>(p: *mut T) -> Result<(), Errno> {
    unsafe extern "C" fn drop_it<T>(p: *mut u8) {
        // SAFETY: registered for a `*mut T` that is dropped only here.
        unsafe { core::ptr::drop_in_place(p.cast::<T>()) }
    }
    dtors::register(drop_it::<T>, p.cast())
}
