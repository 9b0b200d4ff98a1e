//! The list: where spans, medium blocks and (past a freed large block, see `central`) big
//! blocks come from. Chunks with boundary tags over arenas: the brk heap, which grows
//! contiguously, and mapped regions when the break cannot grow (unmapped once wholly free).
//!
//! ```text
//! used chunk: | head: size|flags | pad | block (what alloc returns) ...             |
//! free chunk: | head: size|FREE  | pad | next | prev | ...                 | footer |
//! ```
//!
//! A freed chunk merges with free neighbours on both sides at once (the head's PREV_FREE
//! bit and the previous chunk's footer find the one before; the next chunk's head says
//! whether it is free), so no two free chunks touch. Free chunks wait in 172 bins, four per
//! doubling of their size, with a bitmap of the bins that hold any: a request looks at a
//! few chunks of its own bin, then takes the first chunk of the next bin that has one, so
//! allocation does not walk the list (the first-fit list of `linked_list_allocator`, which
//! the heap used before, walked every hole in front of the one that fits, and could not
//! tell where a freed block's merged hole begins and ends, which returning its pages needs).
//!
//! Memory goes back: once the free chunks the program has touched add up to more than
//! [`PURGE_MIN`] or a quarter of the memory in use, whichever is more, the interior pages of
//! those that were already free at the previous such point are dropped (madvise), so that
//! churn does not turn frees into system calls and later page faults; a free top of the brk
//! heap lowers the break, and a free region is unmapped.

use core::ptr;

use super::os::{round_up, Os};

const FREE: usize = 1;
const PREV_FREE: usize = 2;
/// The chunk's interior pages have been dropped since the program last used them.
const CLEAN: usize = 4;
/// The chunk was already free (and touched) at the last purge: the next one drops it.
const OLD: usize = 8;
const FLAGS: usize = 15;
/// Bytes of a chunk before its block.
pub const HEAD: usize = 16;
/// Head, padding, two links and a footer.
const MIN_CHUNK: usize = 48;
/// Four bins per doubling, for chunks of 32 bytes to 2^47.
const BINS: usize = 4 * 43;
/// The break grows by at least this much (or an eighth of the heap).
const BRK_STEP: usize = 1 << 20;
/// The size of a mapped region when brk cannot grow.
const REGION_STEP: usize = 4 << 20;
/// Free chunks the program touched may add up to this much before their pages go back.
pub const PURGE_MIN: usize = 8 << 20;
/// How many chunks of a request's own bin are looked at before the next bin.
const SCAN: usize = 8;

/// A mapped region: this header, then chunks up to a fence.
#[repr(C)]
struct Region {
    next: *mut Region,
    len: usize,
}
const REGION_HEADER: usize = 32;

/// Chunks are addressed by their start.
type Chunk = usize;

/// # Safety (every accessor below)
/// `c` must be a chunk of one of the list's arenas (or its fence, for the head).
unsafe fn head(c: Chunk) -> *mut usize {
    c as *mut usize
}
unsafe fn next_link(c: Chunk) -> *mut Chunk {
    (c + 16) as *mut Chunk
}
unsafe fn prev_link(c: Chunk) -> *mut Chunk {
    (c + 24) as *mut Chunk
}
fn size_of(h: usize) -> usize {
    h & !FLAGS
}

fn bin_of(size: usize) -> usize {
    let b = (usize::BITS - 1 - size.leading_zeros()) as usize;
    (4 * (b - 5) + ((size >> (b - 2)) & 3)).min(BINS - 1)
}

pub struct List {
    bins: [Chunk; BINS],
    nonempty: [u64; BINS.div_ceil(64)],
    /// The brk arena, `[base, end)`, its fence at `end - HEAD` (`end` 0 before it exists).
    base: usize,
    end: usize,
    brk_refused: bool,
    regions: *mut Region,
    /// Bytes of used chunks, and bytes of free chunks not dropped since the program used them.
    in_use: usize,
    dirty: usize,
}

// SAFETY: the raw pointers are to memory the list owns; the heap's lock serialises access.
unsafe impl Send for List {}

