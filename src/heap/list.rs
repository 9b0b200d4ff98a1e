//! The list: `linked_list_allocator`'s first-fit list of free holes, which
//! coalesces a freed block with the free neighbours on both sides, over a
//! heap that grows contiguously with brk. When the break cannot grow (some
//! mapping sits right above it, or a limit says no), more memory comes as
//! mapped regions, each with a list of its own, and a region goes back to
//! the kernel as soon as nothing in it is in use. Spans and medium blocks
//! come from here; the thread caches and the spans in front of the list
//! keep most requests from walking it.

use core::alloc::Layout;
use core::ptr::{self, NonNull};

use linked_list_allocator::Heap as HoleList;

use super::os::{round_up, Os};

/// The break grows by at least this much (or an eighth of the heap): few
/// brk calls, and pages the program never touches cost nothing.
const BRK_STEP: usize = 1 << 20;
/// The size of a mapped region when brk cannot grow.
const REGION_STEP: usize = 4 << 20;
/// Leaves room in the holes for an alignment's padding and the list's own
/// minimum hole.
const SLACK: usize = 64;

/// A mapped region: this header at its start, the rest for its list.
#[repr(C, align(64))]
struct Region {
    holes: HoleList,
    next: *mut Region,
    /// The whole mapping, header included.
    len: usize,
}

const REGION_HEADER: usize = core::mem::size_of::<Region>();

/// The medium-block list, over the break and any regions.
pub struct List {
    /// The brk heap: `[base, end)` once it exists (`end` 0 before).
    holes: HoleList,
    base: usize,
    end: usize,
    /// Set when the break could not grow: from then on, regions.
    brk_refused: bool,
    regions: *mut Region,
}

// SAFETY: the raw pointers are to memory the list owns; the heap's lock
// serialises every access.
unsafe impl Send for List {}

impl List {
    pub const fn new() -> List {
        List { holes: HoleList::empty(), base: 0, end: 0, brk_refused: false, regions: ptr::null_mut() }
    }

    /// A block of `size` bytes aligned to `align` (both multiples of 16,
    /// `align` a power of two), or `None` when the kernel has no more memory.
    pub fn alloc(&mut self, os: &mut impl Os, size: usize, align: usize) -> Option<NonNull<u8>> {
        let layout = Layout::from_size_align(size, align).ok()?;
        if let Some(p) = self.alloc_in_place(layout) {
            return Some(p);
        }
        let need = size.checked_add(align)?.checked_add(SLACK)?;
        if self.grow_brk(os, need) {
            if let Ok(p) = self.holes.allocate_first_fit(layout) {
                return Some(p);
            }
        }
        let region = self.add_region(os, need)?;
        // SAFETY: a region just set up.
        unsafe { (*region).holes.allocate_first_fit(layout).ok() }
    }

    fn alloc_in_place(&mut self, layout: Layout) -> Option<NonNull<u8>> {
        if self.end != 0 {
            if let Ok(p) = self.holes.allocate_first_fit(layout) {
                return Some(p);
            }
        }
        let mut r = self.regions;
        while !r.is_null() {
            // SAFETY: regions on the list are live.
            unsafe {
                if let Ok(p) = (*r).holes.allocate_first_fit(layout) {
                    return Some(p);
                }
                r = (*r).next;
            }
        }
        None
    }

    /// Grows the brk heap by at least `need` bytes; false if the break is
    /// not ours to grow.
    fn grow_brk(&mut self, os: &mut impl Os, need: usize) -> bool {
        if self.brk_refused {
            return false;
        }
        let start = if self.end == 0 {
            let Some(base) = round_up(os.brk(0), 16) else { return false };
            base
        } else {
            self.end
        };
        let step = need.max(BRK_STEP).max((self.end - self.base) / 8);
        let Some(new_end) = round_up(start.saturating_add(step), 4096) else { return false };
        if start == 0 || new_end <= start || os.brk(new_end) < new_end {
            self.brk_refused = true;
            return false;
        }
        if self.end == 0 {
            self.base = start;
            // SAFETY: [start, new_end) is fresh heap memory that only the list uses.
            unsafe { self.holes.init(start as *mut u8, new_end - start) };
        } else {
            // SAFETY: the break just moved from `end` to `new_end`, right above the list's memory.
            unsafe { self.holes.extend(new_end - start) };
        }
        self.end = new_end;
        true
    }

    /// Gives the brk heap, now wholly free, back to the kernel but for its
    /// first [`BRK_STEP`] bytes.
    fn shrink_brk(&mut self, os: &mut impl Os) {
        let keep = self.base + BRK_STEP;
        if os.brk(keep) != keep {
            return;
        }
        // SAFETY: nothing in the heap is in use, so starting its list over
        // on the part that stays loses nothing.
        unsafe { self.holes.init(self.base as *mut u8, BRK_STEP) };
        self.end = keep;
    }

    /// Maps a region for at least `need` bytes of blocks.
    fn add_region(&mut self, os: &mut impl Os, need: usize) -> Option<*mut Region> {
        let len = round_up(need.checked_add(REGION_HEADER)?.max(REGION_STEP), os.page_size())?;
        let at = os.map(len)?;
        let region = at.cast::<Region>();
        // SAFETY: a fresh mapping of `len` bytes, page-aligned: the header
        // fits at its start and the list gets the rest.
        unsafe {
            region.write(Region { holes: HoleList::empty(), next: self.regions, len });
            (*region).holes.init(at.add(REGION_HEADER), len - REGION_HEADER);
        }
        self.regions = region;
        Some(region)
    }

