//! Scheduling helpers for the per-CPU stress tests: the allowed CPUs,
//! affinity changes, and a per-thread interval timer (timer_create with
//! SIGEV_THREAD_ID) that keeps interrupting one thread with a signal.

use crt0::syscall::{nr, raw};

/// The calls crt0 has no number for, for the architecture being built.
mod more_nr {
    use linux_raw_sys::general as g;
    pub const SCHED_GETAFFINITY: usize = g::__NR_sched_getaffinity as usize;
    pub const TIMER_CREATE: usize = g::__NR_timer_create as usize;
    pub const TIMER_SETTIME: usize = g::__NR_timer_settime as usize;
    pub const TIMER_DELETE: usize = g::__NR_timer_delete as usize;
    pub const SCHED_YIELD: usize = g::__NR_sched_yield as usize;
}
use more_nr::*;

/// A CPU mask as sched_{get,set}affinity use it (up to 1024 CPUs).
pub type Mask = [u64; 16];

/// The calling thread's CPU mask.
pub fn affinity() -> Mask {
    let mut mask = [0u64; 16];
    // SAFETY: the kernel writes at most size_of_val(&mask) bytes.
    let _ = unsafe { raw(SCHED_GETAFFINITY, [0, core::mem::size_of_val(&mask), mask.as_mut_ptr() as usize, 0, 0, 0]) };
    mask
}

/// Sets the calling thread's CPU mask.
pub fn set_affinity(mask: &Mask) -> bool {
    // SAFETY: the kernel reads the mask only.
    unsafe { raw(nr::SCHED_SETAFFINITY, [0, core::mem::size_of_val(mask), mask.as_ptr() as usize, 0, 0, 0]) }.is_ok()
}

/// The CPUs in `mask`, in order, into `out`; returns how many.
pub fn cpus_in(mask: &Mask, out: &mut [u32]) -> usize {
    let mut n = 0;
    for cpu in 0..(mask.len() * 64) as u32 {
        if mask[(cpu / 64) as usize] & (1 << (cpu % 64)) != 0 && n < out.len() {
            out[n] = cpu;
            n += 1;
        }
    }
    n
}

/// sched_yield(2).
pub fn yield_now() {
    // SAFETY: no arguments.
    let _ = unsafe { raw(SCHED_YIELD, [0; 6]) };
}

/// A POSIX timer that sends `sig` to one thread every `period_ns`.
pub struct ThreadTimer(usize);

impl ThreadTimer {
    /// Starts a CLOCK_MONOTONIC timer aimed at the calling thread.
    pub fn start(sig: i32, period_ns: u64) -> Option<ThreadTimer> {
        const CLOCK_MONOTONIC: usize = 1;
        const SIGEV_THREAD_ID: i32 = 4;
        // SAFETY: gettid takes no argument.
        let tid = unsafe { raw(nr::GETTID, [0; 6]) }.ok()? as i32;
        // The kernel's struct sigevent (64 bytes): value, signo, notify,
        // then the thread id.
        let mut sev = [0i32; 16];
        sev[2] = sig;
        sev[3] = SIGEV_THREAD_ID;
        sev[4] = tid;
        let mut id: i32 = 0;
        // SAFETY: reads the sigevent, writes the timer id: both live locals.
        unsafe { raw(TIMER_CREATE, [CLOCK_MONOTONIC, sev.as_ptr() as usize, &raw mut id as usize, 0, 0, 0]) }.ok()?;
        let ts = [(period_ns / 1_000_000_000) as i64, (period_ns % 1_000_000_000) as i64];
        // struct itimerspec: the interval, then the first expiry.
        let spec = [ts[0], ts[1], ts[0], ts[1]];
        // SAFETY: reads the itimerspec only.
        unsafe { raw(TIMER_SETTIME, [id as usize, 0, spec.as_ptr() as usize, 0, 0, 0]) }.ok()?;
        Some(ThreadTimer(id as usize))
    }
}

impl Drop for ThreadTimer {
    fn drop(&mut self) {
        // SAFETY: deletes our own timer.
        let _ = unsafe { raw(TIMER_DELETE, [self.0, 0, 0, 0, 0, 0]) };
    }
}

/// A small per-thread random generator (xorshift64).
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}