impl List {
    pub const fn new() -> List {
        List { bins: [0; BINS], nonempty: [0; BINS.div_ceil(64)], base: 0, end: 0, brk_refused: false, regions: ptr::null_mut(), in_use: 0, dirty: 0 }
    }

    /// A block of `size` bytes such that `block + offset` is aligned to `align` (a power of
    /// two, 16 at least; `offset` a multiple of 16 below it, or 0), or `None` when the
    /// kernel has no more memory.
    pub fn alloc(&mut self, os: &mut impl Os, size: usize, align: usize, offset: usize) -> Option<*mut u8> {
        let need = round_up(size.checked_add(HEAD)?, 16)?.max(MIN_CHUNK);
        // Room for moving the block to its alignment, with a free chunk in front.
        let want = if align > 16 { need.checked_add(align + MIN_CHUNK)? } else { need };
        for _ in 0..3 {
            if let Some(c) = self.take(want) {
                // SAFETY: a free chunk just taken out of its bin, of at least `want` bytes.
                return Some(unsafe { self.carve(c, need, align, offset) });
            }
            if !self.grow_brk(os, want) {
                self.add_region(os, want)?;
            }
        }
        None
    }

    /// Gives back the block at `p` (from [`List::alloc`]).
    ///
    /// # Safety
    /// `p` must be a block of this list's that nothing uses any more.
    pub unsafe fn free(&mut self, os: &mut impl Os, p: *mut u8) {
        // SAFETY: per the caller, a used chunk sits HEAD bytes before the block; its
        // neighbours are chunks of the same arena, or its fences.
        unsafe {
            let mut c = p as usize - HEAD;
            let h = *head(c);
            let mut size = size_of(h);
            self.in_use -= size;
            self.dirty += size;
            if h & PREV_FREE != 0 {
                let before = *((c - 8) as *const usize);
                c -= before;
                self.unlink(c);
                size += before;
            }
            let next = *head(c + size);
            if next & FREE != 0 {
                self.unlink(c + size);
                size += size_of(next);
            }
            self.insert(c, size, 0);
            self.give_back(os, c, size);
            if self.dirty > PURGE_MIN.max(self.in_use) {
                self.purge(os);
            }
        }
    }

    /// Grows the block at `p` (from [`List::alloc`]) in place to `size` bytes, into the
    /// free chunk after it or, at the top of the brk heap, into a raised break; false (the
    /// block unchanged) when neither has room.
    ///
    /// # Safety
    /// `p` must be a live block of this list's.
    pub unsafe fn grow(&mut self, os: &mut impl Os, p: *mut u8, size: usize) -> bool {
        let Some(need) = size.checked_add(HEAD).and_then(|n| round_up(n, 16)) else { return false };
        let c = p as usize - HEAD;
        for attempt in 0..2 {
            // SAFETY: per the caller, a used chunk; the chunk after it (or the fence) follows.
            unsafe {
                let h = *head(c);
                let have = size_of(h);
                if need <= have {
                    return true;
                }
                let next = c + have;
                let nh = *head(next);
                if nh & FREE != 0 && have + size_of(nh) >= need {
                    self.unlink(next);
                    let mut total = have + size_of(nh);
                    if total - need >= MIN_CHUNK {
                        self.insert(c + need, total - need, nh & CLEAN);
                        total = need;
                    } else {
                        *head(c + total) &= !PREV_FREE;
                    }
                    if nh & CLEAN == 0 {
                        self.dirty -= self.dirty.min(total - have);
                    }
                    self.in_use += total - have;
                    *head(c) = total | (h & PREV_FREE);
                    return true;
                }
                // At the top of the brk heap, more break makes a free chunk right after.
                if attempt > 0 || self.end == 0 || next != self.end - HEAD || !self.grow_brk(os, need - have) {
                    return false;
                }
            }
        }
        false
    }

