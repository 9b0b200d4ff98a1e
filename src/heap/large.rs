//! Large blocks: each is a mapping of its own, given back with munmap, and
//! grown or shrunk with mremap (which moves pages instead of copying bytes).
//!
//! System calls and first touches of fresh pages are what large blocks
//! cost (here a mmap + munmap pair takes about 5 µs, a page fault about
//! 2 µs, against tens of nanoseconds for a cached block), so freed mappings
//! wait in a small cache for the next request of the same length, most
//! recently freed first (its pages are still in memory). The cache is
//! bounded: at most [`PER_CLASS`] mappings of each length, and in bytes a
//! quarter of the large memory in use (at least [`CACHE_MIN_BYTES`]); a
//! mapping that does not fit goes back to the kernel at once. Lengths are
//! rounded like the size classes (four per doubling) up to
//! [`CACHED_MAX`], so that freed mappings fit later requests; the rounding
//! costs address space only, as the pages past what the program asked for
//! are never touched.

use core::ptr;

use super::block::{self, ALIGNED, LARGE};
use super::classes::round_geometric;
use super::os::{round_up, Os};

/// Mappings of this length or less are rounded and may be cached.
pub const CACHED_MAX: usize = 32 << 20;
/// Cached mappings of any one length.
const PER_CLASS: usize = 16;
/// The cache may always hold this many bytes.
const CACHE_MIN_BYTES: usize = 2 << 20;
/// Length classes: four per doubling from 128 KiB to [`CACHED_MAX`], both included.
const CLASSES: usize = 4 * 8 + 1;
const FIRST_CLASS_LEN: usize = 128 << 10;

/// The length class of a rounded mapping length, if it is cached at all.
fn class_of_len(len: usize) -> Option<usize> {
    if !(FIRST_CLASS_LEN..=CACHED_MAX).contains(&len) || round_geometric(len) != Some(len) {
        return None;
    }
    let b = (usize::BITS - 1 - (len - 1).leading_zeros()) as usize;
    let quarter = ((len - 1) >> (b - 2)) - 4;
    // 128 KiB itself is the last quarter of the doubling below it.
    let i = 4 * b + quarter;
    let first = 4 * 16 + 3;
    i.checked_sub(first).filter(|&c| c < CLASSES)
}

/// Large blocks and the cache of freed mappings.
pub struct Large {
    /// Cached mappings of each length class, linked through their first word.
    cached: [*mut u8; CLASSES],
    counts: [u8; CLASSES],
    cached_bytes: usize,
    /// Bytes of large blocks in use.
    live_bytes: usize,
}

// SAFETY: the pointers are to mappings the heap owns; its lock serialises access.
unsafe impl Send for Large {}

/// The mapping length for a payload of `n` bytes placed `offset` bytes into
/// it: rounded to a length class when cached, else to the page size.
fn mapping_len(offset: usize, n: usize, page: usize) -> Option<usize> {
    let need = round_up(offset.checked_add(n)?, page)?;
    if need <= CACHED_MAX {
        round_up(round_geometric(need.max(FIRST_CLASS_LEN))?, page)
    } else {
        Some(need)
    }
}

impl Large {
    pub const fn new() -> Large {
        Large { cached: [ptr::null_mut(); CLASSES], counts: [0; CLASSES], cached_bytes: 0, live_bytes: 0 }
    }

    /// A large block of `n` bytes (16-aligned), and whether its memory is
    /// fresh from the kernel (so already zero). With `zeroed`, always fresh:
    /// clearing a cached mapping would touch every page of it, where the
    /// kernel's zero pages cost only the pages the program touches.
    pub fn alloc(&mut self, os: &mut impl Os, n: usize, zeroed: bool) -> Option<(*mut u8, bool)> {
        let len = mapping_len(16, n, os.page_size())?;
        let cached = if zeroed { None } else { self.take_cached(len) };
        let (map, fresh) = match cached {
            Some(m) => (m, false),
            None => (os.map(len)?, true),
        };
        self.live_bytes += len;
        // SAFETY: the mapping is ours and at least 16 + n bytes long.
        unsafe { Some((Self::place(map, 16, len, 0), fresh)) }
    }