    /// Gives back the `size` bytes at `p`: a whole block from [`List::alloc`],
    /// or the front or back of one (a multiple of 16 bytes, at least 16).
    ///
    /// # Safety
    /// `p` and `size` must describe memory the list handed out that is no
    /// longer used.
    pub unsafe fn free(&mut self, os: &mut impl Os, p: NonNull<u8>, size: usize) {
        let a = p.as_ptr() as usize;
        // Only ever called with sizes that make a valid layout.
        let Ok(layout) = Layout::from_size_align(size, 16) else { return };
        if a >= self.base && a < self.end {
            // SAFETY: per the caller, a block of the brk heap.
            unsafe { self.holes.deallocate(p, layout) };
            if self.holes.used() == 0 && self.end - self.base > 2 * BRK_STEP {
                self.shrink_brk(os);
            }
            return;
        }
        let mut link: *mut *mut Region = &mut self.regions;
        // SAFETY: the regions on the list are live; per the caller, the
        // block lies in one of them.
        unsafe {
            while !(*link).is_null() {
                let r = *link;
                if a >= r as usize && a < r as usize + (*r).len {
                    (*r).holes.deallocate(p, layout);
                    if (*r).holes.used() == 0 {
                        *link = (*r).next;
                        os.unmap(r.cast(), (*r).len);
                    }
                    return;
                }
                link = &mut (*r).next;
            }
        }
    }

    /// Bytes handed out, and bytes the list holds in all (brk heap and regions).
    #[cfg(test)]
    pub fn usage(&self) -> (usize, usize) {
        let (mut used, mut size) = (self.holes.used(), if self.end == 0 { 0 } else { self.holes.size() });
        let mut r = self.regions;
        while !r.is_null() {
            // SAFETY: regions on the list are live.
            unsafe {
                used += (*r).holes.used();
                size += (*r).holes.size();
                r = (*r).next;
            }
        }
        (used, size)
    }

    #[cfg(test)]
    pub fn region_count(&self) -> usize {
        let (mut n, mut r) = (0, self.regions);
        while !r.is_null() {
            n += 1;
            // SAFETY: regions on the list are live.
            r = unsafe { (*r).next };
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::heap::os::fake::FakeOs;

    fn alloc(l: &mut List, os: &mut FakeOs, size: usize, align: usize) -> NonNull<u8> {
        let p = l.alloc(os, size, align).expect("memory");
        assert_eq!(p.as_ptr() as usize % align, 0);
        p
    }

    #[test]
    fn grows_with_brk_and_coalesces_what_is_freed() {
        let mut os = FakeOs::new(64 << 20);
        let mut l = List::new();
        let blocks: Vec<_> = (0..200).map(|i| (alloc(&mut l, &mut os, 16 * (1 + i % 700), 16), 16 * (1 + i % 700))).collect();
        assert_eq!(os.maps, 0, "all from the break");
        assert!(blocks.iter().all(|(p, _)| (p.as_ptr() as usize) >= os.base && (p.as_ptr() as usize) < os.brk));
        // Free every other block, then the rest: the list ends as one hole.
        for (p, n) in blocks.iter().step_by(2).chain(blocks.iter().skip(1).step_by(2)) {
            // SAFETY: each block is freed once.
            unsafe { l.free(&mut os, *p, *n) };
        }
        let (used, size) = l.usage();
        assert_eq!(used, 0);
        // One hole again: a block of the whole size fits.
        let whole = alloc(&mut l, &mut os, size & !15, 16);
        assert_eq!(whole.as_ptr() as usize, l.base);
    }

    #[test]
    fn big_blocks_grow_the_break_and_an_empty_heap_shrinks_it() {
        let mut os = FakeOs::new(256 << 20);
        let mut l = List::new();
        let p = alloc(&mut l, &mut os, 8 << 20, 16);
        let q = alloc(&mut l, &mut os, 16, 4096);
        assert!(os.brk - os.base >= 8 << 20);
        // SAFETY: freed once each.
        unsafe {
            l.free(&mut os, p, 8 << 20);
            l.free(&mut os, q, 16);
        }
        assert_eq!(l.usage(), (0, BRK_STEP));
        assert!(os.brk - os.base <= BRK_STEP + 4096, "the break went back");
        let r = alloc(&mut l, &mut os, 3 << 20, 16);
        // SAFETY: freed once.
        unsafe { l.free(&mut os, r, 3 << 20) };
    }

    #[test]
    fn falls_back_to_regions_and_unmaps_them_when_empty() {
        for brk_room in [0, 2 << 20] {
            let mut os = FakeOs::new(brk_room);
            let mut l = List::new();
            let blocks: Vec<_> = (0..64).map(|_| alloc(&mut l, &mut os, 256 << 10, 16)).collect();
            assert!(l.region_count() >= 2, "16 MiB do not fit in the break");
            for p in &blocks {
                // SAFETY: freed once each.
                unsafe { l.free(&mut os, *p, 256 << 10) };
            }
            assert_eq!(l.region_count(), 0);
            assert_eq!(os.mapped_bytes(), 0, "every region went back");
            assert_eq!(l.usage().0, 0);
        }
    }

    #[test]
    fn fronts_and_backs_of_blocks_can_be_given_back() {
        let mut os = FakeOs::new(16 << 20);
        let mut l = List::new();
        let p = alloc(&mut l, &mut os, 4096, 16);
        // SAFETY: the front 1024 bytes and back 1024 bytes, then the middle.
        unsafe {
            l.free(&mut os, p, 1024);
            l.free(&mut os, NonNull::new_unchecked(p.as_ptr().add(3072)), 1024);
            l.free(&mut os, NonNull::new_unchecked(p.as_ptr().add(1024)), 2048);
        }
        assert_eq!(l.usage().0, 0);
    }
}
