//! futex(2): sleep while a 32-bit word holds an expected value, and wake
//! sleepers on a word. Waits take an absolute deadline on CLOCK_REALTIME
//! or CLOCK_MONOTONIC (FUTEX_WAIT_BITSET measures either), so a caller
//! woken early waits again with the same deadline. Private futexes (the
//! default) are faster; a word in memory shared between processes needs
//! `shared`.

use core::sync::atomic::AtomicU32;

use linux_raw_sys::general::{
    FUTEX_BITSET_MATCH_ANY, FUTEX_CLOCK_REALTIME, FUTEX_PRIVATE_FLAG, FUTEX_WAIT_BITSET, FUTEX_WAKE,
};

use crate::syscall::{raw, Errno};

const FUTEX: usize = linux_raw_sys::general::__NR_futex as usize;

/// `struct timespec`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct Timespec {
    /// Seconds.
    pub sec: i64,
    /// Nanoseconds, 0 to 999,999,999.
    pub nsec: i64,
}

/// The clocks a deadline may be on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clock {
    /// CLOCK_REALTIME: wall-clock time, which may jump.
    Realtime,
    /// CLOCK_MONOTONIC: time since boot, never going back.
    Monotonic,
}

impl Clock {
    /// The clock of a `clockid_t`: CLOCK_REALTIME (0) or CLOCK_MONOTONIC (1).
    pub fn from_id(id: i32) -> Option<Clock> {
        match id {
            0 => Some(Clock::Realtime),
            1 => Some(Clock::Monotonic),
            _ => None,
        }
    }
}

/// A point in time on a clock.
#[derive(Clone, Copy, Debug)]
pub struct Deadline {
    /// When.
    pub at: Timespec,
    /// On which clock.
    pub clock: Clock,
}

/// The word did not hold the expected value.
pub const EAGAIN: Errno = Errno(linux_raw_sys::errno::EAGAIN as i32);
/// A signal interrupted the wait.
pub const EINTR: Errno = Errno(linux_raw_sys::errno::EINTR as i32);
/// The deadline passed.
pub const ETIMEDOUT: Errno = Errno(linux_raw_sys::errno::ETIMEDOUT as i32);

fn op(base: u32, shared: bool) -> usize {
    (if shared { base } else { base | FUTEX_PRIVATE_FLAG }) as usize
}

/// Sleeps while `word` holds `expected`, until woken or `deadline`.
/// Ok(()) when woken; EAGAIN when the word did not hold `expected`; EINTR
/// after a signal handler; ETIMEDOUT at the deadline (a deadline before
/// 1970 counts as passed). Any of them may also be spurious: callers look
/// at the word again.
pub fn wait(word: &AtomicU32, expected: u32, deadline: Option<&Deadline>, shared: bool) -> Result<(), Errno> {
    let mut code = op(FUTEX_WAIT_BITSET, shared);
    let ts = match deadline {
        None => 0,
        Some(d) if d.at.sec < 0 => return Err(ETIMEDOUT),
        Some(d) => {
            if d.clock == Clock::Realtime {
                code |= FUTEX_CLOCK_REALTIME as usize;
            }
            &raw const d.at as usize
        }
    };
    // SAFETY: the kernel reads the word (alive as long as the reference)
    // and the timespec, a live local or null.
    unsafe { raw(FUTEX, [word.as_ptr() as usize, code, expected as usize, ts, 0, FUTEX_BITSET_MATCH_ANY as usize]) }
        .map(|_| ())
}

/// Wakes up to `n` sleepers on `word` (`i32::MAX`: all); returns how many woke.
pub fn wake(word: &AtomicU32, n: i32, shared: bool) -> usize {
    // SAFETY: FUTEX_WAKE only uses the word's address as a key.
    unsafe { raw(FUTEX, [word.as_ptr() as usize, op(FUTEX_WAKE, shared), n as usize, 0, 0, 0]) }.unwrap_or(0)
}