    /// Shrinks the block at `p` in place to `size` bytes: the tail, if a chunk's worth,
    /// goes back as a free chunk.
    ///
    /// # Safety
    /// `p` must be a live block of this list's of at least `size` bytes.
    pub unsafe fn shrink(&mut self, os: &mut impl Os, p: *mut u8, size: usize) {
        let need = round_up(size + HEAD, 16).unwrap_or(usize::MAX).max(MIN_CHUNK);
        let c = p as usize - HEAD;
        // SAFETY: per the caller; the tail becomes a used chunk of its own, then is freed.
        unsafe {
            let h = *head(c);
            let have = size_of(h);
            if have < need + MIN_CHUNK {
                return;
            }
            *head(c) = need | (h & PREV_FREE);
            *head(c + need) = have - need;
            self.free(os, (c + need + HEAD) as *mut u8);
        }
    }

    /// A free chunk of at least `want` bytes, out of its bin: the best fit among a few
    /// chunks of the request's own bin, else among a few of the next bin that has any
    /// (every chunk there is big enough). Fitting closely is what keeps big blocks from
    /// spreading over the heap.
    fn take(&mut self, want: usize) -> Option<Chunk> {
        let first = bin_of(want);
        if let Some(c) = self.best_in(first, want) {
            return Some(c);
        }
        let mut i = first + 1;
        while i < BINS {
            let word = self.nonempty[i / 64] >> (i % 64);
            if word == 0 {
                i = (i / 64 + 1) * 64;
                continue;
            }
            i += word.trailing_zeros() as usize;
            return self.best_in(i, want);
        }
        None
    }

    /// The smallest chunk of at least `want` bytes among the first [`SCAN`] of bin `bin`,
    /// out of the bin.
    fn best_in(&mut self, bin: usize, want: usize) -> Option<Chunk> {
        let (mut c, mut best, mut best_size) = (self.bins[bin], 0, usize::MAX);
        for _ in 0..SCAN {
            if c == 0 {
                break;
            }
            // SAFETY: chunks in the bins are free chunks with links.
            unsafe {
                let size = size_of(*head(c));
                if size >= want && size < best_size {
                    (best, best_size) = (c, size);
                    if size == want {
                        break;
                    }
                }
                c = *next_link(c);
            }
        }
        if best == 0 {
            return None;
        }
        // SAFETY: a free chunk of the bin.
        unsafe { self.unlink(best) };
        Some(best)
    }

    /// Cuts a used chunk of `need` bytes, placed for the alignment, out of the free chunk `c`
    /// (out of its bin); what is left in front and behind goes back as free chunks.
    ///
    /// # Safety
    /// `c` must be a free chunk out of its bin, large enough for `need` at the alignment.
    unsafe fn carve(&mut self, c: Chunk, need: usize, align: usize, offset: usize) -> *mut u8 {
        // SAFETY: per the caller; every piece written lies inside the chunk.
        unsafe {
            let h = *head(c);
            let (mut at, mut size) = (c, size_of(h));
            if align > 16 {
                let mut block = round_up(c + HEAD + offset, align).unwrap_or(0) - offset;
                if block - HEAD != c && block - HEAD - c < MIN_CHUNK {
                    block += align;
                }
                let lead = block - HEAD - c;
                if lead > 0 {
                    self.insert(c, lead, h & CLEAN);
                    at = c + lead;
                    size -= lead;
                }
            }
            let flags = if at != c { PREV_FREE } else { 0 };
            if size - need >= MIN_CHUNK {
                self.insert(at + need, size - need, h & CLEAN);
                size = need;
            } else {
                *head(at + size) &= !PREV_FREE;
            }
            if h & CLEAN == 0 {
                self.dirty -= self.dirty.min(size);
            }
            *head(at) = size | flags;
            self.in_use += size;
            (at + HEAD) as *mut u8
        }
    }

    /// Makes `[c, c + size)` a free chunk in its bin, with `flags` (CLEAN or 0).
    ///
    /// # Safety
    /// The range must be free memory of an arena whose chunk before it is used.
    unsafe fn insert(&mut self, c: Chunk, size: usize, flags: usize) {
        let bin = bin_of(size);
        // SAFETY: per the caller: the head, links and footer lie in the range, and the next
        // chunk's head (or the fence) right after it.
        unsafe {
            *head(c) = size | FREE | flags;
            *((c + size - 8) as *mut usize) = size;
            *head(c + size) |= PREV_FREE;
            let first = self.bins[bin];
            *next_link(c) = first;
            *prev_link(c) = 0;
            if first != 0 {
                *prev_link(first) = c;
            }
        }
        self.bins[bin] = c;
        self.nonempty[bin / 64] |= 1 << (bin % 64);
    }