    /// A large block of `n` bytes aligned to `align` (a power of two above
    /// 16), cut out of a larger mapping whose unused front and back pages
    /// go back to the kernel at once.
    pub fn alloc_aligned(&mut self, os: &mut impl Os, n: usize, align: usize) -> Option<*mut u8> {
        let page = os.page_size();
        let total = round_up(n.checked_add(align)?.checked_add(16)?, page)?;
        let map = os.map(total)? as usize;
        let payload = round_up(map + 16, align)?;
        // The first page the block keeps holds its prefix and header.
        let start = (payload - 16) & !(page - 1);
        let end = round_up(payload + n, page)?;
        // SAFETY: both pieces are whole pages of the fresh mapping that the
        // block does not use.
        unsafe {
            if start > map {
                os.unmap(map as *mut u8, start - map);
            }
            if map + total > end {
                os.unmap(end as *mut u8, map + total - end);
            }
        }
        self.live_bytes += end - start;
        // SAFETY: [start, end) is the block's mapping; the payload sits in it.
        unsafe { Some(Self::place(start as *mut u8, payload - start, end - start, ALIGNED)) }
    }

    /// Writes the prefix and header of the block at `offset` into `map`.
    ///
    /// # Safety
    /// `map` must be a mapping of `len` bytes, `offset` >= 16 and 16-aligned.
    unsafe fn place(map: *mut u8, offset: usize, len: usize, flags: usize) -> *mut u8 {
        // SAFETY: per the caller.
        unsafe {
            let p = map.add(offset);
            block::prefix(p).write(map as usize);
            block::header(p).write(len | LARGE | flags);
            p
        }
    }

    fn take_cached(&mut self, len: usize) -> Option<*mut u8> {
        let c = class_of_len(len)?;
        let m = self.cached[c];
        if m.is_null() {
            return None;
        }
        // SAFETY: cached mappings hold the next one in their first word.
        self.cached[c] = unsafe { m.cast::<*mut u8>().read() };
        self.counts[c] -= 1;
        self.cached_bytes -= len;
        Some(m)
    }

    /// The mapping and length of the large block at `p`.
    ///
    /// # Safety
    /// `p` must be a large block's payload.
    unsafe fn mapping(p: *mut u8) -> (*mut u8, usize, usize) {
        // SAFETY: per the caller.
        unsafe {
            let h = *block::header(p);
            (*block::prefix(p) as *mut u8, block::size_of_block(h), h)
        }
    }

    /// Bytes usable at `p`, a large block's payload.
    ///
    /// # Safety
    /// As [`Large::free`].
    pub unsafe fn usable(p: *mut u8) -> usize {
        // SAFETY: per the caller.
        let (map, len, _) = unsafe { Self::mapping(p) };
        map as usize + len - p as usize
    }

    /// Frees the large block at `p`: into the cache, or back to the kernel.
    ///
    /// # Safety
    /// `p` must be a live large block's payload, not used afterwards.
    pub unsafe fn free(&mut self, os: &mut impl Os, p: *mut u8) {
        // SAFETY: per the caller.
        let (map, len, h) = unsafe { Self::mapping(p) };
        self.live_bytes -= len;
        let budget = (self.live_bytes / 8).max(CACHE_MIN_BYTES);
        if h & ALIGNED == 0 && self.cached_bytes + len <= budget {
            if let Some(c) = class_of_len(len) {
                if (self.counts[c] as usize) < PER_CLASS {
                    // SAFETY: the mapping is free; its first word links the cache.
                    unsafe { map.cast::<*mut u8>().write(self.cached[c]) };
                    self.cached[c] = map;
                    self.counts[c] += 1;
                    self.cached_bytes += len;
                    return;
                }
            }
        }
        // SAFETY: per the caller, nothing uses the mapping any more.
        unsafe { os.unmap(map, len) };
    }

    /// Resizes the large block at `p` to hold `n` bytes, in place or by
    /// moving its mapping; `None` (the block untouched) if the kernel
    /// refuses. A block that would shrink to less than half its mapping
    /// gives the rest back; one that shrinks less stays as it is.
    ///
    /// # Safety
    /// `p` must be a live large block's payload; on success only the
    /// returned pointer may be used.
    pub unsafe fn realloc(&mut self, os: &mut impl Os, p: *mut u8, n: usize) -> Option<*mut u8> {
        // SAFETY: per the caller.
        let (map, len, h) = unsafe { Self::mapping(p) };
        let offset = p as usize - map as usize;
        let new_len = mapping_len(offset, n, os.page_size())?;
        if new_len <= len && new_len >= len / 2 {
            return Some(p);
        }
        // SAFETY: the whole mapping is this block's and moves as one.
        let new_map = unsafe { os.remap(map, len, new_len)? };
        self.live_bytes = self.live_bytes - len + new_len;
        // SAFETY: the block keeps its offset in the resized mapping.
        unsafe { Some(Self::place(new_map, offset, new_len, h & ALIGNED)) }
    }

