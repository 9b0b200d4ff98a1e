//! The rseq registration owner, `__rseq_reg_owner`, from Mathieu Desnoyers'
//! 2019 proposal for glibc. It says who registers rseq(2) areas in this
//! process, and it only ever changes by compare-and-swap:
//!
//! ```text
//! UNSET ──(TLS ready, rseq enabled)──> PREINIT ──(constructors done)──> LIBC
//!   │                                     │
//!   └──────────── claim_override ─────────┴──> OVERRIDE
//! ```
//!
//! The three start-up sequences the proposal allows:
//! 1. the runtime owns rseq: UNSET -> PREINIT -> LIBC, crt0 registers;
//! 2. a runtime without rseq support (`CRT0_RSEQ=0`): UNSET stays UNSET
//!    until a constructor or `main` claims OVERRIDE and registers;
//! 3. a constructor claims OVERRIDE from PREINIT; crt0 then leaves rseq alone.

use core::sync::atomic::{AtomicI32, Ordering::AcqRel, Ordering::Acquire, Ordering::Release};

use spin::Mutex;

/// No library handles rseq (yet).
pub const UNSET: i32 = 0;
/// The runtime supports rseq but has not registered yet (resolvers,
/// `.preinit_array`, constructors run in this state).
pub const PREINIT: i32 = 1;
/// The runtime (crt0) owns the registration.
pub const LIBC: i32 = 2;
/// Another library (a constructor, a preloaded runtime) owns it.
pub const OVERRIDE: i32 = 3;

/// The owner variable, exported for C as `int __rseq_reg_owner`.
#[cfg_attr(not(any(test, all(panic = "unwind", not(doc)))), no_mangle)]
#[allow(non_upper_case_globals)] // the C name
pub static __rseq_reg_owner: AtomicI32 = AtomicI32::new(UNSET);

/// The current owner.
pub fn get() -> i32 {
    __rseq_reg_owner.load(Acquire)
}

/// The owner's name as the trace prints it.
pub fn name(owner: i32) -> &'static str {
    match owner {
        UNSET => "UNSET",
        PREINIT => "PREINIT",
        LIBC => "LIBC",
        OVERRIDE => "OVERRIDE",
        _ => "INVALID",
    }
}

/// One compare-and-swap step; true if the owner was `from` and is now `to`.
pub fn transition(from: i32, to: i32) -> bool {
    __rseq_reg_owner.compare_exchange(from, to, AcqRel, Acquire).is_ok()
}

/// Claims the registration for the caller (OVERRIDE). Succeeds only from
/// UNSET or PREINIT, i.e. before crt0 has registered; also false if another
/// library already claimed it. A claim withdraws crt0's published promise:
/// `__rseq_size` reads 0 from here on ("the C library does not register"),
/// so code that looks after the claim registers nothing of crt0's.
pub fn claim_override() -> bool {
    let mut seen = get();
    loop {
        if seen != UNSET && seen != PREINIT {
            return false;
        }
        match __rseq_reg_owner.compare_exchange(seen, OVERRIDE, AcqRel, Acquire) {
            Ok(_) => {
                super::__rseq_size.store(0, Release);
                return true;
            }
            Err(now) => seen = now,
        }
    }
}

/// What an OVERRIDE owner runs in every new thread: `start` before any of
/// the thread's own code, `exit` when the thread ends, after its
/// thread-local destructors and before its TLS memory is freed; both with
/// signals blocked, so that no handler runs in between. Typically `start`
/// registers an area of the owner's own (in a thread-local) and `exit`
/// unregisters it. Each thread keeps the pair in force when it started.
#[derive(Clone, Copy, Default)]
pub struct ThreadHooks {
    /// Runs first in each new thread.
    pub start: Option<extern "C" fn()>,
    /// Runs last in each thread that ends.
    pub exit: Option<extern "C" fn()>,
}

static THREAD_HOOKS: Mutex<ThreadHooks> = Mutex::new(ThreadHooks { start: None, exit: None });

/// Installs the OVERRIDE owner's thread hooks (replacing earlier ones).
/// Only the owner may: false, and nothing changes, unless the owner is
/// OVERRIDE. Set them before creating threads; threads already running
/// keep what they started with.
pub fn set_thread_hooks(hooks: ThreadHooks) -> bool {
    if get() != OVERRIDE {
        return false;
    }
    *THREAD_HOOKS.lock() = hooks;
    true
}

/// The hooks new threads run (none unless the owner is OVERRIDE).
pub fn thread_hooks() -> ThreadHooks {
    if get() != OVERRIDE {
        return ThreadHooks::default();
    }
    *THREAD_HOOKS.lock()
}

#[cfg(test)]
mod tests {
    use super::*;

    // One test owns the global variable, so the steps run in order.
    #[test]
    fn protocol() {
        assert_eq!(get(), UNSET);
        assert!(!transition(PREINIT, LIBC), "LIBC only from PREINIT");
        assert!(transition(UNSET, PREINIT));
        assert!(claim_override(), "claim from PREINIT");
        assert!(!claim_override(), "a second claim fails");
        assert!(!transition(PREINIT, LIBC), "crt0 must not register after an override");
        __rseq_reg_owner.store(UNSET, core::sync::atomic::Ordering::Release);
        assert!(claim_override(), "claim from UNSET");
        __rseq_reg_owner.store(LIBC, core::sync::atomic::Ordering::Release);
        assert!(!claim_override(), "claim after LIBC fails");
        assert_eq!(name(get()), "LIBC");
        extern "C" fn hook() {}
        let hooks = ThreadHooks { start: Some(hook), exit: None };
        assert!(!set_thread_hooks(hooks), "only the OVERRIDE owner sets hooks");
        assert!(thread_hooks().start.is_none());
        __rseq_reg_owner.store(OVERRIDE, core::sync::atomic::Ordering::Release);
        assert!(set_thread_hooks(hooks));
        assert!(thread_hooks().start.is_some() && thread_hooks().exit.is_none());
    }

}
