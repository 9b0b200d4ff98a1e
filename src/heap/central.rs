//! The heap: what malloc and free do with a request, in front of the
//! central parts that sit behind one lock (the spans of each small class,
//! the list, the large blocks). Generic over where memory comes from, so
//! the unit tests run all of it on memory of their own.
//!
//! A request of `n` bytes:
//! - up to [`MAX_SPAN_REQUEST`] (4088): a slot of its class, from the
//!   thread's cache, refilled from the class's spans;
//! - below the mmap threshold, up to [`MAX_CLASS_REQUEST`]: a block of the
//!   list rounded to its class, from the thread's cache or the list;
//! - at or above the mmap threshold (128 KiB unless changed): a mapping
//!   (`large`);
//! - in between (only when the threshold is raised, by `mallopt` or, as
//!   glibc does, by freeing a mapped block: the threshold becomes its size,
//!   up to 32 MiB): a list block of its own size.

use core::ptr;
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};

use super::lock::Mutex;

use super::block::{self, ALIGNED, FREE, KIND_MASK, LARGE, MEDIUM, SMALL};
use super::cache::{batch, ThreadCache};
use super::classes::{class_of, slot_size, CLASS_COUNT, MAX_CLASS_REQUEST, MAX_SPAN_REQUEST, SPAN_CLASS_COUNT};
use super::large::Large;
use super::list::List;
use super::os::Os;
use super::span::{Span, SPAN_BYTES};
use super::block::SPAN_ALIGN;

/// Requests of this many bytes or more are mapped on their own, unless
/// changed with [`set_mmap_threshold`](crate::heap::set_mmap_threshold) (C: `mallopt(M_MMAP_THRESHOLD, n)`).
pub const DEFAULT_MMAP_THRESHOLD: usize = 128 * 1024;
/// The threshold never goes below the span classes' largest request...
pub const MIN_MMAP_THRESHOLD: usize = MAX_SPAN_REQUEST + 1;
/// ...nor above this (as glibc's M_MMAP_THRESHOLD maximum on 64-bit).
pub const MAX_MMAP_THRESHOLD: usize = 32 << 20;

/// Requests larger than this fail at once: no mapping can be that large,
/// and every size computation below stays far from overflowing.
const MAX_REQUEST: usize = isize::MAX as usize / 2;

/// The parts behind the lock.
pub struct Central<O: Os> {
    os: O,
    /// Per span class, the spans with a slot to give (doubly linked).
    spans: [*mut Span; SPAN_CLASS_COUNT],
    list: List,
    large: Large,
}

// SAFETY: the pointers are to memory the heap owns; the lock around
// `Central` serialises every access to it.
unsafe impl<O: Os + Send> Send for Central<O> {}

/// A heap: malloc, free and friends over an [`Os`].
pub struct Heap<O: Os> {
    central: Mutex<Central<O>>,
    mmap_threshold: AtomicUsize,
    /// Whether freeing a large block may raise the threshold (until it is set explicitly).
    dynamic_threshold: AtomicBool,
}

/// Ends the program when `free` or `realloc` is handed a pointer that is
/// not a live block of this heap (freed twice, never allocated, corrupted
/// header): going on would corrupt the heap.
#[cold]
#[inline(never)]
fn invalid_pointer(what: &str) -> ! {
    #[cfg(not(any(test, all(panic = "unwind", not(doc)))))]
    crate::fatal::die(what);
    #[cfg(any(test, all(panic = "unwind", not(doc))))]
    panic!("{what}");
}

impl<O: Os> Central<O> {
    /// Fills `bin`, the cache of span class `class`, with up to `want`
    /// slots; false if it got none (no memory).
    fn refill_small(&mut self, class: usize, bin: &mut super::cache::Bin, want: usize) -> bool {
        let mut got = 0;
        while got < want {
            let span = match self.spans[class] {
                s if !s.is_null() => s,
                _ => match self.new_span(class) {
                    Some(s) => s,
                    None => return got > 0,
                },
            };
            // SAFETY: spans on the class's list are live and set up.
            unsafe {
                while got < want {
                    match (*span).take() {
                        Some(p) => {
                            bin.push(p);
                            got += 1;
                        }
                        None => break,
                    }
                }
                if (*span).is_exhausted() {
                    self.unlink(class, span);
                }
            }
        }
        true
    }

