//! Memory mappings, from `<sys/mman.h>`: `mmap` (and `mmap64`), `munmap`,
//! `mprotect`, `madvise`.

use core::ffi::{c_int, c_void};

use super::errno::{ret_int, set_errno, sys};

/// `MAP_FAILED`.
const MAP_FAILED: *mut c_void = usize::MAX as *mut c_void;

/// `void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset)`:
/// MAP_FAILED with errno on failure.
///
/// # Safety
/// A mapping over memory in use (MAP_FIXED) replaces it.
#[no_mangle]
pub unsafe extern "C" fn mmap(addr: *mut c_void, len: usize, prot: c_int, flags: c_int, fd: c_int, offset: i64) -> *mut c_void {
    // SAFETY: per the caller.
    match unsafe { sys!(__NR_mmap, addr, len, prot, flags, fd, offset) } {
        Ok(p) => p as *mut c_void,
        Err(e) => {
            set_errno(e);
            MAP_FAILED
        }
    }
}

/// `mmap64`: `mmap`.
///
/// # Safety
/// As `mmap`.
#[no_mangle]
pub unsafe extern "C" fn mmap64(addr: *mut c_void, len: usize, prot: c_int, flags: c_int, fd: c_int, offset: i64) -> *mut c_void {
    // SAFETY: per the caller.
    unsafe { mmap(addr, len, prot, flags, fd, offset) }
}

/// `int munmap(void *addr, size_t len)`.
///
/// # Safety
/// Nothing may use the range afterwards.
#[no_mangle]
pub unsafe extern "C" fn munmap(addr: *mut c_void, len: usize) -> c_int {
    // SAFETY: per the caller.
    ret_int(unsafe { sys!(__NR_munmap, addr, len) })
}

/// `int mprotect(void *addr, size_t len, int prot)`.
///
/// # Safety
/// Nothing may rely on an access `prot` takes away.
#[no_mangle]
pub unsafe extern "C" fn mprotect(addr: *mut c_void, len: usize, prot: c_int) -> c_int {
    // SAFETY: per the caller.
    ret_int(unsafe { sys!(__NR_mprotect, addr, len, prot) })
}

/// `int madvise(void *addr, size_t len, int advice)`.
///
/// # Safety
/// Advice that discards pages (MADV_DONTNEED) zeroes what they held.
#[no_mangle]
pub unsafe extern "C" fn madvise(addr: *mut c_void, len: usize, advice: c_int) -> c_int {
    // SAFETY: per the caller.
    ret_int(unsafe { sys!(__NR_madvise, addr, len, advice) })
}
