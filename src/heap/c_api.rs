//! The C malloc family (declared in `crt/crt0.h`), over the heap's Rust
//! interface. Failures return NULL and set `errno` to ENOMEM (EINVAL for
//! an alignment that is not a power of two), as POSIX says.

use core::ffi::{c_int, c_void};
use core::ptr;

use super::process as heap;
use crate::syscall::Errno;
use crate::tls;

/// Sets the calling thread's errno (nowhere before TLS exists).
#[cold]
fn set_errno(e: Errno) {
    if let Some(data) = tls::thread_data_if_ready() {
        // SAFETY: the thread's own data.
        unsafe { (*data).errno = e.0 };
    }
}

/// NULL with errno ENOMEM when `p` is null.
#[inline(always)]
fn checked(p: *mut u8) -> *mut c_void {
    if p.is_null() {
        set_errno(Errno::ENOMEM);
    }
    p.cast()
}

/// `void *malloc(size_t n)`: at least `n` bytes (`n` 0: a unique pointer), 16-aligned.
#[no_mangle]
pub extern "C" fn malloc(n: usize) -> *mut c_void {
    checked(heap::malloc(n))
}

/// `void free(void *p)`.
///
/// # Safety
/// `p` must be NULL or a live block from this heap.
#[no_mangle]
pub unsafe extern "C" fn free(p: *mut c_void) {
    // SAFETY: per the caller.
    unsafe { heap::free(p.cast()) }
}

/// `void *calloc(size_t n, size_t size)`: `n * size` zeroed bytes; NULL
/// and ENOMEM when the product overflows.
#[no_mangle]
pub extern "C" fn calloc(n: usize, size: usize) -> *mut c_void {
    match n.checked_mul(size) {
        Some(total) => checked(heap::calloc(total)),
        None => checked(ptr::null_mut()),
    }
}

/// `void *realloc(void *p, size_t n)`: NULL `p` is malloc(n); `n` 0 frees
/// `p` and returns a new minimum-size block; on failure NULL (ENOMEM) with
/// `p` untouched.
///
/// # Safety
/// `p` must be NULL or a live block from this heap.
#[no_mangle]
pub unsafe extern "C" fn realloc(p: *mut c_void, n: usize) -> *mut c_void {
    // SAFETY: per the caller.
    checked(unsafe { heap::realloc(p.cast(), n) })
}

/// `void *reallocarray(void *p, size_t n, size_t size)`: realloc to
/// `n * size` bytes; NULL and ENOMEM, `p` untouched, when it overflows.
///
/// # Safety
/// As realloc.
#[no_mangle]
pub unsafe extern "C" fn reallocarray(p: *mut c_void, n: usize, size: usize) -> *mut c_void {
    match n.checked_mul(size) {
        // SAFETY: per the caller.
        Some(total) => unsafe { realloc(p, total) },
        None => checked(ptr::null_mut()),
    }
}

/// `void *aligned_alloc(size_t align, size_t n)`: `align` must be a power
/// of two (else NULL and EINVAL).
#[no_mangle]
pub extern "C" fn aligned_alloc(align: usize, n: usize) -> *mut c_void {
    if !align.is_power_of_two() {
        set_errno(Errno::EINVAL);
        return ptr::null_mut();
    }
    checked(heap::aligned_alloc(align, n))
}

/// `void *memalign(size_t align, size_t n)`: as aligned_alloc, but an
/// alignment that is not a power of two is rounded up to one (as glibc does).
#[no_mangle]
pub extern "C" fn memalign(align: usize, n: usize) -> *mut c_void {
    match align.checked_next_power_of_two() {
        Some(a) => checked(heap::aligned_alloc(a, n)),
        None => checked(ptr::null_mut()),
    }
}

/// `int posix_memalign(void **out, size_t align, size_t n)`: 0, EINVAL when
/// `align` is not a power of two multiple of `sizeof(void *)`, ENOMEM when
/// out of memory; `*out` is written only on success and errno never.
///
/// # Safety
/// `out` must be writable.
#[no_mangle]
pub unsafe extern "C" fn posix_memalign(out: *mut *mut c_void, align: usize, n: usize) -> c_int {
    if !align.is_power_of_two() || align < core::mem::size_of::<*mut c_void>() {
        return Errno::EINVAL.0;
    }
    let p = heap::aligned_alloc(align, n);
    if p.is_null() {
        return Errno::ENOMEM.0;
    }
    // SAFETY: per the caller.
    unsafe { out.write(p.cast()) };
    0
}

/// `size_t malloc_usable_size(void *p)`: the bytes usable at `p` (0 for NULL).
///
/// # Safety
/// `p` must be NULL or a live block from this heap.
#[no_mangle]
pub unsafe extern "C" fn malloc_usable_size(p: *mut c_void) -> usize {
    if p.is_null() {
        return 0;
    }
    // SAFETY: per the caller.
    unsafe { heap::usable_size(p.cast()) }
}

/// glibc's `M_MMAP_THRESHOLD` parameter of mallopt.
const M_MMAP_THRESHOLD: c_int = -3;

/// `int mallopt(int param, int value)`: only `M_MMAP_THRESHOLD` (-3):
/// requests of at least `value` bytes get a mapping of their own (clamped
/// to 4089..=32 MiB). Returns 1 on success, 0 for other parameters.
#[no_mangle]
pub extern "C" fn mallopt(param: c_int, value: c_int) -> c_int {
    if param == M_MMAP_THRESHOLD && value >= 0 {
        heap::set_mmap_threshold(value as usize);
        1
    } else {
        0
    }
}

/// `int malloc_trim(size_t pad)`: gives the calling thread's cached blocks
/// back to the heap and the cached large mappings back to the kernel.
/// Returns 1.
#[no_mangle]
pub extern "C" fn malloc_trim(_pad: usize) -> c_int {
    heap::trim();
    1
}
