//! crt0's own run-time settings, read from the environment during phase 1:
//! - `CRT0_TRACE=1` prints one line per start-up phase on stderr;
//! - `CRT0_RSEQ=0` leaves the rseq owner UNSET for the whole run.

use core::cell::Cell;
use core::ffi::c_char;

/// A setting: written only during phase 1, before any other code of the
/// program runs or any thread exists, and only read afterwards. A plain
/// (non-atomic) flag, so that each check is a single compare with memory:
/// every phase checks the trace flag, and most runs have it off.
struct Flag(Cell<bool>);

// SAFETY: the only writes (`set`) happen in phase 1, single-threaded and
// before anything else reads the flags; every later access is a read.
unsafe impl Sync for Flag {}

impl Flag {
    const fn new(v: bool) -> Flag {
        Flag(Cell::new(v))
    }

    #[inline(always)]
    fn get(&self) -> bool {
        self.0.get()
    }

    /// # Safety
    /// Phase 1 only: no other thread exists and nothing reads concurrently.
    unsafe fn set(&self, v: bool) {
        self.0.set(v)
    }
}

static TRACE: Flag = Flag::new(false);
static RSEQ_OFF: Flag = Flag::new(false);

/// Looks at one environment entry. Costs one byte comparison for entries
/// that do not start with `C`, and a few for the rest: no entry's length is
/// measured unless it is one of crt0's settings, keeping phase 1 cheap in
/// large environments.
///
/// # Safety
/// `entry` must be a NUL-terminated string; phase 1 only (see [`Flag`]).
pub unsafe fn from_env(entry: *const c_char) {
    // (As bytes: c_char is signed on x86_64, unsigned on aarch64.)
    let entry = entry.cast::<u8>();
    // SAFETY: the string has at least its NUL byte.
    if unsafe { entry.read() } != b'C' {
        return;
    }
    for (name, flag) in [(&b"CRT0_TRACE="[..], &TRACE), (&b"CRT0_RSEQ="[..], &RSEQ_OFF)] {
        // SAFETY: the comparison stops at the first difference, at the
        // latest at the entry's NUL, which differs from every name byte.
        let matches = name.iter().enumerate().all(|(i, &c)| unsafe { entry.add(i).read() } == c);
        if matches {
            // SAFETY: NUL-terminated, per the caller; the value follows the `=`.
            let value = unsafe { crate::cstr::bytes(entry.add(name.len()).cast()) };
            let on = if core::ptr::eq(flag, &RSEQ_OFF) { value == b"0" } else { !value.is_empty() && value != b"0" };
            // SAFETY: phase 1, per the caller.
            unsafe { flag.set(on) };
            return;
        }
    }
}

/// Whether the start-up trace is on.
#[inline(always)]
pub fn trace() -> bool {
    TRACE.get()
}

/// Whether crt0 should handle rseq at all: off with `CRT0_RSEQ=0` or
/// without the `rseq` Cargo feature.
pub fn rseq_enabled() -> bool {
    cfg!(feature = "rseq") && !RSEQ_OFF.get()
}
