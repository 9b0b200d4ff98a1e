//! Leaving the process: `exit` runs the atexit handlers (last registered
//! first), then `.fini_array` in reverse, then `_fini`, then flushes stdio
//! (when the program used it), then exit_group.
//! Each handler and finaliser is taken before it is called, so an `exit`
//! from inside one continues with the rest instead of starting over.

use core::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use spin::Mutex;

use crate::{linker, syscall, trace};

/// Handlers that fit without a heap (POSIX asks for at least 32); more
/// go to a heap block that grows as needed.
pub const ATEXIT_MAX: usize = 32;

#[derive(Clone, Copy)]
enum Handler {
    /// `atexit(f)`.
    Plain(extern "C" fn()),
    /// `__cxa_atexit(f, arg, dso)`: C++ static destructors.
    WithArg(unsafe extern "C" fn(*mut u8), *mut u8),
}

struct Handlers {
    list: [Option<Handler>; ATEXIT_MAX],
    len: usize,
    /// Handlers past the first ATEXIT_MAX (`len - ATEXIT_MAX` of them), in
    /// a heap block of `spill_cap` entries; null until needed.
    spill: *mut Option<Handler>,
    spill_cap: usize,
}

// SAFETY: the raw argument pointers are only passed back to the function
// that registered them, as C does; the spill block is only used under the lock.
unsafe impl Send for Handlers {}

static HANDLERS: Mutex<Handlers> =
    Mutex::new(Handlers { list: [None; ATEXIT_MAX], len: 0, spill: core::ptr::null_mut(), spill_cap: 0 });
/// How many `.fini_array` entries (then `_fini`) have been started.
static FINI_STARTED: AtomicUsize = AtomicUsize::new(0);

fn push(h: Handler) -> Result<(), TableFull> {
    let mut hs = HANDLERS.lock();
    let n = hs.len;
    match hs.list.get_mut(n) {
        Some(slot) => *slot = Some(h),
        None => hs.spill(n - ATEXIT_MAX, h)?,
    }
    hs.len = n + 1;
    REGISTERED.fetch_add(1, Relaxed);
    Ok(())
}

impl Handlers {
    /// Stores spilled handler number `i` (the next one), growing the heap
    /// block first when it is full.
    #[cold]
    fn spill(&mut self, i: usize, h: Handler) -> Result<(), TableFull> {
        if i == self.spill_cap {
            let cap = (2 * self.spill_cap).max(ATEXIT_MAX);
            let bytes = cap.checked_mul(core::mem::size_of::<Option<Handler>>()).ok_or(TableFull)?;
            let grown = spill_alloc(bytes).cast::<Option<Handler>>();
            if grown.is_null() {
                return Err(TableFull);
            }
            // SAFETY: the old block holds `i` handlers and the new one room
            // for `cap > i`; the old block is freed once, after the copy.
            unsafe {
                core::ptr::copy_nonoverlapping(self.spill, grown, i);
                spill_free(self.spill.cast());
            }
            self.spill = grown;
            self.spill_cap = cap;
        }
        // SAFETY: i < spill_cap, inside the block.
        unsafe { self.spill.add(i).write(Some(h)) };
        Ok(())
    }
}

#[cfg(not(test))]
use crate::heap::{free as spill_free, malloc as spill_alloc};

// Unit tests run under std's allocator, not crt0's heap: no spilling there.
#[cfg(test)]
fn spill_alloc(_: usize) -> *mut u8 {
    core::ptr::null_mut()
}
/// # Safety
/// As `heap::free` (nothing to free here).
#[cfg(test)]
unsafe fn spill_free(_: *mut u8) {}

/// The error of a registration when the handlers beyond the first
/// [`ATEXIT_MAX`] find no heap memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableFull;

/// Registers `f` to run at `exit`. Fails only when out of memory.
pub fn atexit(f: extern "C" fn()) -> Result<(), TableFull> {
    push(Handler::Plain(f))
}

/// Registers `f(arg)` to run at `exit` (`__cxa_atexit`).
pub fn atexit_with_arg(f: unsafe extern "C" fn(*mut u8), arg: *mut u8) -> Result<(), TableFull> {
    push(Handler::WithArg(f, arg))
}

/// Takes the handler list's lock and keeps it, for `fork` (see `crate::fork`).
#[cfg(not(test))]
pub(crate) fn lock_for_fork() {
    core::mem::forget(HANDLERS.lock());
}

/// Releases the lock [`lock_for_fork`] took: in the parent, and in the child, where the
/// thread that took it is the only one.
///
/// # Safety
/// Only after [`lock_for_fork`], by the same thread (or its copy in the child).
#[cfg(not(test))]
pub(crate) unsafe fn unlock_after_fork() {
    // SAFETY: per the caller, this thread holds the lock and no guard exists.
    unsafe { HANDLERS.force_unlock() };
}

/// Handlers registered so far: lets `exit` skip the lock when there are none.
static REGISTERED: AtomicUsize = AtomicUsize::new(0);

