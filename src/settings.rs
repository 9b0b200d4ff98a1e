//! crt0's own run-time settings, read from the environment during phase 1:
//! - `CRT0_TRACE=1` prints one line per start-up phase on stderr;
//! - `CRT0_RSEQ=0` leaves the rseq owner UNSET for the whole run.

use core::ffi::c_char;
use core::sync::atomic::{AtomicBool, Ordering::Relaxed};

static TRACE: AtomicBool = AtomicBool::new(false);
static RSEQ_OFF: AtomicBool = AtomicBool::new(false);

/// Looks at one environment entry. Costs one byte comparison for entries
/// that do not start with `C`, keeping phase 1 cheap in large environments.
///
/// # Safety
/// `entry` must be a NUL-terminated string.
pub unsafe fn from_env(entry: *const c_char) {
    // SAFETY: the string has at least its NUL byte.
    if unsafe { *entry } as u8 != b'C' {
        return;
    }
    // SAFETY: NUL-terminated, per the caller.
    let bytes = unsafe { core::ffi::CStr::from_ptr(entry) }.to_bytes();
    apply(bytes);
}

/// Applies a `NAME=value` entry if it is one of crt0's settings.
pub fn apply(entry: &[u8]) {
    match crate::args::split_entry(entry) {
        (b"CRT0_TRACE", Some(v)) => TRACE.store(!v.is_empty() && v != b"0", Relaxed),
        (b"CRT0_RSEQ", Some(v)) => RSEQ_OFF.store(v == b"0", Relaxed),
        _ => {}
    }
}

/// Whether the start-up trace is on.
#[inline(always)]
pub fn trace() -> bool {
    TRACE.load(Relaxed)
}

/// Whether crt0 should handle rseq at all: off with `CRT0_RSEQ=0` or
/// without the `rseq` Cargo feature.
pub fn rseq_enabled() -> bool {
    cfg!(feature = "rseq") && !RSEQ_OFF.load(Relaxed)
}
