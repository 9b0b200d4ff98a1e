//! The C interface of `crt0::percpu` (declared in `crt/crt0.h`). Each
//! structure is an opaque pointer to the Rust one; `*_new` returns NULL
//! with errno ENOMEM when memory runs out.

use alloc::alloc::{alloc, dealloc};
use core::alloc::Layout;
use core::ffi::{c_int, c_long, c_uint};
use core::ptr::{self, NonNull};

use super::{Counter, Link, RawStack, Words};
use crate::syscall::Errno;
use crate::tls;

/// Moves `v` to the heap; NULL and ENOMEM when that fails.
fn boxed<T>(v: Option<T>) -> *mut T {
    if let Some(v) = v {
        // SAFETY: T is one of the structures above: not zero-sized.
        let p = unsafe { alloc(Layout::new::<T>()) }.cast::<T>();
        if !p.is_null() {
            // SAFETY: a fresh allocation for one T.
            unsafe { p.write(v) };
            return p;
        }
    }
    if let Some(data) = tls::thread_data_if_ready() {
        // SAFETY: the thread's own data.
        unsafe { (*data).errno = Errno::ENOMEM.0 };
    }
    ptr::null_mut()
}

/// Drops and frees what `boxed` returned.
///
/// # Safety
/// `p` must be NULL or from `boxed::<T>`, and not used afterwards.
unsafe fn unboxed<T>(p: *mut T) {
    if !p.is_null() {
        // SAFETY: per the caller.
        unsafe {
            p.drop_in_place();
            dealloc(p.cast(), Layout::new::<T>());
        }
    }
}

/// `int crt0_percpu_cpu(void)`: the CPU the caller runs on (rseq, else getcpu).
#[no_mangle]
pub extern "C" fn crt0_percpu_cpu() -> c_int {
    super::current_cpu() as c_int
}

/// `int crt0_percpu_node_id(void)`: the NUMA node from the rseq area, or -1.
#[no_mangle]
pub extern "C" fn crt0_percpu_node_id() -> c_int {
    super::node_id().map_or(-1, |n| n as c_int)
}

/// `int crt0_percpu_mm_cid(void)`: the concurrency ID from the rseq area, or -1.
#[no_mangle]
pub extern "C" fn crt0_percpu_mm_cid() -> c_int {
    super::mm_cid().map_or(-1, |n| n as c_int)
}

/// `unsigned crt0_percpu_possible_cpus(void)`: slots per per-CPU array.
#[no_mangle]
pub extern "C" fn crt0_percpu_possible_cpus() -> c_uint {
    super::possible_cpus()
}

/// `crt0_percpu_counter *crt0_percpu_counter_new(void)`.
#[no_mangle]
pub extern "C" fn crt0_percpu_counter_new() -> *mut Counter {
    boxed(Counter::try_new())
}

/// `int crt0_percpu_counter_add(crt0_percpu_counter *c, long n)`: returns the CPU used.
///
/// # Safety
/// `c` must come from `crt0_percpu_counter_new` and not be freed.
#[no_mangle]
pub unsafe extern "C" fn crt0_percpu_counter_add(c: *const Counter, n: c_long) -> c_int {
    // SAFETY: per the caller.
    unsafe { (*c).add(n) as c_int }
}

/// `long crt0_percpu_counter_sum(const crt0_percpu_counter *c)`.
///
/// # Safety
/// As `crt0_percpu_counter_add`.
#[no_mangle]
pub unsafe extern "C" fn crt0_percpu_counter_sum(c: *const Counter) -> c_long {
    // SAFETY: per the caller.
    unsafe { (*c).sum() as c_long }
}

/// `void crt0_percpu_counter_free(crt0_percpu_counter *c)`.
///
/// # Safety
/// `c` must be NULL or from `crt0_percpu_counter_new`, unused by any thread.
#[no_mangle]
pub unsafe extern "C" fn crt0_percpu_counter_free(c: *mut Counter) {
    // SAFETY: per the caller.
    unsafe { unboxed(c) }
}

/// `crt0_percpu_words *crt0_percpu_words_new(unsigned long init)`.
#[no_mangle]
pub extern "C" fn crt0_percpu_words_new(init: usize) -> *mut Words {
    boxed(Words::try_new(init))
}