    /// Gives every cached mapping back to the kernel.
    pub fn trim(&mut self, os: &mut impl Os) {
        for c in 0..CLASSES {
            while let Some(len) = self.first_len(c) {
                let m = self.take_cached(len).expect("a cached mapping");
                // SAFETY: cached mappings are unused.
                unsafe { os.unmap(m, len) };
            }
        }
    }

    fn first_len(&self, c: usize) -> Option<usize> {
        if self.cached[c].is_null() {
            return None;
        }
        let first = 4 * 16 + 3 + c;
        let (b, quarter) = (first / 4, first % 4);
        Some((1 << b) + (quarter + 1) * (1 << (b - 2)))
    }

    #[cfg(test)]
    pub fn cached_bytes(&self) -> usize {
        self.cached_bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::heap::os::fake::FakeOs;

    #[test]
    fn length_classes_cover_the_cached_range() {
        assert_eq!(class_of_len(128 << 10), Some(0));
        assert_eq!(class_of_len(160 << 10), Some(1));
        assert_eq!(class_of_len(CACHED_MAX), Some(CLASSES - 1));
        assert_eq!(class_of_len(CACHED_MAX + (8 << 20)), None);
        assert_eq!(class_of_len(100 << 10), None);
        for c in 0..CLASSES {
            let first = 4 * 16 + 3 + c;
            let len = (1usize << (first / 4)) + (first % 4 + 1) * (1 << (first / 4 - 2));
            assert_eq!(class_of_len(len), Some(c), "{len}");
        }
    }

    #[test]
    fn freed_mappings_are_reused_and_trimmed() {
        let mut os = FakeOs::new(0);
        let mut l = Large::new();
        let (p, fresh) = l.alloc(&mut os, 300 << 10, false).unwrap();
        assert!(fresh && (p as usize).is_multiple_of(16));
        // SAFETY: a live large block, freed once.
        unsafe {
            assert!(Large::usable(p) >= 300 << 10);
            p.write_bytes(7, 300 << 10);
            l.free(&mut os, p);
        }
        assert_eq!(os.unmaps, 0);
        let (q, fresh) = l.alloc(&mut os, 290 << 10, false).unwrap();
        assert!(!fresh && q == p, "same length class, the cached mapping");
        // SAFETY: as above.
        unsafe { l.free(&mut os, q) };
        l.trim(&mut os);
        assert_eq!(os.mapped_bytes(), 0);
        assert_eq!(l.cached_bytes(), 0);
    }

    #[test]
    fn realloc_moves_pages_and_keeps_contents() {
        let mut os = FakeOs::new(0);
        let mut l = Large::new();
        let (p, _) = l.alloc(&mut os, 200 << 10, false).unwrap();
        // SAFETY: a live block of 200 KiB, then of what realloc returned.
        unsafe {
            for i in 0..(200 << 10) {
                *p.add(i) = i as u8;
            }
            let q = l.realloc(&mut os, p, 3 << 20).unwrap();
            assert!(Large::usable(q) >= 3 << 20);
            assert!((0..(200 << 10)).all(|i| *q.add(i) == i as u8));
            let r = l.realloc(&mut os, q, 2 << 20).unwrap();
            assert_eq!(r, q, "shrinking by less than half stays in place");
            let s = l.realloc(&mut os, r, 150 << 10).unwrap();
            assert!((0..(150 << 10)).all(|i| *s.add(i) == i as u8));
            l.free(&mut os, s);
        }
        l.trim(&mut os);
        assert_eq!(os.mapped_bytes(), 0);
    }

    #[test]
    fn aligned_blocks_keep_only_the_pages_they_use() {
        let mut os = FakeOs::new(0);
        let mut l = Large::new();
        for align in [32, 4096, 64 << 10, 1 << 20] {
            let p = l.alloc_aligned(&mut os, 200 << 10, align).unwrap();
            assert_eq!(p as usize % align, 0);
            // SAFETY: a live block, freed once.
            unsafe {
                assert!(Large::usable(p) >= 200 << 10);
                assert!(os.mapped_bytes() <= (200 << 10) + 2 * 4096 + 4096);
                p.write_bytes(1, 200 << 10);
                l.free(&mut os, p);
            }
            assert_eq!(os.mapped_bytes(), 0, "aligned blocks are not cached");
        }
    }
}