    /// Takes the free chunk `c` out of its bin (it stays marked free).
    ///
    /// # Safety
    /// `c` must be a free chunk in its bin.
    unsafe fn unlink(&mut self, c: Chunk) {
        // SAFETY: per the caller, the links are the bin's.
        unsafe {
            let bin = bin_of(size_of(*head(c)));
            let (next, prev) = (*next_link(c), *prev_link(c));
            if prev == 0 {
                self.bins[bin] = next;
                if next == 0 {
                    self.nonempty[bin / 64] &= !(1 << (bin % 64));
                }
            } else {
                *next_link(prev) = next;
            }
            if next != 0 {
                *prev_link(next) = prev;
            }
        }
    }

    /// After a free that left the free chunk `[c, c + size)`: lowers the break if it is a
    /// large top of the brk heap, unmaps its region if it is the whole region.
    ///
    /// # Safety
    /// `c` must be a free chunk in its bin.
    unsafe fn give_back(&mut self, os: &mut impl Os, c: Chunk, size: usize) {
        if c >= self.base && c < self.end {
            // A top of more than two steps goes back; a wholly free heap keeps one step.
            let limit = if self.in_use == 0 { BRK_STEP + os.page_size() } else { 2 * BRK_STEP };
            if c + size == self.end - HEAD && size > limit {
                let keep = round_up(c + BRK_STEP, os.page_size()).unwrap_or(self.end);
                if keep < self.end && os.brk(keep) == keep {
                    // SAFETY: the chunk is in its bin; what stays is re-made up to the new fence.
                    unsafe {
                        self.unlink(c);
                        self.dirty -= self.dirty.min(self.end - keep);
                        self.end = keep;
                        *head(keep - HEAD) = 0;
                        self.insert(c, keep - HEAD - c, *head(c) & CLEAN);
                    }
                }
            }
            return;
        }
        let mut link: *mut *mut Region = &mut self.regions;
        // SAFETY: regions on the list are live; a region's only chunk spans its arena.
        unsafe {
            while !(*link).is_null() {
                let r = *link;
                if c == r as usize + REGION_HEADER && size == (*r).len - REGION_HEADER - HEAD {
                    self.unlink(c);
                    self.dirty -= self.dirty.min(size);
                    *link = (*r).next;
                    os.unmap(r.cast(), (*r).len);
                    return;
                }
                link = &mut (*r).next;
            }
        }
    }

    /// Drops the interior pages of the free chunks that were free and touched at the last
    /// purge already (OLD): chunks freed since are likely to be reused soon, and dropping
    /// their pages would only cost page faults; they become OLD, for the next purge.
    fn purge(&mut self, os: &mut impl Os) {
        let page = os.page_size();
        let mut young = 0;
        for bin in 0..BINS {
            let mut c = self.bins[bin];
            while c != 0 {
                // SAFETY: chunks in the bins are free; their head, links (first 32 bytes)
                // and footer (last 8) stay, the pages strictly between go.
                unsafe {
                    let h = *head(c);
                    if h & CLEAN == 0 {
                        if h & OLD != 0 {
                            let from = round_up(c + 32, page).unwrap_or(usize::MAX);
                            let to = (c + size_of(h) - 8) & !(page - 1);
                            if to > from {
                                os.purge(from as *mut u8, to - from);
                            }
                            *head(c) = (h & !OLD) | CLEAN;
                        } else {
                            *head(c) = h | OLD;
                            young += size_of(h);
                        }
                    }
                    c = *next_link(c);
                }
            }
        }
        self.dirty = young;
    }

    /// Drops the interior pages of every free chunk now (`malloc_trim`).
    pub fn purge_all(&mut self, os: &mut impl Os) {
        self.purge(os);
        self.purge(os);
    }

