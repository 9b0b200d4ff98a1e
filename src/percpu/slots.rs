//! The memory behind every per-CPU structure: one slot per possible CPU,
//! each on cache lines of its own, so that CPUs never write the same line.

use alloc::alloc::{alloc_zeroed, dealloc, handle_alloc_error};
use core::alloc::Layout;
use core::ptr::NonNull;
use core::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize};

use super::cpus;
use crate::arch::percpu::SLOT_SHIFT;

/// One CPU's slot. The critical sections (src/arch/*/percpu.rs) know the
/// offsets: the word at 0, the lock at 16.
#[repr(C, align(128))]
pub struct Slot {
    /// The value: a counter's rseq part, a `Words` word, a stack's head.
    pub word: AtomicUsize,
    /// A counter's fallback part (only atomic read-modify-writes touch it).
    pub aux: AtomicU64,
    /// Non-zero while a fallback path owns the slot (see `exclusive`).
    pub lock: AtomicU32,
}

const _: () = assert!(core::mem::size_of::<Slot>() == 1 << SLOT_SHIFT);
const _: () = assert!(core::mem::offset_of!(Slot, lock) == 16);

/// `n` slots, one per possible CPU, freed on drop.
pub struct Slots {
    ptr: NonNull<Slot>,
    n: u32,
}

// SAFETY: every field of a slot is atomic; the allocation is owned.
unsafe impl Send for Slots {}
// SAFETY: as above: shared access goes through atomics or critical sections.
unsafe impl Sync for Slots {}

impl Slots {
    /// One zeroed slot per possible CPU, each word set to `word`; ends
    /// the program as any failed allocation does when memory runs out.
    pub fn new(word: usize) -> Slots {
        Self::try_new(word).unwrap_or_else(|| handle_alloc_error(Self::layout(cpus::possible_cpus())))
    }

    /// As [`new`](Self::new), `None` when memory runs out.
    pub fn try_new(word: usize) -> Option<Slots> {
        let n = cpus::possible_cpus();
        // SAFETY: the layout has a non-zero size (n >= 1).
        let ptr = NonNull::new(unsafe { alloc_zeroed(Self::layout(n)) }.cast::<Slot>())?;
        let slots = Slots { ptr, n };
        if word != 0 {
            for i in 0..n {
                slots.get(i).word.store(word, core::sync::atomic::Ordering::Relaxed);
            }
        }
        Some(slots)
    }

    fn layout(n: u32) -> Layout {
        // Cannot fail: n <= cpus::MAX_CPUS, so the size is at most 512 KiB.
        Layout::array::<Slot>(n as usize).expect("per-CPU array size")
    }

    /// The number of slots.
    #[inline(always)]
    pub fn len(&self) -> u32 {
        self.n
    }

    /// The first slot, for the critical sections.
    #[inline(always)]
    pub fn base(&self) -> *mut u8 {
        self.ptr.as_ptr().cast()
    }

    /// Slot `i`; `i` must be below [`len`](Self::len).
    #[inline(always)]
    pub fn get(&self, i: u32) -> &Slot {
        assert!(i < self.n, "per-CPU slot out of range");
        // SAFETY: in range; the slots live as long as `self`.
        unsafe { &*self.ptr.as_ptr().add(i as usize) }
    }

    /// Every slot, in CPU order.
    pub fn iter(&self) -> impl Iterator<Item = &Slot> + '_ {
        (0..self.n).map(move |i| self.get(i))
    }
}

impl Drop for Slots {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with this layout.
        unsafe { dealloc(self.ptr.as_ptr().cast(), Self::layout(self.n)) }
    }
}
