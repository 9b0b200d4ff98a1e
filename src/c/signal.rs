//! Signals, from `<signal.h>`, `<sys/time.h>` and `<unistd.h>`: `sigaction`,
//! `signal`, `sigprocmask`, `pthread_sigmask`, `raise`, `alarm`,
//! `setitimer`, `getitimer`, `sigpending`, `sigsuspend`, the `sigset_t`
//! helpers, and what `SIGRTMIN`/`SIGRTMAX` expand to.
//!
//! C's types are glibc's, not the kernel's: `sigset_t` is 128 bytes (1024
//! signals) where the kernel's is 8 (64 signals), and `struct sigaction`
//! is handler, mask, int flags, restorer (152 bytes) where the kernel's is
//! handler, long flags, restorer, mask. Each call translates, through
//! `crate::signal`, which installs crt0's restorer on x86_64. As glibc,
//! signals 32 and 33 are refused (glibc keeps them for its threads; crt0
//! does not use them, but programs written for glibc get its answers) and
//! SIGRTMIN is 34; `sigfillset` leaves them out.

use core::ffi::{c_int, c_uint, c_void};

use super::errno::{ret_int, set_errno, sys};
use crate::signal::{self, KernelSigaction};
use crate::syscall::Errno;

/// glibc's `sigset_t`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct SigSet {
    words: [u64; 16],
}

/// glibc's `struct sigaction`.
#[repr(C)]
pub struct SigAction {
    handler: usize,
    mask: SigSet,
    flags: c_int,
    restorer: usize,
}

/// The first real-time signal glibc gives programs (`SIGRTMIN`): the kernel's
/// first, 32, after the two glibc keeps for its threads.
const SIGRTMIN: c_int = linux_raw_sys::general::SIGRTMIN as c_int + 2;
/// The last signal (`SIGRTMAX`; the kernel's `_NSIG`, signals being numbered from 1).
const SIGRTMAX: c_int = linux_raw_sys::general::_NSIG as c_int;
/// glibc's `SIG_ERR`, `(void (*)(int))-1`.
const SIG_ERR: usize = usize::MAX;
const SA_RESTART: c_int = linux_raw_sys::general::SA_RESTART as c_int;
const SIG_UNBLOCK: c_int = linux_raw_sys::general::SIG_UNBLOCK as c_int;
/// Signals 32 and 33 in a kernel mask.
const RESERVED: u64 = 3 << 31;

/// A signal number a program may use (1-31, 34-64).
fn usable(sig: c_int) -> bool {
    (1..=SIGRTMAX).contains(&sig) && sig != 32 && sig != 33
}

fn einval() -> c_int {
    set_errno(Errno::EINVAL);
    -1
}

/// `int __libc_current_sigrtmin(void)`: what `SIGRTMIN` expands to.
#[no_mangle]
pub extern "C" fn __libc_current_sigrtmin() -> c_int {
    SIGRTMIN
}

/// `int __libc_current_sigrtmax(void)`: what `SIGRTMAX` expands to.
#[no_mangle]
pub extern "C" fn __libc_current_sigrtmax() -> c_int {
    SIGRTMAX
}

/// `int sigaction(int sig, const struct sigaction *act, struct sigaction *old)`.
/// `old`'s mask gets the kernel's 64 signals, the rest cleared.
///
/// # Safety
/// `act` NULL or readable, `old` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn sigaction(sig: c_int, act: *const SigAction, old: *mut SigAction) -> c_int {
    if !usable(sig) {
        return einval();
    }
    // SAFETY: per the caller.
    let new = unsafe { act.as_ref() }.map(|a| KernelSigaction::new(a.handler, a.flags as c_uint as usize, a.restorer, a.mask.words[0]));
    let mut k_old = KernelSigaction::default();
    if let Err(e) = signal::action(sig, new.as_ref(), (!old.is_null()).then_some(&mut k_old)) {
        set_errno(e);
        return -1;
    }
    // SAFETY: per the caller, a writable sigaction when not null.
    if let Some(o) = unsafe { old.as_mut() } {
        o.handler = k_old.handler;
        o.mask.words = [0; 16];
        o.mask.words[0] = k_old.mask;
        o.flags = k_old.flags as c_int;
        o.restorer = k_old.restorer();
    }
    0
}

