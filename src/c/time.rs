//! Time, from `<time.h>`, `<sys/time.h>` and `<unistd.h>`: `clock_gettime`,
//! `clock_getres`, `gettimeofday` and `time` through the vDSO (no system
//! call) where the kernel offers them, else the system call (qemu-user,
//! or a clock the vDSO does not serve, which it forwards itself);
//! `nanosleep`, `clock_nanosleep`, `sleep`, `usleep`, `clock`.
//! `struct timespec` and `struct timeval` are the kernel's on 64-bit Linux.

use core::ffi::{c_int, c_long, c_uint, c_void};

use super::errno::{ret_int, set_errno, sys};
use crate::syscall::Errno;
use crate::vdso;

/// `struct timespec`.
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct Timespec {
    pub sec: i64,
    pub nsec: c_long,
}

type ClockFn = unsafe extern "C" fn(c_int, *mut Timespec) -> c_long;
type TimeofdayFn = unsafe extern "C" fn(*mut c_void, *mut c_void) -> c_long;
type TimeFn = unsafe extern "C" fn(*mut i64) -> i64;

/// A vDSO function's result (0 or -errno) as C's.
fn vdso_ret(r: c_long) -> c_int {
    if r < 0 {
        set_errno(Errno(-r as i32));
        -1
    } else {
        0
    }
}

/// `int clock_gettime(clockid_t clock, struct timespec *ts)`.
///
/// # Safety
/// `ts` writable.
#[no_mangle]
pub unsafe extern "C" fn clock_gettime(clock: c_int, ts: *mut Timespec) -> c_int {
    if let Some(f) = vdso::CLOCK_GETTIME.get() {
        // SAFETY: the vDSO's clock_gettime, which writes `ts` (or fails).
        return vdso_ret(unsafe { core::mem::transmute::<usize, ClockFn>(f)(clock, ts) });
    }
    // SAFETY: the kernel writes one timespec.
    ret_int(unsafe { sys!(__NR_clock_gettime, clock, ts) })
}

/// `int clock_getres(clockid_t clock, struct timespec *res)`.
///
/// # Safety
/// `res` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn clock_getres(clock: c_int, res: *mut Timespec) -> c_int {
    if let Some(f) = vdso::CLOCK_GETRES.get() {
        // SAFETY: the vDSO's clock_getres, which writes a non-null `res`.
        return vdso_ret(unsafe { core::mem::transmute::<usize, ClockFn>(f)(clock, res) });
    }
    // SAFETY: the kernel writes one timespec to a non-null `res`.
    ret_int(unsafe { sys!(__NR_clock_getres, clock, res) })
}

/// `int gettimeofday(struct timeval *tv, void *tz)`.
///
/// # Safety
/// `tv` and `tz` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn gettimeofday(tv: *mut c_void, tz: *mut c_void) -> c_int {
    if let Some(f) = vdso::GETTIMEOFDAY.get() {
        // SAFETY: the vDSO's gettimeofday, which writes what is not null.
        return vdso_ret(unsafe { core::mem::transmute::<usize, TimeofdayFn>(f)(tv, tz) });
    }
    // SAFETY: the kernel writes what is not null.
    ret_int(unsafe { sys!(__NR_gettimeofday, tv, tz) })
}

/// `time_t time(time_t *t)`: the seconds of CLOCK_REALTIME.
///
/// # Safety
/// `t` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn time(t: *mut i64) -> i64 {
    let now = if let Some(f) = vdso::TIME.get() {
        // SAFETY: the vDSO's time, given no pointer to write.
        unsafe { core::mem::transmute::<usize, TimeFn>(f)(core::ptr::null_mut()) }
    } else {
        let mut ts = Timespec::default();
        // SAFETY: a live local.
        if unsafe { clock_gettime(0, &mut ts) } < 0 {
            return -1;
        }
        ts.sec
    };
    if !t.is_null() {
        // SAFETY: per the caller.
        unsafe { *t = now };
    }
    now
}

/// `clock_t clock(void)`: the process's CPU time in microseconds.
#[no_mangle]
pub extern "C" fn clock() -> c_long {
    let mut ts = Timespec::default();
    // SAFETY: a live local; 2 is CLOCK_PROCESS_CPUTIME_ID.
    if unsafe { clock_gettime(2, &mut ts) } < 0 {
        return -1;
    }
    ts.sec as c_long * 1_000_000 + ts.nsec / 1000
}

/// `int nanosleep(const struct timespec *req, struct timespec *rem)`.
///
/// # Safety
/// `req` readable, `rem` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nanosleep(req: *const Timespec, rem: *mut Timespec) -> c_int {
    // SAFETY: the kernel reads `req` and writes a non-null `rem`.
    ret_int(unsafe { sys!(__NR_nanosleep, req, rem) })
}

/// `int clock_nanosleep(clockid_t clock, int flags, const struct timespec *req,
/// struct timespec *rem)`: 0 or an error number (not errno). The calling
/// thread's CPU clock is EINVAL, as POSIX and glibc have it (the kernel
/// says EOPNOTSUPP).
///
/// # Safety
/// As `nanosleep`.
#[no_mangle]
pub unsafe extern "C" fn clock_nanosleep(clock: c_int, flags: c_int, req: *const Timespec, rem: *mut Timespec) -> c_int {
    const CLOCK_THREAD_CPUTIME_ID: c_int = linux_raw_sys::general::CLOCK_THREAD_CPUTIME_ID as c_int;
    if clock == CLOCK_THREAD_CPUTIME_ID {
        return Errno::EINVAL.0;
    }
    // SAFETY: the kernel reads `req` and writes a non-null `rem`.
    match unsafe { sys!(__NR_clock_nanosleep, clock, flags, req, rem) } {
        Ok(_) => 0,
        Err(e) => e.0,
    }
}

/// `unsigned sleep(unsigned seconds)`: 0, or the whole seconds left when a
/// signal handler interrupted it.
#[no_mangle]
pub extern "C" fn sleep(seconds: c_uint) -> c_uint {
    let mut ts = Timespec { sec: seconds as i64, nsec: 0 };
    // SAFETY: the kernel reads and writes the live local.
    match unsafe { sys!(__NR_nanosleep, &raw const ts, &raw mut ts) } {
        Ok(_) => 0,
        Err(_) => ts.sec as c_uint,
    }
}

/// `int usleep(useconds_t us)`.
#[no_mangle]
pub extern "C" fn usleep(us: c_uint) -> c_int {
    let ts = Timespec { sec: (us / 1_000_000) as i64, nsec: (us % 1_000_000) as c_long * 1000 };
    // SAFETY: the kernel reads the live local.
    unsafe { nanosleep(&ts, core::ptr::null_mut()) }
}
