//! A per-CPU counter: adding is one rseq critical section on this CPU's
//! slot (no atomic instruction, no shared cache line); reading sums the
//! slots.

use core::sync::atomic::Ordering::Relaxed;

use super::slots::Slots;
use super::{cs, rseq_offset};

/// A counter split over the CPUs. `add` costs about as much as a plain
/// add to memory on a registered thread; [`sum`](Self::sum) reads every
/// slot, so it sees each `add` that finished before it started, and some
/// of those running meanwhile.
///
/// Each slot has two parts: the one the critical sections update on their
/// own CPU, and one the fallback path updates with an atomic add. They
/// never touch the same word, so registered and unregistered threads may
/// use one counter together, and the fallback is async-signal-safe.
pub struct Counter {
    slots: Slots,
}

impl Counter {
    /// A counter at 0 (one slot per possible CPU: an allocation of 128
    /// bytes per CPU).
    pub fn new() -> Counter {
        Counter { slots: Slots::new(0) }
    }

    /// As [`new`](Self::new), `None` when memory runs out.
    pub fn try_new() -> Option<Counter> {
        Some(Counter { slots: Slots::try_new(0)? })
    }

    /// Adds `n` (wrapping) on this CPU's slot. Returns the CPU whose slot
    /// it used.
    #[inline]
    pub fn add(&self, n: i64) -> u32 {
        let len = self.slots.len();
        // SAFETY: the slots' words are written only by these sections; the
        // offset is the area's.
        let cpu = unsafe { cs::add(rseq_offset(), self.slots.base(), len, n as u64) };
        if cpu < len {
            return cpu;
        }
        self.fallback_add(n)
    }

    /// The fallback path of [`add`](Self::add), whichever state the thread
    /// is in (for tests that mix both paths on one counter).
    #[doc(hidden)]
    #[cold]
    pub fn fallback_add(&self, n: i64) -> u32 {
        let cpu = super::fallback_slot(self.slots.len());
        self.slots.get(cpu).aux.fetch_add(n as u64, Relaxed);
        cpu
    }

    /// Adds 1.
    #[inline]
    pub fn increment(&self) -> u32 {
        self.add(1)
    }

    /// The total (wrapping).
    pub fn sum(&self) -> i64 {
        self.slots.iter().fold(0u64, |s, slot| s.wrapping_add(slot.word.load(Relaxed) as u64).wrapping_add(slot.aux.load(Relaxed))) as i64
    }

    /// What was added on `cpu`'s slot (0 for a CPU without one).
    pub fn on_cpu(&self, cpu: u32) -> i64 {
        if cpu >= self.slots.len() {
            return 0;
        }
        let slot = self.slots.get(cpu);
        (slot.word.load(Relaxed) as u64).wrapping_add(slot.aux.load(Relaxed)) as i64
    }

    /// The number of slots.
    pub fn slots(&self) -> u32 {
        self.slots.len()
    }
}

impl Default for Counter {
    fn default() -> Counter {
        Counter::new()
    }
}
