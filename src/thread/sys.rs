//! The system calls behind threads: clone's flags, the futex the kernel
//! wakes when a thread ends, signal masks, and ending one thread.

use core::sync::atomic::{AtomicI32, Ordering::Acquire};

use crate::arch;
use crate::syscall::{nr, Errno};

bitflags::bitflags! {
    /// clone(2)'s flags (linux/sched.h, from linux-raw-sys), the ones a thread needs.
    #[derive(Clone, Copy)]
    pub struct CloneFlags: usize {
        /// Share the address space.
        const VM = linux_raw_sys::general::CLONE_VM as usize;
        /// Share the working directory, root and umask.
        const FS = linux_raw_sys::general::CLONE_FS as usize;
        /// Share the file descriptor table.
        const FILES = linux_raw_sys::general::CLONE_FILES as usize;
        /// Share signal handlers.
        const SIGHAND = linux_raw_sys::general::CLONE_SIGHAND as usize;
        /// Same thread group: one process, one pid, exit_group ends all.
        const THREAD = linux_raw_sys::general::CLONE_THREAD as usize;
        /// Share System V semaphore undo lists.
        const SYSVSEM = linux_raw_sys::general::CLONE_SYSVSEM as usize;
        /// The new thread's thread pointer is clone's `tls` argument.
        const SETTLS = linux_raw_sys::general::CLONE_SETTLS as usize;
        /// Store the new tid in the creator's memory before the child runs.
        const PARENT_SETTID = linux_raw_sys::general::CLONE_PARENT_SETTID as usize;
        /// Clear that word and futex-wake it when the thread exits.
        const CHILD_CLEARTID = linux_raw_sys::general::CLONE_CHILD_CLEARTID as usize;
    }
}

/// What every crt0 thread is cloned with.
pub const THREAD_FLAGS: CloneFlags = CloneFlags::VM
    .union(CloneFlags::FS)
    .union(CloneFlags::FILES)
    .union(CloneFlags::SIGHAND)
    .union(CloneFlags::THREAD)
    .union(CloneFlags::SYSVSEM)
    .union(CloneFlags::SETTLS)
    .union(CloneFlags::PARENT_SETTID)
    .union(CloneFlags::CHILD_CLEARTID);

fn check(r: isize) -> Result<usize, Errno> {
    if (-4095..0).contains(&r) { Err(Errno(-r as i32)) } else { Ok(r as usize) }
}

/// FUTEX_WAIT and FUTEX_WAKE without FUTEX_PRIVATE_FLAG: the kernel's
/// wake-up of a CHILD_CLEARTID word is a shared-futex wake, which a
/// private wait would never see.
const FUTEX_WAIT: usize = linux_raw_sys::general::FUTEX_WAIT as usize;

/// Blocks until the thread whose CHILD_CLEARTID word is `tid` has exited:
/// the kernel clears the word after the thread's last instruction, so its
/// memory is free to reuse once this returns.
pub fn wait_until_exited(tid: &AtomicI32) {
    loop {
        let t = tid.load(Acquire);
        if t == 0 {
            return;
        }
        // SAFETY: futex reads the word, which lives as long as `tid`; EAGAIN
        // (it changed) and EINTR both mean "look again".
        unsafe { arch::syscall4(nr::FUTEX, tid.as_ptr() as usize, FUTEX_WAIT, t as usize, 0) };
    }
}

/// A signal set with every signal.
const ALL_SIGNALS: u64 = !0;
const SIG_BLOCK: usize = linux_raw_sys::general::SIG_BLOCK as usize;
const SIG_SETMASK: usize = linux_raw_sys::general::SIG_SETMASK as usize;

/// Blocks every signal it can (the kernel leaves SIGKILL and SIGSTOP);
/// returns the mask before.
pub fn block_all_signals() -> u64 {
    let (all, mut old) = (ALL_SIGNALS, 0u64);
    // SAFETY: both sets are live 8-byte locals (the kernel's sigset_t).
    unsafe { arch::syscall4(nr::RT_SIGPROCMASK, SIG_BLOCK, &raw const all as usize, &raw mut old as usize, 8) };
    old
}

/// Makes `mask` the calling thread's signal mask.
pub fn set_signal_mask(mask: u64) {
    // SAFETY: the set is a live 8-byte local.
    unsafe { arch::syscall4(nr::RT_SIGPROCMASK, SIG_SETMASK, &raw const mask as usize, 0, 8) };
}

/// Stops the kernel from clearing (and waking) the calling thread's
/// CHILD_CLEARTID word at exit: for a thread that frees that word's memory itself.
pub fn forget_child_tid() {
    // SAFETY: a null address turns the clearing off.
    unsafe { arch::syscall1(nr::SET_TID_ADDRESS, 0) };
}

/// Ends the calling thread only (exit(2), not exit_group).
pub fn exit_thread() -> ! {
    // SAFETY: exit takes a status and does not return.
    unsafe { arch::syscall1(nr::EXIT, 0) };
    loop {
        core::hint::spin_loop();
    }
}

/// sched_yield(2).
pub fn sched_yield() {
    // SAFETY: no arguments.
    unsafe { arch::syscall0(nr::SCHED_YIELD) };
}

/// mprotect(2) with no access: a guard page.
///
/// # Safety
/// `[addr, addr + len)` must be the caller's own mapping, unused.
pub unsafe fn make_guard(addr: *mut u8, len: usize) -> Result<(), Errno> {
    // SAFETY: per the caller.
    check(unsafe { arch::syscall3(nr::MPROTECT, addr as usize, len, 0) }).map(|_| ())
}

/// clone(2) for a thread that starts by calling `entry(arg)` on `stack`.
/// The kernel stores the child's tid in `tid` before the child runs
/// (CLONE_PARENT_SETTID) and clears it when the child exits
/// (CLONE_CHILD_CLEARTID); `tls` becomes the child's thread pointer
/// (CLONE_SETTLS). Returns the tid or the error.
///
/// # Safety
/// `stack` must be the 16-aligned top of a stack nothing else uses, with
/// two writable words below it; `tid` and `tls` must stay valid for the
/// child's whole life.
pub unsafe fn clone(stack: *mut u8, tid: &AtomicI32, tls: *mut u8, entry: usize, arg: usize) -> Result<usize, Errno> {
    // SAFETY: per the caller the two words below the top are ours to
    // write; the arch's trampoline takes them off in the child.
    check(unsafe {
        let sp = stack.cast::<usize>().sub(2);
        sp.write(entry);
        sp.add(1).write(arg);
        arch::thread::crt0_thread_clone(THREAD_FLAGS.bits(), sp, tid.as_ptr(), tls)
    })
}