    /// A new span for `class`, on the class's list.
    fn new_span(&mut self, class: usize) -> Option<*mut Span> {
        let at = self.list.alloc(&mut self.os, SPAN_BYTES, SPAN_ALIGN, 0)?;
        // SAFETY: a fresh list block of SPAN_BYTES, aligned as spans must be.
        let span = unsafe { Span::init(at, class) };
        self.link(class, span);
        Some(span)
    }

    fn link(&mut self, class: usize, span: *mut Span) {
        let head = self.spans[class];
        // SAFETY: `span` and `head` (when not null) are live spans of `class`.
        unsafe {
            (*span).prev = ptr::null_mut();
            (*span).next = head;
            (*span).listed = true;
            if !head.is_null() {
                (*head).prev = span;
            }
        }
        self.spans[class] = span;
    }

    fn unlink(&mut self, class: usize, span: *mut Span) {
        // SAFETY: `span` is on the list of `class`, so are its neighbours.
        unsafe {
            let (prev, next) = ((*span).prev, (*span).next);
            if prev.is_null() {
                self.spans[class] = next;
            } else {
                (*prev).next = next;
            }
            if !next.is_null() {
                (*next).prev = prev;
            }
            (*span).listed = false;
        }
    }

    /// Takes back the free slot `p` (header `h`, marked `FREE`). An empty
    /// span goes back to the list unless it is the class's only one.
    ///
    /// # Safety
    /// `p` must be a slot of this heap that nothing uses any more.
    unsafe fn give_small(&mut self, p: *mut u8, h: usize) {
        let class = block::class_of_small(h);
        let span = block::span_of(h) as *mut Span;
        // SAFETY: a small header names its span; the check below rejects
        // most headers that do not come from a span (before any write).
        unsafe {
            if class >= SPAN_CLASS_COUNT || !(*span).owns_header(h) || (*span).used == 0 {
                invalid_pointer("free(): invalid pointer");
            }
            (*span).give(p);
            if !(*span).listed {
                self.link(class, span);
            }
            if (*span).used == 0 && !((*span).next.is_null() && (*span).prev.is_null()) {
                self.unlink(class, span);
                self.os.recycle(span.cast(), SPAN_BYTES);
                self.list.free(&mut self.os, span.cast());
            }
        }
    }

    /// Gives every empty span back to the list (each class keeps one
    /// otherwise, against churn).
    fn release_empty_spans(&mut self) {
        for class in 0..SPAN_CLASS_COUNT {
            let mut span = self.spans[class];
            while !span.is_null() {
                // SAFETY: spans on the list are live; `next` is read before
                // the span may go back to the list.
                unsafe {
                    let next = (*span).next;
                    if (*span).used == 0 {
                        self.unlink(class, span);
                        self.os.recycle(span.cast(), SPAN_BYTES);
                        self.list.free(&mut self.os, span.cast());
                    }
                    span = next;
                }
            }
        }
    }

    /// A list block for a payload of class `class` (a medium class).
    fn alloc_medium(&mut self, class: usize) -> *mut u8 {
        let slot = slot_size(class);
        let Some(b) = self.list.alloc(&mut self.os, slot + 16, 16, 0) else { return ptr::null_mut() };
        // SAFETY: the block has room for the prefix, header and slot bytes.
        unsafe {
            let p = b.add(16);
            block::prefix(p).write(class);
            block::header(p).write((slot + 16) | MEDIUM);
            p
        }
    }