    /// Grows the brk heap by at least `need` bytes; false if the break is not ours to grow.
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
        let step = need.saturating_add(2 * HEAD).max(BRK_STEP).max((self.end - self.base) / 8);
        let Some(new_end) = round_up(start.saturating_add(step), 4096) else { return false };
        if start == 0 || new_end <= start || os.brk(new_end) < new_end {
            self.brk_refused = true;
            return false;
        }
        // SAFETY: [start, new_end) is fresh memory right after the arena (or its start):
        // the old fence becomes the new free chunk's head, merged with a free chunk before.
        unsafe {
            let (mut c, mut size) = if self.end == 0 {
                self.base = start;
                (start, new_end - HEAD - start)
            } else {
                (self.end - HEAD, new_end - self.end)
            };
            *head(new_end - HEAD) = 0;
            if self.end != 0 && *head(c) & PREV_FREE != 0 {
                let before = *((c - 8) as *const usize);
                c -= before;
                self.unlink(c);
                size += before;
            }
            self.end = new_end;
            self.insert(c, size, 0);
        }
        true
    }

    /// Maps a region for a chunk of at least `need` bytes.
    fn add_region(&mut self, os: &mut impl Os, need: usize) -> Option<()> {
        let len = round_up(need.checked_add(REGION_HEADER + HEAD)?.max(REGION_STEP), os.page_size())?;
        let r = os.map(len)?.cast::<Region>();
        // SAFETY: a fresh mapping of `len` bytes: header, one free chunk, fence.
        unsafe {
            r.write(Region { next: self.regions, len });
            let c = r as usize + REGION_HEADER;
            *head(r as usize + len - HEAD) = 0;
            self.insert(c, len - REGION_HEADER - HEAD, CLEAN);
        }
        self.regions = r;
        Some(())
    }

    /// Bytes handed out, and bytes of free chunks not given back, for tests.
    #[cfg(test)]
    pub fn usage(&self) -> (usize, usize) {
        (self.in_use, self.dirty)
    }

    /// Walks the brk arena and checks every boundary tag and bin link, for tests.
    #[cfg(test)]
    pub fn check(&self) {
        let (mut c, mut prev_free, mut free_count) = (self.base, false, 0);
        // SAFETY: the arena's chunks run from base to the fence.
        unsafe {
            while self.end != 0 && c < self.end - HEAD {
                let h = *head(c);
                let size = size_of(h);
                assert!(size >= MIN_CHUNK && size % 16 == 0, "chunk {c:#x}: head {h:#x}");
                assert_eq!(h & PREV_FREE != 0, prev_free, "chunk {c:#x}: PREV_FREE");
                if h & FREE != 0 {
                    assert!(!prev_free, "two free chunks touch at {c:#x}");
                    assert_eq!(*((c + size - 8) as *const usize), size, "footer of {c:#x}");
                    free_count += 1;
                }
                prev_free = h & FREE != 0;
                c += size;
            }
            assert_eq!(self.end == 0 || (*head(c) & PREV_FREE != 0) == prev_free, true, "fence");
            let mut linked = 0;
            for bin in 0..BINS {
                let (mut c, mut prev) = (self.bins[bin], 0);
                assert_eq!(c != 0, self.nonempty[bin / 64] >> (bin % 64) & 1 == 1, "bitmap of bin {bin}");
                while c != 0 {
                    assert!(*head(c) & FREE != 0 && bin_of(size_of(*head(c))) == bin);
                    assert_eq!(*prev_link(c), prev);
                    if c >= self.base && c < self.end {
                        linked += 1;
                    }
                    prev = c;
                    c = *next_link(c);
                }
            }
            assert_eq!(linked, free_count, "free chunks in the arena vs in the bins");
        }
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

    fn alloc(l: &mut List, os: &mut FakeOs, size: usize, align: usize) -> *mut u8 {
        let p = l.alloc(os, size, align, 0).expect("memory");
        assert_eq!(p as usize % align, 0);
        // SAFETY: the block is the caller's, `size` bytes.
        unsafe { p.write_bytes(0xa5, size) };
        p
    }

    #[test]
    fn grows_with_brk_and_merges_what_is_freed() {
        let mut os = FakeOs::new(64 << 20);
        let mut l = List::new();
        let blocks: Vec<_> = (0..200).map(|i| alloc(&mut l, &mut os, 16 * (1 + i % 700), 16)).collect();
        l.check();
        assert_eq!(os.maps, 0, "all from the break");
        assert!(blocks.iter().all(|&p| (p as usize) >= os.base && (p as usize) < os.brk));
        // Free every other block, then the rest: one free chunk again.
        for &p in blocks.iter().step_by(2).chain(blocks.iter().skip(1).step_by(2)) {
            // SAFETY: each block is freed once.
            unsafe { l.free(&mut os, p) };
            l.check();
        }
        assert_eq!(l.usage().0, 0);
        let room = l.end - l.base - 4 * HEAD;
        let whole = alloc(&mut l, &mut os, room, 16);
        assert_eq!(whole as usize, l.base + HEAD);
    }

    #[test]
    fn aligned_blocks_at_offsets() {
        let mut os = FakeOs::new(64 << 20);
        let mut l = List::new();
        for align in [32usize, 4096, 65536] {
            for offset in [0usize, 16] {
                let p = l.alloc(&mut os, 1000, align, offset).unwrap();
                assert_eq!((p as usize + offset) % align, 0);
                // SAFETY: freed once.
                unsafe { l.free(&mut os, p) };
            }
        }
        assert_eq!(l.usage().0, 0);
    }

    #[test]
    fn big_blocks_grow_the_break_and_a_free_top_lowers_it() {
        let mut os = FakeOs::new(256 << 20);
        let mut l = List::new();
        let p = alloc(&mut l, &mut os, 8 << 20, 16);
        let q = alloc(&mut l, &mut os, 16, 4096);
        assert!(os.brk - os.base >= 8 << 20);
        // SAFETY: freed once each.
        unsafe {
            l.free(&mut os, p);
            l.free(&mut os, q);
        }
        assert_eq!(l.usage().0, 0);
        assert!(os.brk - os.base <= BRK_STEP + 8192, "the break went back");
        let r = alloc(&mut l, &mut os, 3 << 20, 16);
        // SAFETY: freed once.
        unsafe { l.free(&mut os, r) };
    }

    #[test]
    fn falls_back_to_regions_and_unmaps_them_when_empty() {
        for brk_room in [0, 2 << 20] {
            let mut os = FakeOs::new(brk_room);
            let mut l = List::new();
            let blocks: Vec<_> = (0..64).map(|_| alloc(&mut l, &mut os, 256 << 10, 16)).collect();
            assert!(l.region_count() >= 2, "16 MiB do not fit in the break");
            for &p in &blocks {
                // SAFETY: freed once each.
                unsafe { l.free(&mut os, p) };
            }
            assert_eq!(l.region_count(), 0);
            assert_eq!(os.mapped_bytes(), 0, "every region went back");
            assert_eq!(l.usage().0, 0);
        }
    }

    #[test]
    fn free_pages_go_back_past_the_budget_and_come_back_zeroed() {
        let mut os = FakeOs::new(256 << 20);
        let mut l = List::new();
        // 64 blocks of 512 KiB; keep every 8th, so the free ones cannot merge into a top.
        let blocks: Vec<_> = (0..64).map(|_| alloc(&mut l, &mut os, 512 << 10, 16)).collect();
        for (i, &p) in blocks.iter().enumerate() {
            if i % 8 != 0 {
                // SAFETY: freed once.
                unsafe { l.free(&mut os, p) };
            }
        }
        assert!(os.purged > 16 << 20, "purged {}", os.purged);
        l.purge_all(&mut os);
        assert_eq!(l.usage().1, 0, "nothing dirty left after purge_all");
        // A purged chunk's pages read back as zero; the block is usable.
        let p = alloc(&mut l, &mut os, 400 << 10, 16);
        // SAFETY: freed once; the survivors too.
        unsafe {
            l.free(&mut os, p);
            for &q in blocks.iter().step_by(8) {
                l.free(&mut os, q);
            }
        }
        assert_eq!(l.usage().0, 0);
    }

    #[test]
    fn bins_cover_every_size_in_order() {
        assert_eq!(bin_of(32), 0);
        let mut last = 0;
        for s in (32..1 << 20).step_by(16) {
            let b = bin_of(s);
            assert!(b >= last && b < BINS);
            last = b;
        }
        assert_eq!(bin_of(usize::MAX & !15), BINS - 1);
    }
}
