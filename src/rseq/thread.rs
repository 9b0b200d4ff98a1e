//! rseq(2) for the threads crt0 starts. A new thread starts unregistered
//! (the kernel does not carry a registration across clone), so what it
//! needs depends on the owner and on `__rseq_size` when it is created:
//!
//! - LIBC with the main thread registered, or PREINIT with the size
//!   published (a thread started by `.preinit_array` or a constructor):
//!   `__rseq_size > 0` tells every reader that the C library registers
//!   every thread, as glibc does from before the first constructor. So the
//!   thread registers its own area (same `__rseq_offset`, same length)
//!   before any of its code runs, and unregisters it (same length) before
//!   its TLS memory is freed.
//! - LIBC or PREINIT with `__rseq_size` 0 (the main thread's registration
//!   or crt0's probe failed: ENOSYS under qemu-user, seccomp...): the
//!   creator writes cpu_id -2 into the new area and the thread makes no
//!   rseq call: it would fail the same way.
//! - OVERRIDE: the owner's thread hooks (`owner::set_thread_hooks`). Threads
//!   a constructor started before another constructor claimed OVERRIDE keep
//!   crt0's registration: the claim cannot reach threads already running.
//! - UNSET: nothing; cpu_id stays -1.

use core::sync::atomic::Ordering::Relaxed;

use super::{__rseq_size, owner, Area, CPU_ID_REGISTRATION_FAILED, LEN};
use crate::{arch, fatal, syscall};

/// RSEQ_FLAG_UNREGISTER.
const UNREGISTER: u32 = 1;

/// What a new thread does about rseq, decided by its creator.
#[derive(Clone, Copy)]
pub enum Plan {
    Nothing,
    /// Register the thread's area (the owner is LIBC, or PREINIT with the
    /// size published).
    Register,
    /// Run the OVERRIDE owner's hooks.
    Hooks(owner::ThreadHooks),
}

impl Plan {
    /// Whether the thread has work to do before its own code runs, with
    /// signals blocked so that no handler runs first.
    pub fn runs_before_user_code(&self) -> bool {
        match self {
            Plan::Nothing => false,
            Plan::Register => true,
            Plan::Hooks(h) => h.start.is_some(),
        }
    }
}

/// In the creator: the plan for a new thread whose fresh area (cpu_id -1)
/// is at `area`, marking the area failed when crt0's registration failed
/// (or its probe said it would).
///
/// # Safety
/// `area` must be the new thread's area, which no thread uses yet.
pub unsafe fn plan(area: *mut Area) -> Plan {
    match owner::get() {
        // In LIBC the size is non-zero exactly when the main thread
        // registered; in PREINIT, when crt0 published its promise.
        owner::LIBC | owner::PREINIT if __rseq_size.load(Relaxed) != 0 => Plan::Register,
        owner::LIBC | owner::PREINIT => {
            // SAFETY: per the caller.
            unsafe { (&raw mut (*area).cpu_id).write(CPU_ID_REGISTRATION_FAILED) };
            Plan::Nothing
        }
        owner::OVERRIDE => Plan::Hooks(owner::thread_hooks()),
        _ => Plan::Nothing,
    }
}

/// The calling thread's area.
fn own_area() -> *mut u8 {
    arch::thread_pointer().wrapping_offset(super::__rseq_offset.load(Relaxed))
}

/// In the new thread, before its code: registers, or runs the start hook.
///
/// A registration that fails here, after the main thread's succeeded, ends
/// the process (as glibc does). The alternative, carrying on with cpu_id
/// -2, is safe only for code that checks cpu_id on every use: code that
/// saw `__rseq_size > 0` may rely on every thread being registered and
/// read `cpu_id_start`, which an unregistered area leaves at 0, then run
/// critical sections that the kernel never aborts, on a CPU the thread may
/// not be on, corrupting per-CPU data silently. It can only happen when
/// something changed under the process (a seccomp filter installed later
/// denies rseq, say), and a loud stop beats silent corruption.
pub fn start(plan: Plan) {
    match plan {
        Plan::Nothing => {}
        Plan::Register => {
            // SAFETY: the area lives in this thread's TLS allocation, which
            // outlives the registration (`exit` unregisters first).
            if let Err(e) = unsafe { syscall::rseq(own_area(), LEN.load(Relaxed), 0, arch::RSEQ_SIG) } {
                fatal::die_with("rseq registration failed in a new thread, errno ", e.0 as usize);
            }
        }
        Plan::Hooks(h) => {
            if let Some(f) = h.start {
                f();
            }
        }
    }
}

/// In the ending thread, after its thread-local destructors: unregisters,
/// or runs the exit hook. Unregistering cannot fail where registering
/// worked, short of the same kind of change; if it does, the process ends
/// rather than free memory the kernel still writes.
pub fn exit(plan: Plan) {
    match plan {
        Plan::Nothing => {}
        Plan::Register => {
            // SAFETY: the area this thread registered, with the same length.
            if let Err(e) = unsafe { syscall::rseq(own_area(), LEN.load(Relaxed), UNREGISTER, arch::RSEQ_SIG) } {
                fatal::die_with("rseq unregistration failed at thread exit, errno ", e.0 as usize);
            }
        }
        Plan::Hooks(h) => {
            if let Some(f) = h.exit {
                f();
            }
        }
    }
}