    /// A list block of exactly `n` bytes (rounded to 16), aligned to
    /// `align`: the list places it so that the payload, 16 bytes in, is aligned.
    fn alloc_medium_exact(&mut self, n: usize, align: usize) -> *mut u8 {
        let size = (n + 15) & !15;
        let Some(b) = self.list.alloc(&mut self.os, size + 16, align.max(16), 16) else { return ptr::null_mut() };
        // SAFETY: the block has room for the prefix, header and `size` payload bytes.
        unsafe {
            let p = b.add(16);
            block::prefix(p).write(b as usize);
            block::header(p).write((size + 16) | MEDIUM | ALIGNED);
            p
        }
    }

    /// Grows the exact-size medium block at `p` (header `h`) in place to hold `n` bytes.
    ///
    /// # Safety
    /// `p` must be a live medium block with `ALIGNED` set.
    unsafe fn grow_medium(&mut self, p: *mut u8, h: usize, n: usize) -> bool {
        // SAFETY: per the caller; the header is rewritten only when the block grew.
        unsafe {
            let start = *block::prefix(p);
            let size = (p as usize - start) + ((n + 15) & !15);
            if !self.list.grow(&mut self.os, start as *mut u8, size) {
                return false;
            }
            block::header(p).write(size | (h & (KIND_MASK | ALIGNED)));
            true
        }
    }

    /// Shrinks the exact-size medium block at `p` (header `h`) in place to `n` bytes.
    ///
    /// # Safety
    /// `p` must be a live medium block with `ALIGNED` set, of at least `n` bytes.
    unsafe fn shrink_medium(&mut self, p: *mut u8, h: usize, n: usize) {
        // SAFETY: per the caller.
        unsafe {
            let start = *block::prefix(p);
            let size = (p as usize - start) + ((n + 15) & !15);
            self.list.shrink(&mut self.os, start as *mut u8, size);
            block::header(p).write(size | (h & (KIND_MASK | ALIGNED)));
        }
    }

    /// Gives the medium block at `p` (header `h`) back to the list.
    ///
    /// # Safety
    /// `p` must be a medium block of this heap that nothing uses any more.
    unsafe fn free_medium(&mut self, p: *mut u8, h: usize) {
        // SAFETY: per the caller.
        unsafe {
            let start = if h & ALIGNED != 0 { *block::prefix(p) } else { p as usize - 16 };
            self.os.recycle(start as *mut u8, block::size_of_block(h));
            self.list.free(&mut self.os, start as *mut u8);
        }
    }

    /// Takes back a block of `class` that a thread cache held: to its span
    /// if small, to the list if medium.
    ///
    /// # Safety
    /// `q` must be a free block of `class` from this heap's caches.
    unsafe fn take_back(&mut self, class: usize, q: *mut u8) {
        // SAFETY: per the caller, q is a block with a header.
        unsafe {
            let h = *block::header(q);
            if class < SPAN_CLASS_COUNT {
                self.give_small(q, h);
            } else {
                self.free_medium(q, h);
            }
        }
    }
}

impl<O: Os> Heap<O> {
    pub const fn new(os: O) -> Heap<O> {
        Heap {
            central: Mutex::new(Central {
                os,
                spans: [ptr::null_mut(); SPAN_CLASS_COUNT],
                list: List::new(),
                large: Large::new(),
            }),
            mmap_threshold: AtomicUsize::new(DEFAULT_MMAP_THRESHOLD),
            dynamic_threshold: AtomicBool::new(true),
        }
    }

    /// Sets the mmap threshold (clamped to the allowed range); returns the value used.
    pub fn set_mmap_threshold(&self, n: usize) -> usize {
        let n = n.clamp(MIN_MMAP_THRESHOLD, MAX_MMAP_THRESHOLD);
        self.dynamic_threshold.store(false, Relaxed);
        self.mmap_threshold.store(n, Relaxed);
        n
    }

    pub fn mmap_threshold(&self) -> usize {
        self.mmap_threshold.load(Relaxed)
    }

    /// `n` bytes, 16-aligned, or null when out of memory.
    #[inline(always)]
    pub fn malloc(&self, cache: Option<&mut ThreadCache>, n: usize) -> *mut u8 {
        if n <= MAX_SPAN_REQUEST {
            let class = class_of(n);
            if let Some(c) = cache {
                if let Some(p) = c.pop(class) {
                    return p;
                }
                return self.refill_and_pop(c, class);
            }
            return self.small_uncached(class);
        }
        self.malloc_big(cache, n, false).0
    }