/// `sighandler_t signal(int sig, sighandler_t handler)`: BSD semantics, as
/// glibc: the handler stays installed, interrupted system calls restart,
/// and the signal is blocked while its handler runs. SIG_ERR (EINVAL) for
/// a signal that cannot be caught.
#[no_mangle]
pub extern "C" fn signal(sig: c_int, handler: usize) -> usize {
    if !usable(sig) {
        einval();
        return SIG_ERR;
    }
    let new = KernelSigaction::new(handler, SA_RESTART as usize, 0, 1 << (sig - 1));
    let mut old = KernelSigaction::default();
    match signal::action(sig, Some(&new), Some(&mut old)) {
        Ok(()) => old.handler,
        Err(e) => {
            set_errno(e);
            SIG_ERR
        }
    }
}

/// rt_sigprocmask with glibc's sets: the kernel reads and writes their
/// first 64 signals; 32 and 33 are never blocked.
///
/// # Safety
/// `set` NULL or readable, `old` NULL or writable.
unsafe fn mask(how: c_int, set: *const SigSet, old: *mut SigSet) -> Result<usize, Errno> {
    // SAFETY: per the caller.
    let word = unsafe { set.as_ref() }.map(|s| if how == SIG_UNBLOCK { s.words[0] } else { s.words[0] & !RESERVED });
    let set_ptr = word.as_ref().map_or(0, |w| w as *const u64 as usize);
    // SAFETY: the kernel reads the live word and writes 8 bytes to `old`.
    unsafe { sys!(__NR_rt_sigprocmask, how, set_ptr, old, 8) }
}

/// `int sigprocmask(int how, const sigset_t *set, sigset_t *old)`.
///
/// # Safety
/// `set` NULL or readable, `old` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn sigprocmask(how: c_int, set: *const SigSet, old: *mut SigSet) -> c_int {
    // SAFETY: per the caller.
    ret_int(unsafe { mask(how, set, old) })
}

/// `int pthread_sigmask(int how, const sigset_t *set, sigset_t *old)`: as
/// `sigprocmask`, returning the error number.
///
/// # Safety
/// As `sigprocmask`.
#[no_mangle]
pub unsafe extern "C" fn pthread_sigmask(how: c_int, set: *const SigSet, old: *mut SigSet) -> c_int {
    // SAFETY: per the caller.
    unsafe { mask(how, set, old) }.err().map_or(0, |e| e.0)
}

/// `int sigpending(sigset_t *set)`.
///
/// # Safety
/// `set` writable.
#[no_mangle]
pub unsafe extern "C" fn sigpending(set: *mut SigSet) -> c_int {
    // SAFETY: the kernel writes 8 bytes.
    ret_int(unsafe { sys!(__NR_rt_sigpending, set, 8) })
}

/// `int sigsuspend(const sigset_t *mask)`: waits for a handled signal with
/// `mask` in place; -1 with EINTR.
///
/// # Safety
/// `mask` readable.
#[no_mangle]
pub unsafe extern "C" fn sigsuspend(mask: *const SigSet) -> c_int {
    // SAFETY: the kernel reads 8 bytes.
    ret_int(unsafe { sys!(__NR_rt_sigsuspend, mask, 8) })
}

/// `int raise(int sig)`: to the calling thread.
#[no_mangle]
pub extern "C" fn raise(sig: c_int) -> c_int {
    // SAFETY: integers only.
    ret_int(unsafe {
        let pid = sys!(__NR_getpid).unwrap_or(0);
        let tid = sys!(__NR_gettid).unwrap_or(0);
        sys!(__NR_tgkill, pid, tid, sig)
    })
}

/// `int setitimer(int which, const struct itimerval *new, struct itimerval *old)`.
///
/// # Safety
/// `new` readable, `old` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn setitimer(which: c_int, new: *const c_void, old: *mut c_void) -> c_int {
    // SAFETY: the kernel reads and writes itimervals, the same in C.
    ret_int(unsafe { sys!(__NR_setitimer, which, new, old) })
}

/// `int getitimer(int which, struct itimerval *value)`.
///
/// # Safety
/// `value` writable.
#[no_mangle]
pub unsafe extern "C" fn getitimer(which: c_int, value: *mut c_void) -> c_int {
    // SAFETY: the kernel writes one itimerval.
    ret_int(unsafe { sys!(__NR_getitimer, which, value) })
}

