//! A thread's cache of free blocks, one bin per size class: malloc pops a
//! block of its class and free pushes one, with no lock and no atomic
//! instruction, as only the owning thread touches its cache. A bin that
//! runs empty is refilled with a batch from the central heap, and one that
//! runs full gives half of its blocks back, each time under the heap's
//! lock once for the whole batch.

use core::ptr;

use super::block::{self, FREE};
use super::classes::{cache_limit, CLASS_COUNT};

/// Per class: how many blocks a bin holds at most.
const LIMITS: [u8; CLASS_COUNT] = {
    let mut l = [0u8; CLASS_COUNT];
    let mut c = 0;
    while c < CLASS_COUNT {
        l[c] = cache_limit(c) as u8;
        c += 1;
    }
    l
};

/// How many blocks to fetch or give back at once: half a bin.
#[inline]
pub fn batch(class: usize) -> usize {
    (LIMITS[class] as usize).div_ceil(2)
}

/// Free blocks of one class, linked through their payloads' first word;
/// every one has `FREE` set in its header.
#[derive(Clone, Copy)]
#[repr(C)]
pub struct Bin {
    head: *mut u8,
    count: usize,
}

impl Bin {
    pub const fn empty() -> Bin {
        Bin { head: ptr::null_mut(), count: 0 }
    }

    /// Adds the free block `p` (its header already marked `FREE`).
    ///
    /// # Safety
    /// `p` must be a free block of this bin's class, in no other list.
    #[inline(always)]
    pub unsafe fn push(&mut self, p: *mut u8) {
        // SAFETY: per the caller, the payload is free for the link.
        unsafe { p.cast::<*mut u8>().write(self.head) };
        self.head = p;
        self.count += 1;
    }

    /// Removes a block, still marked `FREE`.
    #[inline(always)]
    pub fn pop(&mut self) -> Option<*mut u8> {
        let p = self.head;
        if p.is_null() {
            return None;
        }
        // SAFETY: blocks in a bin hold the next one in their first word.
        self.head = unsafe { p.cast::<*mut u8>().read() };
        self.count -= 1;
        Some(p)
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.count
    }
}

/// One thread's bins.
#[repr(C)]
pub struct ThreadCache {
    bins: [Bin; CLASS_COUNT],
}

impl ThreadCache {
    pub const fn new() -> ThreadCache {
        ThreadCache { bins: [Bin::empty(); CLASS_COUNT] }
    }

    /// A block of `class`, ready for the program, if the bin has one.
    #[inline(always)]
    pub fn pop(&mut self, class: usize) -> Option<*mut u8> {
        let p = self.bins[class].pop()?;
        // SAFETY: blocks in a bin are this heap's, with a header.
        unsafe { *block::header(p) &= !FREE };
        Some(p)
    }

    /// Keeps the block `p` of `class`, whose header reads `h`, unless the
    /// bin is full (false: then the caller makes room first).
    ///
    /// # Safety
    /// `p` must be a block of `class` that the program no longer uses, with
    /// header `h` (not `FREE`).
    #[inline(always)]
    pub unsafe fn push(&mut self, class: usize, p: *mut u8, h: usize) -> bool {
        let bin = &mut self.bins[class];
        if bin.count >= LIMITS[class] as usize {
            return false;
        }
        // SAFETY: per the caller.
        unsafe {
            *block::header(p) = h | FREE;
            bin.push(p);
        }
        true
    }

    /// The bin of `class`, for refilling and flushing.
    #[inline]
    pub fn bin(&mut self, class: usize) -> &mut Bin {
        &mut self.bins[class]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_are_lifo_and_bounded() {
        let mut cache = ThreadCache::new();
        // Fake blocks: a header word and a payload word each.
        let mut mem = vec![[0usize; 2]; 80];
        let class = 0;
        let limit = LIMITS[class] as usize;
        let mut kept = 0;
        for m in mem.iter_mut() {
            let p = m[1..].as_mut_ptr().cast::<u8>();
            // SAFETY: each fake block is pushed once.
            if unsafe { cache.push(class, p, 0x1000) } {
                kept += 1;
                assert_eq!(m[0], 0x1000 | FREE);
            }
        }
        assert_eq!(kept, limit.min(80));
        assert_eq!(cache.bin(class).len(), kept);
        let last = mem[kept - 1][1..].as_mut_ptr().cast::<u8>();
        assert_eq!(cache.pop(class), Some(last));
        assert_eq!(mem[kept - 1][0], 0x1000, "FREE cleared");
        assert!(batch(class) * 2 >= limit);
    }
}