    #[inline(never)]
    fn refill_and_pop(&self, cache: &mut ThreadCache, class: usize) -> *mut u8 {
        let ok = self.central.lock().refill_small(class, cache.bin(class), batch(class));
        if !ok {
            return ptr::null_mut();
        }
        cache.pop(class).unwrap_or(ptr::null_mut())
    }

    #[inline(never)]
    fn small_uncached(&self, class: usize) -> *mut u8 {
        let mut one = super::cache::Bin::empty();
        if !self.central.lock().refill_small(class, &mut one, 1) {
            return ptr::null_mut();
        }
        match one.pop() {
            // SAFETY: a slot of this heap, with a header.
            Some(p) => unsafe {
                *block::header(p) &= !FREE;
                p
            },
            None => ptr::null_mut(),
        }
    }

    /// Requests above the span classes; with whether the memory is known
    /// to be zero (fresh from the kernel; `zeroed` asks for that where it
    /// is cheaper than clearing).
    #[inline(never)]
    fn malloc_big(&self, cache: Option<&mut ThreadCache>, n: usize, zeroed: bool) -> (*mut u8, bool) {
        if n > MAX_REQUEST {
            return (ptr::null_mut(), false);
        }
        if n >= self.mmap_threshold() {
            let mut c = self.central.lock();
            let c = &mut *c;
            return c.large.alloc(&mut c.os, n, zeroed).unwrap_or((ptr::null_mut(), false));
        }
        if n <= MAX_CLASS_REQUEST {
            let class = class_of(n);
            if let Some(c) = cache {
                if let Some(p) = c.pop(class) {
                    return (p, false);
                }
            }
            return (self.central.lock().alloc_medium(class), false);
        }
        (self.central.lock().alloc_medium_exact(n, 16), false)
    }

    /// `n` zeroed bytes.
    pub fn calloc(&self, cache: Option<&mut ThreadCache>, n: usize) -> *mut u8 {
        let (p, zero) = if n <= MAX_SPAN_REQUEST { (self.malloc(cache, n), false) } else { self.malloc_big(cache, n, true) };
        if !p.is_null() && !zero {
            // SAFETY: the block has at least n bytes.
            unsafe { p.write_bytes(0, n) };
        }
        p
    }

    /// `n` bytes aligned to `align` (a power of two), or null.
    pub fn aligned(&self, cache: Option<&mut ThreadCache>, align: usize, n: usize) -> *mut u8 {
        if align <= 16 {
            return self.malloc(cache, n);
        }
        if n > MAX_REQUEST || align > MAX_REQUEST {
            return ptr::null_mut();
        }
        let mut c = self.central.lock();
        let c = &mut *c;
        if n + align >= self.mmap_threshold() {
            c.large.alloc_aligned(&mut c.os, n, align).unwrap_or(ptr::null_mut())
        } else {
            c.alloc_medium_exact(n, align)
        }
    }

    /// Frees the block at `p` (null: nothing).
    ///
    /// # Safety
    /// `p` must be null or a live block of this heap, not used afterwards.
    #[inline(always)]
    pub unsafe fn free(&self, cache: Option<&mut ThreadCache>, p: *mut u8) {
        if p.is_null() {
            return;
        }
        // SAFETY: per the caller, p is a block of this heap.
        let h = unsafe { *block::header(p) };
        if h & (FREE | KIND_MASK) == SMALL {
            if let Some(c) = cache {
                let class = block::class_of_small(h);
                if class >= SPAN_CLASS_COUNT {
                    invalid_pointer("free(): invalid pointer");
                }
                // SAFETY: per the caller.
                if unsafe { c.push(class, p, h) } {
                    return;
                }
                // SAFETY: per the caller.
                return unsafe { self.flush_and_push(c, class, p, h) };
            }
        }
        // SAFETY: per the caller.
        unsafe { self.free_slow(cache, p, h) }
    }