/// What `exit` runs before the handlers: the calling thread's thread-local
/// destructors, set by the first registration of one (0 until then). A
/// pointer rather than a call, so that programs without thread-locals to
/// destroy link none of it.
static FIRST: AtomicUsize = AtomicUsize::new(0);

/// Makes `exit` run `f` before the atexit handlers (glibc runs the calling
/// thread's thread-local destructors there).
#[cfg(not(test))]
pub(crate) fn run_first_at_exit(f: fn()) {
    FIRST.store(f as *const () as usize, Relaxed);
    // Counted as a handler, so that `exit` leaves its fast path.
    REGISTERED.fetch_add(1, Relaxed);
}

/// What `exit` runs last, after the finalisers: stdio's flush of every
/// stream, set the first time a stream is used (0 until then), so that
/// programs without stdio link none of it.
static LAST: AtomicUsize = AtomicUsize::new(0);

/// Makes `exit` run `f` after the atexit handlers and `.fini_array` (glibc
/// flushes stdio there, so handlers and destructors may still print).
#[cfg(not(test))]
pub(crate) fn run_last_at_exit(f: fn()) {
    LAST.store(f as *const () as usize, Relaxed);
    // Counted as a handler, so that `exit` leaves its fast path.
    REGISTERED.fetch_add(1, Relaxed);
}

fn pop() -> Option<Handler> {
    if REGISTERED.load(Relaxed) == 0 {
        return None;
    }
    let mut hs = HANDLERS.lock();
    let n = hs.len.checked_sub(1)?;
    hs.len = n;
    let slot = match hs.list.get_mut(n) {
        Some(slot) => slot as *mut Option<Handler>,
        // SAFETY: n - ATEXIT_MAX < spill_cap: the spilled entry just popped.
        None => unsafe { hs.spill.add(n - ATEXIT_MAX) },
    };
    // SAFETY: `slot` is an initialised entry, in the static table or the
    // spill block, that only this lock holder uses.
    unsafe { (*slot).take() }
}

/// Runs the exit sequence and ends the process with `status`.
pub fn exit(status: i32) -> ! {
    // Small programs register nothing and have no finalisers: for them
    // this is a few tests and the system call, with nothing saved on the
    // way. Anything to run, or the trace, takes the full sequence.
    if REGISTERED.load(Relaxed) != 0 || !linker::fini_array().is_empty() || linker::fini_fn().is_some() || trace::enabled() {
        run_exit_sequence(status);
    }
    syscall::exit_group(status)
}

/// Handlers, then finalisers, then the trace line, then exit_group.
#[inline(never)]
fn run_exit_sequence(status: i32) -> ! {
    if REGISTERED.load(Relaxed) != 0 {
        let first = FIRST.load(Relaxed);
        if first != 0 {
            // SAFETY: only `run_first_at_exit` stores, and it stores a `fn()`.
            unsafe { core::mem::transmute::<usize, fn()>(first)() };
        }
        run_handlers();
    }
    let fini = linker::fini_array();
    if !fini.is_empty() || linker::fini_fn().is_some() {
        run_finalisers(fini.as_slice());
    }
    let last = LAST.swap(0, Relaxed);
    if last != 0 {
        // SAFETY: only `run_last_at_exit` stores, and it stores a `fn()`.
        unsafe { core::mem::transmute::<usize, fn()>(last)() };
    }
    trace::phase("exit", |l| {
        l.int("status", status as i64).num("fini_array", fini.as_slice().len());
    });
    syscall::exit_group(status)
}

/// The atexit handlers, last registered first.
fn run_handlers() {
    // The lock is not held while a handler runs, so handlers may register
    // more handlers or call exit.
    while let Some(h) = pop() {
        match h {
            Handler::Plain(f) => f(),
            // SAFETY: called with the argument it was registered with.
            Handler::WithArg(f, arg) => unsafe { f(arg) },
        }
    }
}

/// `.fini_array` in reverse, then `_fini`.
fn run_finalisers(fini: &[Option<linker::VoidFn>]) {
    loop {
        let i = FINI_STARTED.fetch_add(1, Relaxed);
        if let Some(entry) = fini.iter().rev().nth(i) {
            if let Some(f) = entry {
                // SAFETY: `.fini_array` holds the program's finalisers.
                unsafe { f() };
            }
        } else {
            if i == fini.len() {
                if let Some(f) = linker::fini_fn() {
                    // SAFETY: `_fini` is the program's, taking no arguments.
                    unsafe { f() };
                }
            }
            break;
        }
    }
}

/// Ends the process at once: no handlers, no finalisers.
pub fn exit_now(status: i32) -> ! {
    syscall::exit_group(status)
}

/// Ends the process with SIGABRT, even if the program caught or blocked
/// it; status 127 if the signal somehow does not end it.
pub fn abort() -> ! {
    syscall::raise(6);
    syscall::reset_and_unblock(6);
    syscall::raise(6);
    syscall::exit_group(127)
}
