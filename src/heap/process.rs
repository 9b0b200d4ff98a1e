//! The process's heap: one [`Heap`] over the kernel, and each thread's
//! cache found through crt0's per-thread data. The functions here are the
//! heap's Rust interface; `c_api` and `global` are thin layers over them.

use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicBool, Ordering::{Acquire, Release}};

use super::cache::ThreadCache;
use super::central::Heap;
use super::os::System;
use super::valgrind;
use crate::tls;

static HEAP: Heap<System> = Heap::new(System);

/// The main thread's cache (the first thread to allocate takes it; later
/// threads get theirs from the heap). In `.bss`: no file bytes.
struct FirstCache(UnsafeCell<ThreadCache>);
// SAFETY: only the thread that claimed it (through FIRST_CACHE_TAKEN) uses it.
unsafe impl Sync for FirstCache {}
static FIRST_CACHE: FirstCache = FirstCache(UnsafeCell::new(ThreadCache::new()));
static FIRST_CACHE_TAKEN: AtomicBool = AtomicBool::new(false);

/// The calling thread's cache, set up on its first use; `None` before TLS
/// exists (the heap then works without one, under its lock).
#[inline(always)]
fn cache() -> Option<&'static mut ThreadCache> {
    let data = tls::thread_data_if_ready()?;
    // SAFETY: the thread's own data; only this thread reads or writes it.
    let c = unsafe { (*data).heap_cache };
    if c.is_null() {
        return attach_cache(data);
    }
    // SAFETY: the cache belongs to this thread alone, and heap calls do not
    // nest, so this is the only reference to it while the call runs.
    Some(unsafe { &mut *c.cast::<ThreadCache>() })
}

#[cold]
#[inline(never)]
fn attach_cache(data: *mut tls::ThreadData) -> Option<&'static mut ThreadCache> {
    let c = if !FIRST_CACHE_TAKEN.swap(true, Acquire) {
        FIRST_CACHE.0.get()
    } else {
        let p = HEAP.malloc(None, core::mem::size_of::<ThreadCache>()).cast::<ThreadCache>();
        if p.is_null() {
            return None;
        }
        // SAFETY: a fresh block of the right size, 16-aligned.
        unsafe { p.write(ThreadCache::new()) };
        p
    };
    // SAFETY: the thread's own data, and a cache only it will use.
    unsafe {
        (*data).heap_cache = c.cast();
        Some(&mut *c)
    }
}

/// `n` bytes, 16-aligned; null when out of memory.
#[inline]
pub fn malloc(n: usize) -> *mut u8 {
    if valgrind::active() {
        return valgrind::malloc(&HEAP, cache(), n, false);
    }
    HEAP.malloc(cache(), n)
}

/// `n` zeroed bytes; null when out of memory.
pub fn calloc(n: usize) -> *mut u8 {
    if valgrind::active() {
        return valgrind::malloc(&HEAP, cache(), n, true);
    }
    HEAP.calloc(cache(), n)
}

/// `n` bytes aligned to `align` (a power of two; 16 at least); null when
/// out of memory.
pub fn aligned_alloc(align: usize, n: usize) -> *mut u8 {
    if valgrind::active() && align > 16 {
        return valgrind::aligned(&HEAP, cache(), align, n);
    }
    if valgrind::active() {
        return valgrind::malloc(&HEAP, cache(), n, false);
    }
    HEAP.aligned(cache(), align, n)
}

/// Frees `p` (null: nothing). Freeing a block twice or a pointer the heap
/// never gave out is caught in most cases: `crt0: fatal: free(): ...`.
///
/// # Safety
/// `p` must be null or a live block from this heap, not used afterwards.
#[inline]
pub unsafe fn free(p: *mut u8) {
    // SAFETY: per the caller.
    unsafe {
        if valgrind::active() {
            return valgrind::free(&HEAP, cache(), p);
        }
        HEAP.free(cache(), p)
    }
}

/// Resizes `p` to `n` bytes (see C's realloc): null when out of memory,
/// `p` then untouched.
///
/// # Safety
/// `p` must be null or a live block from this heap; after success only the
/// returned pointer may be used.
pub unsafe fn realloc(p: *mut u8, n: usize) -> *mut u8 {
    // SAFETY: per the caller.
    unsafe {
        if valgrind::active() {
            return valgrind::realloc(&HEAP, cache(), p, n);
        }
        HEAP.realloc(cache(), p, n)
    }
}

/// The bytes usable at `p`, at least what was asked for.
///
/// # Safety
/// `p` must be a live block from this heap.
pub unsafe fn usable_size(p: *mut u8) -> usize {
    // SAFETY: per the caller.
    unsafe {
        if valgrind::active() {
            return valgrind::usable_size(p);
        }
        HEAP.usable_size(p)
    }
}

/// Sets the mmap threshold: requests of at least `n` bytes get a mapping
/// of their own. Clamped to `MIN_MMAP_THRESHOLD..=MAX_MMAP_THRESHOLD`;
/// returns the value in force.
pub fn set_mmap_threshold(n: usize) -> usize {
    HEAP.set_mmap_threshold(n)
}

/// Gives the calling thread's cached blocks back to the heap and the cached
/// large mappings back to the kernel.
pub fn trim() {
    if let Some(c) = cache() {
        HEAP.flush_cache(c);
    }
    HEAP.trim();
}

/// For a thread that ends: gives its cache's blocks back and frees the
/// cache itself. The thread must not allocate afterwards.
///
/// # Safety
/// Only on the thread that ends, as the last heap call it makes.
pub unsafe fn release_thread_cache() {
    let Some(data) = tls::thread_data_if_ready() else { return };
    // SAFETY: the thread's own data.
    let c = unsafe { (*data).heap_cache.cast::<ThreadCache>() };
    if c.is_null() {
        return;
    }
    // SAFETY: the cache is this thread's; it is detached before it is freed.
    unsafe {
        HEAP.flush_cache(&mut *c);
        (*data).heap_cache = core::ptr::null_mut();
        if c == FIRST_CACHE.0.get() {
            FIRST_CACHE_TAKEN.store(false, Release);
        } else {
            HEAP.free(None, c.cast());
        }
    }
}

/// Takes the heap's lock for `fork` (see `crate::fork`).
pub fn lock_for_fork() {
    HEAP.lock_for_fork();
}

/// Releases it in the parent.
///
/// # Safety
/// Only after [`lock_for_fork`], by the same thread.
pub unsafe fn unlock_after_fork() {
    // SAFETY: per the caller.
    unsafe { HEAP.unlock_after_fork() };
}

/// Frees it in the child, where the caller is the only thread. The caches of the threads
/// that did not come along keep their blocks (the child never reuses them).
///
/// # Safety
/// Only in the child, after [`lock_for_fork`] in the parent.
pub unsafe fn reset_after_fork() {
    // SAFETY: per the caller.
    unsafe { HEAP.reset_after_fork() };
}
