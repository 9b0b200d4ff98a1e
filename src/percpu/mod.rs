//! Per-CPU data on rseq(2): the current CPU from the thread's rseq area, and
//! per-CPU structures whose operations are rseq critical sections, with a
//! fallback for threads that are not registered.
//!
//! - [`cpu`], [`mm_cid`], [`node_id`]: the kernel's fields of this thread's
//!   area (`None` when not registered, or when the registered feature size
//!   does not cover the field); [`current_cpu`] always answers (getcpu
//!   when not registered).
//! - [`Counter`]: a per-CPU counter; `add` is one critical section.
//! - [`Words`]: one word per CPU; `compare_and_store` on this CPU's word.
//! - [`Stack`] / [`RawStack`]: a per-CPU linked stack (LIFO) of boxed or
//!   intrusive nodes; `push` and `pop` work on this CPU's list.
//!
//! The critical sections (src/arch/*/percpu.rs) read `cpu_id`, point the
//! area's `rseq_cs` at a descriptor in section `__rseq_cs`, check `cpu_id`
//! again inside the section and end with one store; if the thread is
//! preempted, migrated or signalled in between, the kernel sends it to the
//! abort handler (after the signature) and it starts over.
//!
//! Fallback, used when the thread is not registered (`cpu_id < 0`: in
//! PREINIT resolvers and constructors, with `CRT0_RSEQ=0`, under qemu-user
//! or a seccomp filter, in threads started by constructors) and for a CPU
//! beyond the last slot: the slot of the CPU that getcpu reports (the
//! vDSO's on x86_64, the system call on aarch64), updated atomically,
//! since threads on other CPUs may pick the same slot. A counter's
//! fallback adds to a second word of the slot with an atomic add, so it
//! never meets a critical section and stays async-signal-safe. `Words` and
//! `Stack` take the slot's lock instead and stop the critical sections
//! that may run on it (see `exclusive`); those fallbacks are not
//! async-signal-safe (a signal handler that uses the same slot while its
//! thread holds the lock would wait forever).
//!
//! Arrays have one slot per possible CPU ([`possible_cpus`]), 128 bytes
//! each.

mod counter;
mod cpus;
mod exclusive;
mod slots;
mod stack;
mod words;

#[cfg(not(any(test, all(panic = "unwind", not(doc)))))]
mod c_api;

pub use counter::Counter;
pub use cpus::{possible_cpus, MAX_CPUS};
pub use stack::{Link, Node, RawStack, Stack};
pub use words::Words;

use crate::arch::percpu as cs;
use crate::rseq;

/// Critical sections restarted (the abort handlers count them).
#[doc(hidden)]
pub static ABORTS: core::sync::atomic::AtomicU64 = core::sync::atomic::AtomicU64::new(0);

/// How many critical sections were restarted in this process: aborted by
/// the kernel (preemption, migration or a signal between start and
/// commit), or found on another CPU at their start. A measure of how often
/// that happens, for tests and statistics.
pub fn aborts() -> u64 {
    ABORTS.load(core::sync::atomic::Ordering::Relaxed)
}

/// `__rseq_offset`, read as plain memory so that the compiler may keep it
/// in a register across a loop.
#[inline(always)]
fn rseq_offset() -> isize {
    // SAFETY: written once in start-up's phase 2, before any code that can
    // reach this runs, and only read afterwards.
    unsafe { *rseq::__rseq_offset.as_ptr() }
}

/// This thread's raw `cpu_id`: negative when not registered.
#[inline(always)]
fn cpu_id() -> i32 {
    // SAFETY: code outside crt0's own start-up runs after the thread
    // pointer is set, and the offset is the area's.
    unsafe { cs::cpu_id(rseq_offset()) }
}

/// The CPU this thread runs on, from its rseq area: one load. `None` when
/// the thread is not registered (see the module's description).
#[inline(always)]
pub fn cpu() -> Option<u32> {
    let c = cpu_id();
    (c >= 0).then_some(c as u32)
}

/// The CPU this thread runs on: [`cpu`], else getcpu (the vDSO's on
/// x86_64, the system call on aarch64).
#[inline]
pub fn current_cpu() -> u32 {
    cpu().unwrap_or_else(getcpu)
}

/// The CPU from getcpu, as threads that are not registered find it: the
/// vDSO's getcpu on x86_64, the getcpu(2) system call on aarch64 (whose
/// vDSO has none); 0 if that fails.
pub fn getcpu() -> u32 {
    cpus::getcpu()
}

/// A field of this thread's area that only a registered feature size of at
/// least `end` bytes covers.
#[inline]
fn extended_field(offset: usize, end: u32) -> Option<u32> {
    use core::sync::atomic::Ordering::Relaxed;
    if rseq::__rseq_size.load(Relaxed) < end || cpu_id() < 0 {
        return None;
    }
    let area = crate::arch::thread_pointer().wrapping_offset(rseq_offset());
    // SAFETY: the registered area covers `end` bytes; the kernel writes
    // the field on every return to user space, hence the volatile read.
    Some(unsafe { area.add(offset).cast::<u32>().read_volatile() })
}

/// The NUMA node of this thread's CPU (`node_id`, Linux 6.3+: a
/// registered feature size of at least 24).
#[inline]
pub fn node_id() -> Option<u32> {
    extended_field(20, 24)
}

/// This thread's memory-map concurrency ID (`mm_cid`, Linux 6.3+: feature
/// size 28): a small number, unique among the process's running threads
/// and below both its thread count and the number of possible CPUs, for
/// indexing arrays more compact than one slot per CPU.
#[inline]
pub fn mm_cid() -> Option<u32> {
    extended_field(24, 28)
}

/// The slot a fallback path uses: this CPU's, wrapped into the array.
fn fallback_slot(n: u32) -> u32 {
    current_cpu() % n
}
