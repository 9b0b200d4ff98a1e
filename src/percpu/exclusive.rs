//! How a fallback path gets a `Words` or `Stack` slot to itself.
//!
//! Critical sections update a slot with plain loads and one plain store:
//! atomic against everything on their own CPU, not against another CPU. So
//! a path that may run anywhere (a thread that is not registered, or one
//! whose CPU has no slot) first takes the slot's lock. Sections check the
//! lock and leave it to the fallback while it is held. That leaves the
//! sections which checked the lock just before it was taken: after taking
//! it, the fallback runs membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ)
//! on that slot's CPU, which aborts any section in progress there and
//! makes the lock visible to every later one (Linux 5.10+). It is skipped
//! when no area of crt0's can be registered: `CRT0_RSEQ=0`, or crt0's
//! registration failed (qemu-user, seccomp), as then no section ever runs.

use core::sync::atomic::{AtomicU32, Ordering};

use super::slots::Slot;
use crate::syscall::nr;
use crate::fatal;
use crate::rseq::{self, owner};
use crate::syscall::raw;

use linux_raw_sys::general::{membarrier_cmd, membarrier_cmd_flag};
const MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ: usize = membarrier_cmd::MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ as usize;
const MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ: usize =
    membarrier_cmd::MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ as usize;
const MEMBARRIER_CMD_FLAG_CPU: usize = membarrier_cmd_flag::MEMBARRIER_CMD_FLAG_CPU as usize;

/// The slot's lock, held until dropped.
pub struct Exclusive<'a>(&'a AtomicU32);

impl Drop for Exclusive<'_> {
    fn drop(&mut self) {
        self.0.store(0, Ordering::Release);
    }
}

/// Takes slot `cpu`'s lock and stops every critical section on it.
pub fn exclusive(slot: &Slot, cpu: u32) -> Exclusive<'_> {
    let mut spins = 0u32;
    loop {
        // Read before trying, so that waiters do not keep taking the line.
        if slot.lock.load(Ordering::Relaxed) == 0
            && slot.lock.compare_exchange_weak(0, 1, Ordering::Acquire, Ordering::Relaxed).is_ok()
        {
            break;
        }
        spins += 1;
        if spins < 64 {
            core::hint::spin_loop();
        } else {
            // The holder may be preempted on this very CPU: let it run.
            // SAFETY: sched_yield takes no argument.
            let _ = unsafe { raw(nr::SCHED_YIELD, [0; 6]) };
        }
    }
    let guard = Exclusive(&slot.lock);
    // membarrier is itself a full barrier for every thread of the process,
    // so the lock is visible to each section that starts after it; where
    // it is skipped, no thread can run a section at all.
    if sections_may_run() {
        abort_sections_on(cpu);
    }
    guard
}

/// Whether any thread may be registered with crt0's area now or later.
/// UNSET once start-up is over means `CRT0_RSEQ=0`: crt0 never registers.
/// LIBC with a failed registration: no thread registers afterwards, and
/// threads started before (in PREINIT) never do. PREINIT: the main thread
/// registers soon. OVERRIDE: the owner's areas might be crt0's.
fn sections_may_run() -> bool {
    match owner::get() {
        owner::UNSET => false,
        owner::LIBC => rseq::last_errno() == 0,
        _ => true,
    }
}

/// 0: not registered for membarrier yet; 1: registered; 2: unavailable.
static STATE: AtomicU32 = AtomicU32::new(0);

fn membarrier(cmd: usize, flags: usize, cpu: u32) -> bool {
    // SAFETY: membarrier takes integers only.
    unsafe { raw(nr::MEMBARRIER, [cmd, flags, cpu as usize, 0, 0, 0]) }.is_ok()
}

/// Aborts the critical sections running on `cpu` (each thread of the
/// process passes a full barrier). Without membarrier's rseq command
/// (before Linux 5.10) that cannot be done: fatal if crt0 registered,
/// since then sections may really be running; ignored otherwise.
fn abort_sections_on(cpu: u32) {
    if STATE.load(Ordering::Acquire) == 0 {
        let ok = membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ, 0, 0);
        STATE.store(if ok { 1 } else { 2 }, Ordering::Release);
    }
    let done = STATE.load(Ordering::Acquire) == 1
        && (membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ, MEMBARRIER_CMD_FLAG_CPU, cpu)
            || membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ, 0, 0));
    if !done && rseq::registered_len() != 0 {
        fatal::die("per-CPU fallback next to registered threads needs membarrier(2) with rseq (Linux 5.10+)");
    }
}
