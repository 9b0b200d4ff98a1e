//! Signal handlers and the calling thread's signal mask, over
//! rt_sigaction(2) and rt_sigprocmask(2): enough for a program (or a test)
//! to catch a timer's SIGALRM. Handlers take the signal number only.
//!
//! On x86_64 the kernel returns from a handler through `sa_restorer`,
//! which the C library normally provides; crt0 installs its own (one
//! rt_sigreturn system call). aarch64 and riscv64 use the vDSO's; riscv64's
//! kernel `struct sigaction` has no `sa_restorer` at all.

use crate::arch::{self, signal::SA_RESTORER};
use crate::syscall::{nr, raw, Errno};

// Signal numbers (the same on x86_64, aarch64 and riscv64 Linux), from linux-raw-sys.
crate::kernel::kernel_consts!(i32, general, "asm/signal.h":
    SIGHUP, SIGINT, SIGUSR1, SIGUSR2, SIGPIPE, SIGALRM, SIGTERM, SIGCHLD, SIGVTALRM, SIGPROF,
);

/// A handler: called with the signal number.
pub type Handler = extern "C" fn(i32);

bitflags::bitflags! {
    /// `sa_flags` a handler may ask for.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Flags: usize {
        /// Restart interrupted system calls instead of failing them with EINTR.
        const RESTART = linux_raw_sys::general::SA_RESTART as usize;
        /// Do not block the signal while its handler runs.
        const NODEFER = linux_raw_sys::general::SA_NODEFER as usize;
        /// Run the handler on the alternate signal stack.
        const ONSTACK = linux_raw_sys::general::SA_ONSTACK as usize;
        /// Restore the default action once the handler has run.
        const RESETHAND = linux_raw_sys::general::SA_RESETHAND as usize;
    }
}

/// The kernel's `struct sigaction` (not the C library's), laid out as the
/// architecture's kernel reads it: with or without `sa_restorer`.
pub use crate::arch::signal::KernelSigaction;

const SIG_DFL: usize = 0;
const SIG_IGN: usize = 1;

fn check_signal(sig: i32) -> Result<usize, Errno> {
    if (1..=64).contains(&sig) { Ok(sig as usize) } else { Err(Errno::EINVAL) }
}

/// rt_sigaction(2): installs `new` (with crt0's restorer where the
/// architecture needs one) and/or reads the action before.
pub fn action(sig: i32, new: Option<&KernelSigaction>, old: Option<&mut KernelSigaction>) -> Result<(), Errno> {
    let sig = check_signal(sig)?;
    let new = new.map(|a| KernelSigaction::new(a.handler, a.flags | SA_RESTORER, arch::signal::restorer_address(), a.mask));
    let new_ptr = new.as_ref().map_or(0, |a| a as *const KernelSigaction as usize);
    let old_ptr = old.map_or(0, |a| a as *mut KernelSigaction as usize);
    // SAFETY: both are null or live kernel sigactions; the kernel reads
    // and writes 8 bytes of mask (the size passed). The restorer is a
    // valid sigreturn trampoline on x86_64 (none is passed on aarch64).
    unsafe { raw(nr::RT_SIGACTION, [sig, new_ptr, old_ptr, 8, 0, 0]) }.map(|_| ())
}

fn sigaction(sig: i32, handler: usize, flags: usize) -> Result<(), Errno> {
    action(sig, Some(&KernelSigaction::new(handler, flags, 0, 0)), None)
}

/// Runs `handler` when `sig` arrives (for every thread: handlers are
/// process-wide). Fails with EINVAL for SIGKILL, SIGSTOP or a bad number.
pub fn set_handler(sig: i32, handler: Handler, flags: Flags) -> Result<(), Errno> {
    sigaction(sig, handler as usize, flags.bits())
}

/// Restores `sig`'s default action.
pub fn set_default(sig: i32) -> Result<(), Errno> {
    sigaction(sig, SIG_DFL, 0)
}

/// Ignores `sig`.
pub fn ignore(sig: i32) -> Result<(), Errno> {
    sigaction(sig, SIG_IGN, 0)
}

fn sigprocmask(how: usize, sig: i32) -> Result<(), Errno> {
    let mask: u64 = 1 << (check_signal(sig)? - 1);
    // SAFETY: reads the 8-byte mask, a live local.
    unsafe { raw(nr::RT_SIGPROCMASK, [how, &raw const mask as usize, 0, 8, 0, 0]) }.map(|_| ())
}

/// Blocks `sig` in the calling thread: it stays pending (or goes to
/// another thread, for a signal sent to the process) until unblocked.
/// New threads start with their creator's mask.
pub fn block(sig: i32) -> Result<(), Errno> {
    sigprocmask(0, sig) // SIG_BLOCK
}

/// Unblocks `sig` in the calling thread.
pub fn unblock(sig: i32) -> Result<(), Errno> {
    sigprocmask(1, sig) // SIG_UNBLOCK
}
