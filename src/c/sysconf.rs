//! `sysconf` and `getpagesize` (`<unistd.h>`): the limits and options of
//! POSIX, with glibc's values for what is fixed and the kernel's answer
//! (auxv, resource limits, sysfs, sysinfo) for what is not.

use core::ffi::{c_int, c_long};

use super::errno::{set_errno, sys};
use crate::syscall::Errno;
use crate::{auxv, syscall};

/// `int getpagesize(void)`: AT_PAGESZ.
#[no_mangle]
pub extern "C" fn getpagesize() -> c_int {
    page_size() as c_int
}

fn page_size() -> c_long {
    match auxv::value(auxv::AT_PAGESZ) {
        0 => 4096,
        p => p as c_long,
    }
}

/// `rlim_cur` of a resource (prlimit64 on the calling process), or `None`.
fn soft_limit(resource: u32) -> Option<c_long> {
    let mut lim = [0u64; 2];
    // SAFETY: prlimit64 writes one struct rlimit64 (two u64s) into `lim`.
    unsafe { sys!(__NR_prlimit64, 0, resource, 0, lim.as_mut_ptr()) }.ok()?;
    Some(lim[0] as c_long) // RLIM_INFINITY becomes -1, as in glibc
}

/// The CPUs in a kernel CPU list ("0-3,8\n" is 5), or `None`.
fn count_cpu_list(text: &[u8]) -> Option<c_long> {
    let (mut count, mut n, mut start): (c_long, Option<c_long>, Option<c_long>) = (0, None, None);
    for &b in text {
        match b {
            b'0'..=b'9' => n = Some(n.unwrap_or(0).checked_mul(10)?.checked_add((b - b'0') as c_long)?),
            b'-' => start = Some(n.take()?),
            b',' | b'\n' => {
                let end = n.take()?;
                count += end - start.take().unwrap_or(end) + 1;
                if b == b'\n' {
                    break;
                }
            }
            _ => return None,
        }
    }
    if let Some(end) = n {
        count += end - start.unwrap_or(end) + 1;
    }
    (count > 0).then_some(count)
}

/// The CPUs listed in a sysfs file, `None` when it cannot be read.
fn cpus_in(path: &core::ffi::CStr) -> Option<c_long> {
    let mut buf = [0u8; 512];
    // SAFETY: openat reads the NUL-terminated path; read writes at most
    // `buf.len()` bytes; close takes an integer.
    let len = unsafe {
        let fd = sys!(__NR_openat, linux_raw_sys::general::AT_FDCWD, path.as_ptr(), linux_raw_sys::general::O_CLOEXEC).ok()?;
        let len = syscall::read(fd as i32, buf.as_mut_ptr(), buf.len());
        let _ = sys!(__NR_close, fd);
        len.ok()?
    };
    count_cpu_list(&buf[..len])
}

/// The CPUs this thread may run on (sched_getaffinity), at least 1.
fn affinity_count() -> c_long {
    let mut mask = [0u64; 64];
    // SAFETY: the kernel writes at most the mask's size.
    match unsafe { sys!(__NR_sched_getaffinity, 0, core::mem::size_of_val(&mask), mask.as_mut_ptr()) } {
        Ok(_) => mask.iter().map(|w| w.count_ones() as c_long).sum::<c_long>().max(1),
        Err(_) => 1,
    }
}

/// Total or free memory in pages, from sysinfo(2).
fn memory_pages(free: bool) -> c_long {
    // struct sysinfo: uptime, loads[3], totalram, freeram, ..., mem_unit
    // (a u32 at byte 104 on 64-bit); 112 bytes in all.
    let mut info = [0u64; 14];
    // SAFETY: sysinfo writes one struct sysinfo, which fits.
    if unsafe { sys!(__NR_sysinfo, info.as_mut_ptr()) }.is_err() {
        return -1;
    }
    let unit = (info[13] & 0xffff_ffff).max(1);
    let bytes = if free { info[5] } else { info[4] }.saturating_mul(unit);
    (bytes / page_size() as u64) as c_long
}

