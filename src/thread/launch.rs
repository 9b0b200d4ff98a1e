//! A thread's life: the creator maps and fills its memory and clones it;
//! the thread sets up rseq, runs its body, and ends through [`finish`]
//! (also `pthread_exit`'s way out); the joiner or detacher frees what the
//! thread did not free itself.

use core::alloc::Layout;
use core::ffi::c_void;
use core::sync::atomic::{AtomicI32, AtomicU32, AtomicUsize, Ordering::AcqRel};

use super::control::{Body, Thread, DETACHED, RUNNING};
use super::memory::Placement;
use super::{cache, dtors, sys};
use crate::syscall::{self, Errno, Prot};
use crate::{arch, auxv, exit, heap, rseq, tls};

/// Threads that have not finished, the main thread included. The last one
/// to finish ends the process with `exit(0)`, as POSIX asks when the main
/// thread left through `pthread_exit`.
static LIVE: AtomicUsize = AtomicUsize::new(1);

/// In the child of a `fork`: the calling thread is the only one.
pub fn reset_in_child() {
    LIVE.store(1, core::sync::atomic::Ordering::Relaxed);
}

/// How to create a thread.
#[derive(Clone, Copy)]
pub struct Options {
    pub stack_size: usize,
    pub detached: bool,
}

/// A thread whose memory is ready but which does not run yet.
pub struct Prepared {
    pub thread: *mut Thread,
    pub payload: *mut u8,
    stack_top: *mut u8,
    tp: *mut u8,
}

fn page_size() -> usize {
    match auxv::value(auxv::AT_PAGESZ) {
        p if p.is_power_of_two() => p,
        _ => 4096,
    }
}

/// Maps and fills a new thread's memory: guard page, stack, TLS as the
/// main thread's, control block, and room for a payload of `payload`.
pub fn prepare(opts: Options, payload: Layout, body: Body) -> Result<Prepared, Errno> {
    let block = tls::thread_block();
    let page = page_size();
    let control = Layout::new::<Thread>();
    let len = Placement::len(opts.stack_size, page, &block.layout, control, payload).ok_or(Errno::ENOMEM)?;
    let (base, fresh) = match cache::take(len) {
        Some(base) => (base, false),
        None => (map_with_guard(len, page)?, true),
    };
    let at = Placement::new(base as usize, len, opts.stack_size, page, &block.layout, control, payload);
    let thread = at.thread as *mut Thread;
    // SAFETY: the placement puts each part inside the mapping, at its
    // alignment, with nothing overlapping; a fresh mapping is zero-filled
    // and a reused one is cleared where it must be.
    unsafe {
        if !fresh {
            // TLS, control block and payload; the old stack may stay dirty.
            let end = at.payload + payload.size();
            core::ptr::write_bytes(at.tls as *mut u8, 0, end - at.tls);
        }
        let tp = block.install(at.tls as *mut u8, thread.cast());
        let plan = rseq::thread::plan(tp.offset(block.layout.rseq).cast());
        thread.write(Thread {
            tid: AtomicI32::new(0),
            state: AtomicU32::new(if opts.detached { DETACHED } else { RUNNING }),
            map: base,
            map_len: len,
            body,
            payload: at.payload as *mut u8,
            has_result: false,
            c_result: core::ptr::null_mut(),
            rseq: plan,
            signals_blocked: plan.runs_before_user_code(),
            saved_signal_mask: 0,
            specific: core::ptr::null_mut(),
        });
        Ok(Prepared { thread, payload: at.payload as *mut u8, stack_top: at.stack_top as *mut u8, tp })
    }
}

/// A new mapping of `len` bytes whose first page is a guard page.
fn map_with_guard(len: usize, page: usize) -> Result<*mut u8, Errno> {
    let base = syscall::mmap_anonymous(len, Prot::READ | Prot::WRITE)?;
    // SAFETY: the first page of the fresh mapping, which nothing uses.
    if let Err(e) = unsafe { sys::make_guard(base, page) } {
        // SAFETY: the mapping just made, unused.
        let _ = unsafe { syscall::munmap(base, len) };
        return Err(e);
    }
    Ok(base)
}

/// Starts a prepared thread. On failure the memory is still the caller's,
/// to empty and [`discard`].
///
/// # Safety
/// `p` must come from [`prepare`], with its payload filled as its body
/// expects. If the thread starts detached, the caller must not touch it
/// afterwards: it may be gone already.
pub unsafe fn launch(p: &Prepared) -> Result<(), Errno> {
    let t = p.thread;
    LIVE.fetch_add(1, AcqRel);
    // SAFETY: the thread does not run yet; this thread owns the block.
    let blocked = unsafe { (*t).signals_blocked };
    let mask = if blocked { sys::block_all_signals() } else { 0 };
    // SAFETY: the new thread gets its own stack and TLS, and its tid word
    // lives in its control block, which outlives it.
    let cloned = unsafe {
        (*t).saved_signal_mask = mask;
        sys::clone(p.stack_top, &(*t).tid, p.tp, entry as *const () as usize, t as usize)
    };
    if blocked {
        sys::set_signal_mask(mask);
    }
    if cloned.is_err() {
        LIVE.fetch_sub(1, AcqRel);
    }
    cloned.map(|_| ())
}

