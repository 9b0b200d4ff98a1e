//! The heap as valgrind's memcheck sees it: every block described to the tool with client
//! requests (the magic sequence is per arch, in `arch::valgrind`), so that use after free,
//! overflows into the red zones, invalid and double frees, reads of uninitialised bytes and
//! leaks are reported, each with the stack that allocated the block.
//!
//! The heap asks once, at its first call, whether it runs under valgrind ([`active`]); every
//! entry point then costs one load and one well-predicted branch when it does not. Under
//! valgrind each block is laid out with room around it (one inner block of the heap, `q`):
//!
//! ```text
//! q          q+8        q+16                  p = q+32        p+n            end of q
//! | link     | n        | front red zone (16) | payload (n)   | back red zone |
//! ```
//!
//! The first 16 bytes stay the allocator's (the link word of a free block in a cache or a
//! span, and the size asked for: `malloc_usable_size` and `realloc` need the exact size,
//! as valgrind's own malloc gives). The red zones are made NOACCESS; the payload is
//! described with MALLOCLIKE_BLOCK (undefined, or defined for calloc), and freed with
//! FREELIKE_BLOCK, which makes it and the red zones NOACCESS until the block is handed
//! out again. Memory going back to the list, where the allocator will write anywhere, is
//! made accessible again first (`central`). realloc always moves, as valgrind's does, so
//! that definedness is copied byte for byte. Aligned blocks put the payload at `q + align`
//! and keep `q` in the word at `p - 32`.

use core::sync::atomic::{AtomicU8, Ordering::Relaxed};

use super::cache::ThreadCache;
use super::central::Heap;
use super::os::System;
use crate::arch::valgrind::client_request;

// valgrind.h's core requests, and memcheck.h's ('M' << 24 | 'C' << 16, then in order).
const RUNNING_ON_VALGRIND: usize = 0x1001;
const COUNT_ERRORS: usize = 0x1201;
const MALLOCLIKE_BLOCK: usize = 0x1301;
const FREELIKE_BLOCK: usize = 0x1302;
const MEMCHECK: usize = (b'M' as usize) << 24 | (b'C' as usize) << 16;
const MAKE_MEM_NOACCESS: usize = MEMCHECK;
const MAKE_MEM_UNDEFINED: usize = MEMCHECK + 1;

/// Bytes before the payload (link, size, front red zone) and the red zone's size.
const FRONT: usize = 32;
const RED_ZONE: usize = 16;

const UNKNOWN: u8 = 0;
const ABSENT: u8 = 1;
const PRESENT: u8 = 2;
static STATE: AtomicU8 = AtomicU8::new(UNKNOWN);

fn request(args: [usize; 6]) -> usize {
    client_request(0, &args)
}

/// Whether the program runs under valgrind (asked once).
#[inline(always)]
pub fn active() -> bool {
    match STATE.load(Relaxed) {
        ABSENT => false,
        PRESENT => true,
        _ => detect(),
    }
}

#[cold]
#[inline(never)]
fn detect() -> bool {
    let on = request([RUNNING_ON_VALGRIND, 0, 0, 0, 0, 0]) != 0;
    STATE.store(if on { PRESENT } else { ABSENT }, Relaxed);
    on
}

/// Makes `[p, p + n)` accessible again, undefined (memory the allocator takes back to
/// reuse as it likes). Nothing when not under valgrind.
#[inline]
pub fn make_undefined(p: *mut u8, n: usize) {
    if active() {
        request([MAKE_MEM_UNDEFINED, p as usize, n, 0, 0, 0]);
    }
}

fn make_noaccess(p: usize, n: usize) {
    if n > 0 {
        request([MAKE_MEM_NOACCESS, p, n, 0, 0, 0]);
    }
}

