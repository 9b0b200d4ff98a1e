//! Waiting for descriptors: `poll` (`<poll.h>`), `select` (`<sys/select.h>`)
//! and their fortified forms. Both go through the system calls every
//! architecture has (ppoll, pselect6: aarch64 has neither poll nor select).

use core::ffi::{c_int, c_long, c_ulong, c_void};

use super::errno::{ret_int, sys};
use super::fortify::chk_fail;

/// The kernel's (and C's) `struct timespec`.
#[repr(C)]
#[derive(Clone, Copy, Default)]
struct Timespec {
    sec: i64,
    nsec: c_long,
}

/// C's `struct timeval`.
#[repr(C)]
struct Timeval {
    sec: i64,
    usec: c_long,
}

/// `int poll(struct pollfd *fds, nfds_t n, int timeout_ms)`: a negative
/// timeout waits for ever.
///
/// # Safety
/// `fds` readable and writable for `n` entries.
#[no_mangle]
pub unsafe extern "C" fn poll(fds: *mut c_void, n: c_ulong, timeout_ms: c_int) -> c_int {
    let ts = Timespec { sec: (timeout_ms / 1000) as i64, nsec: (timeout_ms % 1000) as c_long * 1_000_000 };
    let tsp = if timeout_ms < 0 { core::ptr::null() } else { &raw const ts };
    // SAFETY: the kernel reads and writes `n` pollfds and reads the timeout.
    ret_int(unsafe { sys!(__NR_ppoll, fds, n, tsp, 0, 8) })
}

/// `__poll_chk(fds, n, timeout, fdslen)`: `poll` on an array of `fdslen` bytes.
///
/// # Safety
/// As `poll`.
#[no_mangle]
pub unsafe extern "C" fn __poll_chk(fds: *mut c_void, n: c_ulong, timeout_ms: c_int, fdslen: usize) -> c_int {
    // struct pollfd is 8 bytes.
    if (fdslen / 8) < n as usize {
        chk_fail();
    }
    // SAFETY: per the caller.
    unsafe { poll(fds, n, timeout_ms) }
}

/// `int select(int n, fd_set *r, fd_set *w, fd_set *e, struct timeval *timeout)`:
/// as Linux's select, the timeout is updated with the time not slept.
///
/// # Safety
/// Each set NULL or a writable `fd_set` covering `n` descriptors; `timeout`
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn select(n: c_int, r: *mut c_void, w: *mut c_void, e: *mut c_void, timeout: *mut c_void) -> c_int {
    let tv = timeout.cast::<Timeval>();
    let mut ts = Timespec::default();
    let tsp = if tv.is_null() {
        core::ptr::null_mut()
    } else {
        // SAFETY: per the caller, a readable timeval. As Linux's select,
        // whole seconds in `usec` carry into `sec`; a negative field is
        // EINVAL (the kernel refuses the negative timespec made of it).
        unsafe {
            let (sec, usec) = ((*tv).sec, (*tv).usec);
            ts = if sec < 0 || usec < 0 {
                Timespec { sec: -1, nsec: 0 }
            } else {
                Timespec { sec: sec.saturating_add(usec / 1_000_000), nsec: (usec % 1_000_000) * 1000 }
            };
        }
        &raw mut ts
    };
    // SAFETY: the kernel reads and writes the sets and the timespec; no
    // signal mask (the sixth argument is NULL).
    let r = unsafe { sys!(__NR_pselect6, n, r, w, e, tsp, 0) };
    if !tv.is_null() && r.is_ok() {
        // SAFETY: per the caller, a writable timeval.
        unsafe { *tv = Timeval { sec: ts.sec, usec: ts.nsec / 1000 } };
    }
    ret_int(r)
}

/// `long __fdelt_chk(long fd)`: the word of an `fd_set` that `FD_SET` and
/// friends touch for `fd`, checked to be inside the set (FD_SETSIZE 1024).
#[no_mangle]
pub extern "C" fn __fdelt_chk(fd: c_long) -> c_long {
    if !(0..1024).contains(&fd) {
        chk_fail();
    }
    fd / 64
}
