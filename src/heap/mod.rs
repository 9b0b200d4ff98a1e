//! The heap: C's malloc family (`c_api`) and Rust's global allocator
//! (`global`, Cargo feature `global-allocator`), one allocator behind both.
//!
//! Every payload is 16-aligned and has a header word before it (`block`)
//! that tells `free` where the block came from. Requests go three ways
//! by size (`central`):
//!
//! - small, up to 4088 bytes: 28 size classes (`classes`) cut from 64 KiB
//!   spans (`span`), each span one class; a span returns to the list when
//!   its last slot comes back;
//! - medium, up to the mmap threshold: chunks of crt0's list (`list`:
//!   boundary tags, merging with free neighbours, bins by size, free pages
//!   given back with madvise) over a brk heap that grows contiguously,
//!   falling back to mapped regions (unmapped once empty) when the break
//!   cannot grow; rounded to size classes too, so that
//! - both small and medium blocks pass through a per-thread cache of free
//!   blocks per class (`cache`): malloc and free of a cached class take no
//!   lock; a cache refills and drains in batches under the heap's lock
//!   (`lock`: spins briefly, then sleeps on a futex);
//! - large, from the mmap threshold (128 KiB, see [`set_mmap_threshold`];
//!   raised, as glibc does, to the size of a mapped block that is freed):
//!   a mapping each, freed with munmap and resized with mremap, with a
//!   small bounded cache of freed mappings (`large`).
//!
//! Under valgrind, every block is described to memcheck (`valgrind`).
//!
//! Nothing happens before the first allocation: a program that never
//! allocates makes no system call for the heap and runs none of its code
//! at start-up; one that does not call it links none of it.

mod block;
mod cache;
mod central;
mod classes;
mod large;
mod list;
mod lock;
mod os;
mod span;

#[cfg(not(any(test, all(panic = "unwind", not(doc)))))]
mod c_api;
#[cfg(not(any(test, all(panic = "unwind", not(doc)))))]
mod global;
#[cfg(not(any(test, all(panic = "unwind", not(doc)))))]
mod process;
#[cfg(not(any(test, all(panic = "unwind", not(doc)))))]
mod valgrind;

pub use central::{DEFAULT_MMAP_THRESHOLD, MAX_MMAP_THRESHOLD, MIN_MMAP_THRESHOLD};
#[cfg(not(any(test, all(panic = "unwind", not(doc)))))]
pub use global::{out_of_memory, report_allocation_failure, Crt0Heap};
#[cfg(not(any(test, all(panic = "unwind", not(doc)))))]
pub use process::{
    aligned_alloc, calloc, free, lock_for_fork, malloc, realloc, release_thread_cache, reset_after_fork,
    set_mmap_threshold, trim, unlock_after_fork, usable_size,
};

#[cfg(test)]
mod tests;