/// `int crt0_percpu_words_compare_store(crt0_percpu_words *w, unsigned
/// long expected, unsigned long new, unsigned long *seen)`: on the
/// caller's CPU's word; returns the CPU, `*seen` the word found (equal to
/// `expected` when it stored; `seen` may be NULL).
///
/// # Safety
/// `w` from `crt0_percpu_words_new`, not freed; `seen` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn crt0_percpu_words_compare_store(w: *const Words, expected: usize, new: usize, seen: *mut usize) -> c_int {
    // SAFETY: per the caller.
    let (cpu, word) = match unsafe { (*w).compare_and_store(expected, new) } {
        Ok(cpu) => (cpu, expected),
        Err(found) => found,
    };
    if !seen.is_null() {
        // SAFETY: per the caller.
        unsafe { seen.write(word) };
    }
    cpu as c_int
}

/// `unsigned long crt0_percpu_words_load(const crt0_percpu_words *w, int
/// cpu)`: `cpu`'s word, 0 for a CPU without one.
///
/// # Safety
/// As `crt0_percpu_words_compare_store`.
#[no_mangle]
pub unsafe extern "C" fn crt0_percpu_words_load(w: *const Words, cpu: c_int) -> usize {
    // SAFETY: per the caller.
    let w = unsafe { &*w };
    if cpu < 0 || cpu as u32 >= w.len() { 0 } else { w.load(cpu as u32) }
}

/// `void crt0_percpu_words_free(crt0_percpu_words *w)`.
///
/// # Safety
/// `w` NULL or from `crt0_percpu_words_new`, unused by any thread.
#[no_mangle]
pub unsafe extern "C" fn crt0_percpu_words_free(w: *mut Words) {
    // SAFETY: per the caller.
    unsafe { unboxed(w) }
}

/// `crt0_percpu_stack *crt0_percpu_stack_new(void)`.
#[no_mangle]
pub extern "C" fn crt0_percpu_stack_new() -> *mut RawStack {
    boxed(RawStack::try_new())
}

/// `int crt0_percpu_stack_push(crt0_percpu_stack *s, struct crt0_percpu_link *node)`:
/// returns the CPU whose list took the node.
///
/// # Safety
/// `s` from `crt0_percpu_stack_new`, not freed; `node` valid, on no list,
/// and left alone until popped.
#[no_mangle]
pub unsafe extern "C" fn crt0_percpu_stack_push(s: *const RawStack, node: *mut Link) -> c_int {
    let Some(node) = NonNull::new(node) else { return -1 };
    // SAFETY: per the caller.
    unsafe { (*s).push(node) as c_int }
}

/// `struct crt0_percpu_link *crt0_percpu_stack_pop(crt0_percpu_stack *s)`:
/// the node pushed last on the caller's CPU's list, or NULL.
///
/// # Safety
/// As `crt0_percpu_stack_push`.
#[no_mangle]
pub unsafe extern "C" fn crt0_percpu_stack_pop(s: *const RawStack) -> *mut Link {
    // SAFETY: per the caller.
    unsafe { (*s).pop() }.map_or(ptr::null_mut(), NonNull::as_ptr)
}

/// `struct crt0_percpu_link *crt0_percpu_stack_pop_from(crt0_percpu_stack
/// *s, int cpu)`: from `cpu`'s list, under its lock.
///
/// # Safety
/// As `crt0_percpu_stack_push`.
#[no_mangle]
pub unsafe extern "C" fn crt0_percpu_stack_pop_from(s: *const RawStack, cpu: c_int) -> *mut Link {
    if cpu < 0 {
        return ptr::null_mut();
    }
    // SAFETY: per the caller.
    unsafe { (*s).pop_from(cpu as u32) }.map_or(ptr::null_mut(), NonNull::as_ptr)
}

/// `void crt0_percpu_stack_free(crt0_percpu_stack *s)`: frees the stack,
/// not the nodes still on it (pop them first if they must be freed).
///
/// # Safety
/// `s` NULL or from `crt0_percpu_stack_new`, unused by any thread.
#[no_mangle]
pub unsafe extern "C" fn crt0_percpu_stack_free(s: *mut RawStack) {
    // SAFETY: per the caller.
    unsafe { unboxed(s) }
}