/// `long sysconf(int name)`: -1 with EINVAL for a name crt0 does not know;
/// -1 without errno for a limit that has none.
#[no_mangle]
pub extern "C" fn sysconf(name: c_int) -> c_long {
    const POSIX: c_long = 200809;
    const TABLE: &[(c_int, c_long)] = &[
        (2, 100),    // _SC_CLK_TCK: USER_HZ
        (3, 65536),  // _SC_NGROUPS_MAX
        (5, 16),     // _SC_STREAM_MAX
        (6, -1),     // _SC_TZNAME_MAX
        (7, 1),      // _SC_JOB_CONTROL
        (8, 1),      // _SC_SAVED_IDS
        (11, POSIX), // _SC_TIMERS
        (15, POSIX), // _SC_FSYNC
        (16, POSIX), // _SC_MAPPED_FILES
        (21, POSIX), // _SC_SEMAPHORES
        (26, i32::MAX as c_long), // _SC_DELAYTIMER_MAX
        (29, POSIX), // _SC_VERSION
        (31, 32),    // _SC_RTSIG_MAX
        (33, i32::MAX as c_long), // _SC_SEM_VALUE_MAX
        (35, -1),    // _SC_TIMER_MAX
        (36, 99),    // _SC_BC_BASE_MAX
        (43, 2048),  // _SC_LINE_MAX
        (44, 32767), // _SC_RE_DUP_MAX
        (46, POSIX), // _SC_2_VERSION
        (60, 1024),  // _SC_IOV_MAX
        (67, POSIX), // _SC_THREADS
        (68, POSIX), // _SC_THREAD_SAFE_FUNCTIONS
        (69, 1024),  // _SC_GETGR_R_SIZE_MAX
        (70, 1024),  // _SC_GETPW_R_SIZE_MAX
        (71, 256),   // _SC_LOGIN_NAME_MAX
        (72, 32),    // _SC_TTY_NAME_MAX
        (73, 4),     // _SC_THREAD_DESTRUCTOR_ITERATIONS
        (74, 1024),  // _SC_THREAD_KEYS_MAX
        (76, -1),    // _SC_THREAD_THREADS_MAX
        (87, i32::MAX as c_long), // _SC_ATEXIT_MAX
        (89, 700),   // _SC_XOPEN_VERSION
        (109, 20),   // _SC_NZERO
        (133, POSIX), // _SC_BARRIERS
        (137, POSIX), // _SC_CLOCK_SELECTION
        (149, POSIX), // _SC_MONOTONIC_CLOCK
        (153, POSIX), // _SC_READER_WRITER_LOCKS
        (154, POSIX), // _SC_SPIN_LOCKS
        (164, POSIX), // _SC_TIMEOUTS
        (173, -1),   // _SC_SYMLOOP_MAX
        (180, 64),   // _SC_HOST_NAME_MAX
    ];
    match name {
        // _SC_ARG_MAX: a quarter of the stack limit, at least 128 KiB (the kernel's rule).
        0 => soft_limit(3).map_or(131072, |s| if s < 0 { s } else { (s / 4).max(131072) }),
        1 => soft_limit(6).unwrap_or(-1),  // _SC_CHILD_MAX: RLIMIT_NPROC
        4 => soft_limit(7).unwrap_or(256), // _SC_OPEN_MAX: RLIMIT_NOFILE
        30 => page_size(),                 // _SC_PAGESIZE
        34 => soft_limit(11).unwrap_or(-1), // _SC_SIGQUEUE_MAX: RLIMIT_SIGPENDING
        75 => crate::thread::MIN_STACK_SIZE as c_long, // _SC_THREAD_STACK_MIN
        83 => cpus_in(c"/sys/devices/system/cpu/possible").unwrap_or_else(affinity_count), // _SC_NPROCESSORS_CONF
        84 => cpus_in(c"/sys/devices/system/cpu/online").unwrap_or_else(affinity_count), // _SC_NPROCESSORS_ONLN
        85 => memory_pages(false), // _SC_PHYS_PAGES
        86 => memory_pages(true),  // _SC_AVPHYS_PAGES
        _ => match TABLE.iter().find(|(n, _)| *n == name) {
            Some(&(_, v)) => v,
            None => {
                set_errno(Errno::EINVAL);
                -1
            }
        },
    }
}