/// `unsigned alarm(unsigned seconds)`: SIGALRM after `seconds` (0 cancels);
/// returns the seconds the previous alarm had left, rounded as the
/// kernel's alarm(2) rounds them. Through setitimer, which every
/// architecture has.
#[no_mangle]
pub extern "C" fn alarm(seconds: c_uint) -> c_uint {
    let new = [0i64, 0, seconds as i64, 0];
    let mut old = [0i64; 4];
    // SAFETY: two live struct itimervals (interval, value; each sec, usec).
    unsafe { setitimer(0, new.as_ptr().cast(), old.as_mut_ptr().cast()) };
    let (sec, usec) = (old[2], old[3]);
    (sec + ((sec == 0 && usec > 0) || usec >= 500_000) as i64) as c_uint
}

/// `int sigemptyset(sigset_t *set)`.
///
/// # Safety
/// `set` writable.
#[no_mangle]
pub unsafe extern "C" fn sigemptyset(set: *mut SigSet) -> c_int {
    // SAFETY: per the caller.
    unsafe { (*set).words = [0; 16] };
    0
}

/// `int sigfillset(sigset_t *set)`: every signal but 32 and 33.
///
/// # Safety
/// `set` writable.
#[no_mangle]
pub unsafe extern "C" fn sigfillset(set: *mut SigSet) -> c_int {
    // SAFETY: per the caller.
    unsafe {
        (*set).words = [!0; 16];
        (*set).words[0] &= !RESERVED;
    }
    0
}

/// The word and bit of signal `sig` in a set.
fn bit(sig: c_int) -> (usize, u64) {
    let i = (sig - 1) as usize;
    (i / 64, 1 << (i % 64))
}

/// `int sigaddset(sigset_t *set, int sig)`.
///
/// # Safety
/// `set` writable.
#[no_mangle]
pub unsafe extern "C" fn sigaddset(set: *mut SigSet, sig: c_int) -> c_int {
    if set.is_null() || !usable(sig) {
        return einval();
    }
    let (w, b) = bit(sig);
    // SAFETY: per the caller.
    unsafe { (*set).words[w] |= b };
    0
}

/// `int sigdelset(sigset_t *set, int sig)`.
///
/// # Safety
/// `set` writable.
#[no_mangle]
pub unsafe extern "C" fn sigdelset(set: *mut SigSet, sig: c_int) -> c_int {
    if set.is_null() || !usable(sig) {
        return einval();
    }
    let (w, b) = bit(sig);
    // SAFETY: per the caller.
    unsafe { (*set).words[w] &= !b };
    0
}

/// `int sigismember(const sigset_t *set, int sig)`.
///
/// # Safety
/// `set` readable.
#[no_mangle]
pub unsafe extern "C" fn sigismember(set: *const SigSet, sig: c_int) -> c_int {
    if set.is_null() || !(1..=SIGRTMAX).contains(&sig) {
        return einval();
    }
    let (w, b) = bit(sig);
    // SAFETY: per the caller.
    (unsafe { (*set).words[w] } & b != 0) as c_int
}

/// `int sigisemptyset(const sigset_t *set)` (GNU).
///
/// # Safety
/// `set` readable.
#[no_mangle]
pub unsafe extern "C" fn sigisemptyset(set: *const SigSet) -> c_int {
    // SAFETY: per the caller.
    unsafe { (*set).words.iter().all(|&w| w == 0) as c_int }
}

/// `int sigorset(sigset_t *dst, const sigset_t *a, const sigset_t *b)` (GNU).
///
/// # Safety
/// `dst` writable, `a` and `b` readable.
#[no_mangle]
pub unsafe extern "C" fn sigorset(dst: *mut SigSet, a: *const SigSet, b: *const SigSet) -> c_int {
    // SAFETY: per the caller.
    unsafe { (*dst).words = core::array::from_fn(|i| (*a).words[i] | (*b).words[i]) };
    0
}

/// `int sigandset(sigset_t *dst, const sigset_t *a, const sigset_t *b)` (GNU).
///
/// # Safety
/// `dst` writable, `a` and `b` readable.
#[no_mangle]
pub unsafe extern "C" fn sigandset(dst: *mut SigSet, a: *const SigSet, b: *const SigSet) -> c_int {
    // SAFETY: per the caller.
    unsafe { (*dst).words = core::array::from_fn(|i| (*a).words[i] & (*b).words[i]) };
    0
}
