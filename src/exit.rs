//! Leaving the process: `exit` runs the atexit handlers (last registered
//! first), then `.fini_array` in reverse, then `_fini`, then exit_group.
//! Each handler and finaliser is taken before it is called, so an `exit`
//! from inside one continues with the rest instead of starting over.

use core::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use spin::Mutex;

use crate::{linker, syscall, trace};

/// Handlers that fit without a heap (POSIX asks for at least 32).
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
}

// SAFETY: the raw argument pointers are only passed back to the function
// that registered them, as C does.
unsafe impl Send for Handlers {}

static HANDLERS: Mutex<Handlers> = Mutex::new(Handlers { list: [None; ATEXIT_MAX], len: 0 });
/// How many `.fini_array` entries (then `_fini`) have been started.
static FINI_STARTED: AtomicUsize = AtomicUsize::new(0);

fn push(h: Handler) -> Result<(), TableFull> {
    let mut hs = HANDLERS.lock();
    let n = hs.len;
    let slot = hs.list.get_mut(n).ok_or(TableFull)?;
    *slot = Some(h);
    hs.len = n + 1;
    REGISTERED.fetch_add(1, Relaxed);
    Ok(())
}

/// The error of a registration when all [`ATEXIT_MAX`] slots are taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableFull;

/// Registers `f` to run at `exit`. Fails when the table is full.
pub fn atexit(f: extern "C" fn()) -> Result<(), TableFull> {
    push(Handler::Plain(f))
}

/// Registers `f(arg)` to run at `exit` (`__cxa_atexit`).
pub fn atexit_with_arg(f: unsafe extern "C" fn(*mut u8), arg: *mut u8) -> Result<(), TableFull> {
    push(Handler::WithArg(f, arg))
}

/// Handlers registered so far: lets `exit` skip the lock when there are none.
static REGISTERED: AtomicUsize = AtomicUsize::new(0);

fn pop() -> Option<Handler> {
    if REGISTERED.load(Relaxed) == 0 {
        return None;
    }
    let mut hs = HANDLERS.lock();
    let n = hs.len.checked_sub(1)?;
    hs.len = n;
    hs.list.get_mut(n)?.take()
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
        run_handlers();
    }
    let fini = linker::fini_array();
    if !fini.is_empty() || linker::fini_fn().is_some() {
        run_finalisers(fini.as_slice());
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