/// Frees a prepared thread that never ran, or one that has ended: into
/// the cache, or back to the kernel when the cache is full.
///
/// # Safety
/// The thread is not running (never started, or its tid is 0), and
/// nothing uses its memory afterwards.
pub unsafe fn discard(t: *mut Thread) {
    // SAFETY: per the caller, the mapping is unused now.
    unsafe {
        let (map, len) = ((*t).map, (*t).map_len);
        if !cache::put(map, len, &(*t).tid) {
            let _ = syscall::munmap(map, len);
        }
    }
}

/// Where a new thread starts (from the clone trampoline), with its TLS in
/// place and signals blocked if its rseq set-up needs that.
///
/// # Safety
/// Only the trampoline calls it, with the new thread's control block.
unsafe extern "C" fn entry(t: *mut Thread) -> ! {
    // SAFETY: the control block is this thread's until it finishes.
    unsafe {
        rseq::thread::start((*t).rseq);
        if (*t).signals_blocked {
            sys::set_signal_mask((*t).saved_signal_mask);
        }
        match (*t).body {
            Body::C { start, arg } => (*t).c_result = start(arg),
            Body::Rust { run, .. } => run(t),
        }
        finish(t)
    }
}

/// Ends the calling thread `t`: its thread-local destructors, its rseq
/// registration, its heap cache, then its memory if it was detached.
///
/// # Safety
/// `t` must be the calling thread's control block, and nothing of the
/// thread's stack may be in use by anyone else.
pub unsafe fn finish(t: *mut Thread) -> ! {
    dtors::run_at_thread_exit();
    // SAFETY: still this thread's block.
    let frees_itself = unsafe { (*t).exits_detached() };
    if frees_itself {
        // Nobody will collect the result; drop it while the heap is ours.
        // SAFETY: detached: this thread owns its block.
        unsafe { (*t).drop_result() };
    }
    if LIVE.fetch_sub(1, AcqRel) == 1 {
        exit::exit(0);
    }
    // No signal handler from here on: it would find the thread half gone
    // (unregistered, without a heap cache, or without a stack at all).
    sys::block_all_signals();
    // SAFETY: as above.
    let (plan, map, len) = unsafe { ((*t).rseq, (*t).map, (*t).map_len) };
    rseq::thread::exit(plan);
    // SAFETY: the thread's last heap call.
    unsafe { heap::release_thread_cache() };
    // The kernel clears the tid and wakes any joiner, who frees the memory;
    // a detached thread's mapping waits in the cache for that.
    // SAFETY: from here on the thread only runs on to exit.
    if !frees_itself || unsafe { cache::put(map, len, &(*t).tid) } {
        sys::exit_thread();
    }
    sys::forget_child_tid();
    // SAFETY: signals are blocked, the kernel forgot the tid word and the
    // rseq area, and no one else holds the detached thread's memory.
    unsafe { arch::thread::unmap_and_exit(map, len) }
}

/// `pthread_exit` on the main thread, which has no control block: its
/// destructors, then it ends alone; the process goes on until the last
/// thread finishes. Its memory (initial stack, static TLS) stays.
pub fn finish_main() -> ! {
    dtors::run_at_thread_exit();
    if LIVE.fetch_sub(1, AcqRel) == 1 {
        exit::exit(0);
    }
    sys::exit_thread()
}

/// The calling thread's control block, or null on the main thread.
pub fn current() -> *mut Thread {
    // SAFETY: threads run only after phase 2, so TLS is ready.
    unsafe { (*tls::thread_data()).thread.cast() }
}

/// Collects a finished thread's C result and frees it (`pthread_join`).
///
/// # Safety
/// `t` must be a joinable thread nobody else joins or detaches.
pub unsafe fn join_c(t: *mut Thread) -> *mut c_void {
    // SAFETY: per the caller, the block lives until this frees it.
    unsafe {
        sys::wait_until_exited(&(*t).tid);
        let r = (*t).c_result;
        discard(t);
        r
    }
}

/// What detaching a thread did.
pub enum Detach {
    /// It will free itself when it finishes.
    Detached,
    /// It had finished: freed now.
    Reclaimed,
    /// It was detached already.
    AlreadyDetached,
}

/// Detaches `t`, reclaiming it at once if it has already finished.
///
/// # Safety
/// `t` must be a thread that nobody has joined.
pub unsafe fn detach(t: *mut Thread) -> Detach {
    // SAFETY: per the caller the block lives: the thread frees it only
    // once detached, which this call decides.
    unsafe {
        if (*t).is_detached() {
            return Detach::AlreadyDetached;
        }
        if (*t).detach() {
            return Detach::Detached;
        }
        sys::wait_until_exited(&(*t).tid);
        (*t).drop_result();
        discard(t);
    }
    Detach::Reclaimed
}
