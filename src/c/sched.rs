//! CPUs, from `<sched.h>`: `sched_getcpu` (the rseq area's `cpu_id` when
//! the thread is registered: one load; else the vDSO's getcpu, else
//! getcpu(2)), `sched_getaffinity`, `sched_setaffinity`, and what the
//! `CPU_*` macros call (`__sched_cpucount`, `__sched_cpualloc`,
//! `__sched_cpufree`). `sched_yield` is with the threads.

use core::ffi::{c_int, c_ulong, c_void};

use super::errno::{ret_int, set_errno, sys};
use crate::syscall::Errno;

/// `int sched_getcpu(void)`.
#[no_mangle]
pub extern "C" fn sched_getcpu() -> c_int {
    if let Some(cpu) = crate::rseq::cpu_id().filter(|&c| c >= 0) {
        return cpu;
    }
    if let Some(cpu) = crate::vdso::getcpu() {
        return cpu as c_int;
    }
    match crate::syscall::getcpu() {
        Ok((cpu, _)) => cpu as c_int,
        Err(e) => {
            set_errno(e);
            -1
        }
    }
}

/// `int sched_getaffinity(pid_t pid, size_t size, cpu_set_t *set)`: as
/// glibc, the bytes of `set` past the kernel's mask are cleared.
///
/// # Safety
/// `set` writable for `size` bytes.
#[no_mangle]
pub unsafe extern "C" fn sched_getaffinity(pid: c_int, size: usize, set: *mut c_void) -> c_int {
    // SAFETY: the kernel writes at most `size` bytes (capped as glibc caps it).
    match unsafe { sys!(__NR_sched_getaffinity, pid, size.min(i32::MAX as usize), set) } {
        Ok(n) => {
            // SAFETY: n <= size: the rest of the caller's set.
            unsafe { core::ptr::write_bytes(set.cast::<u8>().add(n), 0, size - n) };
            0
        }
        Err(e) => {
            set_errno(e);
            -1
        }
    }
}

/// `int sched_setaffinity(pid_t pid, size_t size, const cpu_set_t *set)`.
///
/// # Safety
/// `set` readable for `size` bytes.
#[no_mangle]
pub unsafe extern "C" fn sched_setaffinity(pid: c_int, size: usize, set: *const c_void) -> c_int {
    // SAFETY: the kernel reads `size` bytes.
    ret_int(unsafe { sys!(__NR_sched_setaffinity, pid, size, set) })
}

/// `int __sched_cpucount(size_t size, const cpu_set_t *set)`: `CPU_COUNT`.
///
/// # Safety
/// `set` readable for `size` bytes (a whole number of longs, as the macros make it).
#[no_mangle]
pub unsafe extern "C" fn __sched_cpucount(size: usize, set: *const c_ulong) -> c_int {
    // SAFETY: per the caller.
    let words = unsafe { core::slice::from_raw_parts(set, size / core::mem::size_of::<c_ulong>()) };
    words.iter().map(|w| w.count_ones() as c_int).sum()
}

/// `cpu_set_t *__sched_cpualloc(size_t count)`: `CPU_ALLOC`, a set for CPUs
/// 0..count on the heap (NULL, ENOMEM when out of memory).
#[no_mangle]
pub extern "C" fn __sched_cpualloc(count: usize) -> *mut c_void {
    let bytes = count.div_ceil(8 * core::mem::size_of::<c_ulong>()) * core::mem::size_of::<c_ulong>();
    let p = crate::heap::malloc(bytes);
    if p.is_null() {
        set_errno(Errno::ENOMEM);
    }
    p.cast()
}

/// `void __sched_cpufree(cpu_set_t *set)`: `CPU_FREE`.
///
/// # Safety
/// `set` from `__sched_cpualloc`, not freed before.
#[no_mangle]
pub unsafe extern "C" fn __sched_cpufree(set: *mut c_void) {
    // SAFETY: per the caller.
    unsafe { crate::heap::free(set.cast()) };
}