    /// Frees what the fast path does not: medium and large blocks, small
    /// ones without a cache, and invalid pointers.
    ///
    /// # Safety
    /// As [`Heap::free`]; `h` is the block's header.
    #[inline(never)]
    unsafe fn free_slow(&self, cache: Option<&mut ThreadCache>, p: *mut u8, h: usize) {
        if h & FREE != 0 {
            invalid_pointer("free(): double free or invalid pointer");
        }
        // SAFETY: per the caller.
        unsafe {
            match h & KIND_MASK {
                SMALL => {
                    *block::header(p) = h | FREE;
                    self.central.lock().give_small(p, h | FREE);
                }
                MEDIUM => {
                    if h & ALIGNED == 0 {
                        let class = *block::prefix(p);
                        if !(SPAN_CLASS_COUNT..CLASS_COUNT).contains(&class) || block::size_of_block(h) != slot_size(class) + 16 {
                            invalid_pointer("free(): invalid pointer");
                        }
                        if let Some(c) = cache {
                            if c.push(class, p, h) {
                                return;
                            }
                            return self.flush_and_push(c, class, p, h);
                        }
                    }
                    self.central.lock().free_medium(p, h);
                }
                LARGE => {
                    // As glibc: a program that frees a mapped block of some size will likely
                    // want one again; blocks up to that size now come from the list, where
                    // they are reused without a system call or a page fault.
                    let len = block::size_of_block(h);
                    let raised = self.dynamic_threshold.load(Relaxed) && len > self.mmap_threshold() && len <= MAX_MMAP_THRESHOLD;
                    if raised {
                        self.mmap_threshold.store(len, Relaxed);
                    }
                    let mut c = self.central.lock();
                    let c = &mut *c;
                    if raised {
                        // Cached mappings below the new threshold would never be used again.
                        c.large.trim(&mut c.os);
                    }
                    c.large.free(&mut c.os, p);
                }
                _ => invalid_pointer("free(): invalid pointer"),
            }
        }
    }

    /// Gives half of the full bin of `class` back, then keeps `p` (header `h`).
    ///
    /// # Safety
    /// As [`Heap::free`], for a block of `class`.
    #[inline(never)]
    unsafe fn flush_and_push(&self, cache: &mut ThreadCache, class: usize, p: *mut u8, h: usize) {
        {
            let mut c = self.central.lock();
            let bin = cache.bin(class);
            for _ in 0..batch(class) {
                let Some(q) = bin.pop() else { break };
                // SAFETY: blocks in the bin are free blocks of `class`.
                unsafe { c.take_back(class, q) };
            }
        }
        // SAFETY: per the caller; the bin has room now.
        unsafe { cache.push(class, p, h) };
    }

    /// Bytes the program may use at `p`.
    ///
    /// # Safety
    /// `p` must be a live block of this heap.
    pub unsafe fn usable_size(&self, p: *mut u8) -> usize {
        // SAFETY: per the caller.
        unsafe {
            let h = *block::header(p);
            match h & KIND_MASK {
                SMALL => slot_size(block::class_of_small(h)) - 8,
                MEDIUM if h & ALIGNED == 0 => block::size_of_block(h) - 16,
                MEDIUM => *block::prefix(p) + block::size_of_block(h) - p as usize,
                _ => Large::usable(p),
            }
        }
    }

