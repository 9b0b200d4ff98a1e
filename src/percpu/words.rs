//! One word per CPU, changed by compare-and-store on the current CPU's
//! word: a critical section on a registered thread, an atomic
//! compare-exchange under the slot's lock otherwise.

use core::sync::atomic::Ordering::{AcqRel, Acquire};

use super::exclusive::exclusive;
use super::slots::Slots;
use super::{cs, rseq_offset};

/// A word per CPU. Only [`compare_and_store`](Self::compare_and_store)
/// changes them, so a thread can read this CPU's word, compute a new
/// value and store it only if nothing changed in between, as a
/// compare-and-swap does, but without an atomic instruction.
pub struct Words {
    slots: Slots,
}

impl Words {
    /// A word per possible CPU, each `init`.
    pub fn new(init: usize) -> Words {
        Words { slots: Slots::new(init) }
    }

    /// As [`new`](Self::new), `None` when memory runs out.
    pub fn try_new(init: usize) -> Option<Words> {
        Some(Words { slots: Slots::try_new(init)? })
    }

    /// On this CPU's word: if it equals `expected`, stores `new` and
    /// returns `Ok(cpu)`; otherwise returns `Err((cpu, word))`, the word
    /// found. A store is a release: what the thread wrote before it is
    /// visible to a thread that reads the new word with [`load`](Self::load).
    #[inline]
    pub fn compare_and_store(&self, expected: usize, new: usize) -> Result<u32, (u32, usize)> {
        let len = self.slots.len();
        // SAFETY: other writers of the words take the slot's lock; the
        // offset is the area's.
        let (cpu, seen) = unsafe { cs::compare_store(rseq_offset(), self.slots.base(), len, expected, new) };
        if cpu >= len {
            return self.fallback_compare_and_store(expected, new);
        }
        if seen == expected { Ok(cpu) } else { Err((cpu, seen)) }
    }

    /// The fallback path of [`compare_and_store`](Self::compare_and_store),
    /// whichever state the thread is in (for tests).
    #[doc(hidden)]
    #[cold]
    pub fn fallback_compare_and_store(&self, expected: usize, new: usize) -> Result<u32, (u32, usize)> {
        let cpu = super::fallback_slot(self.slots.len());
        let slot = self.slots.get(cpu);
        let _own = exclusive(slot, cpu);
        slot.word.compare_exchange(expected, new, AcqRel, Acquire).map(|_| cpu).map_err(|seen| (cpu, seen))
    }

    /// This CPU's word, and the CPU: what to pass as `expected`.
    #[inline]
    pub fn current(&self) -> (u32, usize) {
        let cpu = super::current_cpu() % self.slots.len();
        (cpu, self.load(cpu))
    }

    /// `cpu`'s word (acquire). Panics if `cpu` has no slot.
    pub fn load(&self, cpu: u32) -> usize {
        self.slots.get(cpu).word.load(Acquire)
    }

    /// Every word, in CPU order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.slots.iter().map(|s| s.word.load(Acquire))
    }

    /// The number of words (possible CPUs).
    pub fn len(&self) -> u32 {
        self.slots.len()
    }

    /// Never true: there is at least one CPU.
    pub fn is_empty(&self) -> bool {
        false
    }
}