/// Lays out and describes a block of `n` bytes in the inner block `q` (null: null), its
/// payload at `q + offset`.
///
/// # Safety
/// `q` must be null or a live inner block of `heap` with room for `offset + n + RED_ZONE`.
unsafe fn describe(heap: &Heap<System>, q: *mut u8, offset: usize, n: usize, zeroed: bool) -> *mut u8 {
    if q.is_null() {
        return q;
    }
    // SAFETY: per the caller, the words before the payload and the red zones are in q.
    unsafe {
        let p = q.add(offset);
        p.sub(FRONT).cast::<usize>().write(q as usize);
        p.sub(FRONT - 8).cast::<usize>().write(n);
        let end = q as usize + heap.usable_size(q);
        make_noaccess(p as usize - RED_ZONE, RED_ZONE);
        make_noaccess(p as usize + n, end - (p as usize + n));
        request([MALLOCLIKE_BLOCK, p as usize, n, RED_ZONE, zeroed as usize, 0]);
        p
    }
}

/// malloc (or calloc with `zeroed`) under valgrind.
pub fn malloc(heap: &Heap<System>, cache: Option<&mut ThreadCache>, n: usize, zeroed: bool) -> *mut u8 {
    let Some(inner) = n.checked_add(FRONT + RED_ZONE) else { return core::ptr::null_mut() };
    let q = heap.malloc(cache, inner);
    if zeroed && !q.is_null() {
        // The heap's own calloc would clear the whole inner block, red zones and all, which
        // may still be NOACCESS from its last free: clear only the payload, made writable.
        // SAFETY: the payload lies inside the fresh inner block.
        unsafe {
            request([MAKE_MEM_UNDEFINED, q as usize + FRONT, n, 0, 0, 0]);
            q.add(FRONT).write_bytes(0, n);
        }
    }
    // SAFETY: a fresh inner block of `inner` bytes.
    unsafe { describe(heap, q, FRONT, n, zeroed) }
}

/// aligned_alloc under valgrind (`align` a power of two above 16).
pub fn aligned(heap: &Heap<System>, cache: Option<&mut ThreadCache>, align: usize, n: usize) -> *mut u8 {
    let offset = align.max(FRONT);
    let Some(inner) = n.checked_add(offset + RED_ZONE) else { return core::ptr::null_mut() };
    let q = heap.aligned(cache, align, inner);
    // SAFETY: a fresh inner block of `inner` bytes, aligned so that q + offset is too.
    unsafe { describe(heap, q, offset, n, false) }
}

/// The size the program asked for at `p`, a block described by [`describe`].
///
/// # Safety
/// `p` must be a live block of this heap's.
pub unsafe fn usable_size(p: *mut u8) -> usize {
    // SAFETY: per the caller, the size word sits 24 bytes before the payload.
    unsafe { p.sub(FRONT - 8).cast::<usize>().read() }
}

/// free under valgrind. A pointer valgrind does not know as a live block (freed already,
/// never allocated) is reported by valgrind, with the stacks it has, and otherwise ignored,
/// as valgrind's own free does.
///
/// # Safety
/// As `heap::free`, except that valgrind catches what is not a live block.
pub unsafe fn free(heap: &Heap<System>, cache: Option<&mut ThreadCache>, p: *mut u8) {
    if p.is_null() {
        return;
    }
    let errors = request([COUNT_ERRORS, 0, 0, 0, 0, 0]);
    request([FREELIKE_BLOCK, p as usize, RED_ZONE, 0, 0, 0]);
    if request([COUNT_ERRORS, 0, 0, 0, 0, 0]) != errors {
        return;
    }
    // SAFETY: a live block: its inner block's address sits 32 bytes before the payload.
    unsafe {
        let q = p.sub(FRONT).cast::<usize>().read() as *mut u8;
        heap.free(cache, q);
    }
}

/// realloc under valgrind: always a new block, the old one's bytes (and their
/// definedness) copied, the old one freed.
///
/// # Safety
/// As `heap::realloc`.
pub unsafe fn realloc(heap: &Heap<System>, mut cache: Option<&mut ThreadCache>, p: *mut u8, n: usize) -> *mut u8 {
    if p.is_null() {
        return malloc(heap, cache, n, false);
    }
    let q = malloc(heap, cache.as_deref_mut(), n, false);
    if !q.is_null() {
        // SAFETY: per the caller p is a live block of usable_size(p) bytes; q is new.
        unsafe {
            crate::mem::copy(q, p, usable_size(p).min(n));
            free(heap, cache, p);
        }
    }
    q
}