    /// The block at `p` resized to `n` bytes, its contents kept up to the
    /// smaller size: in place when it fits (and would not waste more than
    /// half), else moved. Null when out of memory, with `p` untouched.
    /// `p` null: as malloc. `n` 0: frees `p` and returns a new smallest block.
    ///
    /// # Safety
    /// `p` must be null or a live block of this heap; after success only
    /// the returned pointer may be used.
    pub unsafe fn realloc(&self, mut cache: Option<&mut ThreadCache>, p: *mut u8, n: usize) -> *mut u8 {
        if p.is_null() {
            return self.malloc(cache, n);
        }
        // SAFETY: per the caller.
        let h = unsafe { *block::header(p) };
        if h & FREE != 0 || h & KIND_MASK == 3 {
            invalid_pointer("realloc(): invalid pointer");
        }
        // SAFETY: per the caller.
        let usable = unsafe { self.usable_size(p) };
        let large = h & KIND_MASK == LARGE;
        if large && n >= self.mmap_threshold() && n <= MAX_REQUEST {
            let mut c = self.central.lock();
            let c = &mut *c;
            // SAFETY: per the caller, a live large block.
            if let Some(q) = unsafe { c.large.realloc(&mut c.os, p, n) } {
                return q;
            }
        } else if n <= usable && !large {
            // Shrinking in place, unless that would waste more than half
            // the block (a small one that keeps its class never does); an
            // exact-size list block gives its tail back instead.
            let same_class = h & KIND_MASK == SMALL && class_of(n) == block::class_of_small(h);
            if n > usable / 2 || same_class {
                return p;
            }
            if h & (KIND_MASK | ALIGNED) == MEDIUM | ALIGNED && n > MAX_CLASS_REQUEST {
                // SAFETY: per the caller, a live exact-size medium block of `usable` bytes.
                unsafe { self.central.lock().shrink_medium(p, h, n) };
                return p;
            }
        }
        if h & (KIND_MASK | ALIGNED) == MEDIUM | ALIGNED && n > usable && n < self.mmap_threshold() {
            // SAFETY: per the caller, a live exact-size medium block.
            if unsafe { self.central.lock().grow_medium(p, h, n) } {
                return p;
            }
        }
        // A block past the classes that grows by small steps moves with room to grow again
        // (an eighth), so that each byte is copied a few times, not once a step.
        let small_step = n > usable && n - usable <= usable / 4;
        let want = if n > MAX_CLASS_REQUEST && small_step { n.saturating_add(n / 8).min(MAX_REQUEST) } else { n };
        let q = self.malloc(cache.as_deref_mut(), want);
        if q.is_null() {
            return q;
        }
        // SAFETY: both blocks are live and distinct; p is freed once.
        unsafe {
            crate::mem::copy(q, p, usable.min(n));
            self.free(cache, p);
        }
        q
    }

    /// Gives the calling thread's cached blocks back to the central heap.
    pub fn flush_cache(&self, cache: &mut ThreadCache) {
        let mut c = self.central.lock();
        for class in 0..CLASS_COUNT {
            let bin = cache.bin(class);
            while let Some(q) = bin.pop() {
                // SAFETY: blocks in the bin are free blocks of `class`.
                unsafe { c.take_back(class, q) };
            }
        }
    }

    /// Gives the cached large mappings back to the kernel, and empty spans
    /// back to the list (which gives the break back once wholly free).
    pub fn trim(&self) {
        let mut c = self.central.lock();
        let c = &mut *c;
        c.large.trim(&mut c.os);
        c.release_empty_spans();
        c.list.purge_all(&mut c.os);
    }

    /// Takes the heap's lock and keeps it, for `fork`.
    pub fn lock_for_fork(&self) {
        self.central.acquire();
    }

    /// Releases the lock [`Heap::lock_for_fork`] took, in the parent.
    ///
    /// # Safety
    /// Only after [`Heap::lock_for_fork`], by the same thread.
    pub unsafe fn unlock_after_fork(&self) {
        // SAFETY: per the caller.
        unsafe { self.central.release() };
    }

    /// Frees the lock in the child of a `fork`, whose only thread took it in the parent.
    ///
    /// # Safety
    /// Only in the child, after [`Heap::lock_for_fork`] in the parent.
    pub unsafe fn reset_after_fork(&self) {
        // SAFETY: per the caller, no other thread exists to hold or wait for it.
        unsafe { self.central.reset() };
    }

    /// Runs `f` on the central parts (for tests).
    #[cfg(test)]
    pub fn with_central<R>(&self, f: impl FnOnce(&mut List, &mut Large, &mut O) -> R) -> R {
        let mut c = self.central.lock();
        let c = &mut *c;
        f(&mut c.list, &mut c.large, &mut c.os)
    }
}
