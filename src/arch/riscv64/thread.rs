//! Starting and ending threads on riscv64: the clone trampoline, and the
//! last instructions of a detached thread, which unmap its own stack.
// Unit tests build no threads (`thread::launch` is for real programs only).
#![cfg_attr(test, allow(dead_code))]

use core::arch::asm;

/// The system calls only threads use (asm-generic/unistd.h, via linux-raw-sys).
pub mod nr {
    use linux_raw_sys::general as g;
    pub const CLONE: usize = g::__NR_clone as usize;
    pub const EXIT: usize = g::__NR_exit as usize;
    pub const FUTEX: usize = g::__NR_futex as usize;
    pub const SET_TID_ADDRESS: usize = g::__NR_set_tid_address as usize;
    pub const MPROTECT: usize = g::__NR_mprotect as usize;
    pub const SCHED_YIELD: usize = g::__NR_sched_yield as usize;
}

// crt0_thread_clone(flags, stack, tid, tls): the parent gets the child's
// tid (or -errno) back; the child starts on `stack`, where the caller left
// the entry point and its argument, and never returns here. The kernel
// gives the child the parent's registers (gp included, which is the same
// for the whole process) except sp, tp (CLONE_SETTLS) and a0.
#[cfg(not(test))]
core::arch::global_asm!(
    // A section of its own, so that programs without threads drop it.
    "    .section .text.crt0_thread_clone, \"ax\", %progbits",
    "    .globl  crt0_thread_clone",
    "    .hidden crt0_thread_clone",
    "    .type   crt0_thread_clone, %function",
    "crt0_thread_clone:",
    "    .cfi_startproc",
    "    mv      a4, a2",          // child_tid: the same word as parent_tid
    "    li      a7, {clone}",     // SYS_clone(flags, stack, ptid, tls, ctid)
    "    ecall",
    "    beqz    a0, 1f",          // 0: this is the child
    "    ret",                     // parent: the tid, or -errno
    "1:",
    "    .cfi_undefined ra",       // the child has no caller: unwinding ends here
    "    li      s0, 0",           // null frame pointer ends frame-pointer walks
    "    li      ra, 0",
    "    ld      a1, 0(sp)",       // the entry point, stored by the parent
    "    ld      a0, 8(sp)",       // and its argument
    "    addi    sp, sp, 16",      // sp is 16-aligned again
    "    jalr    a1",
    "    unimp",                   // the entry never returns
    "    .cfi_endproc",
    "    .size   crt0_thread_clone, . - crt0_thread_clone",
    clone = const nr::CLONE,
);

extern "C" {
    /// The trampoline above: clone(2) with the new thread's stack already
    /// holding its entry point and argument (two words at `stack`), which
    /// the child pops and calls. Returns the tid or -errno.
    pub fn crt0_thread_clone(flags: usize, stack: *mut usize, tid: *mut i32, tls: *mut u8) -> isize;
}

/// Unmaps `[addr, addr + len)`, which holds the calling thread's own stack,
/// and ends the thread, touching no memory in between.
///
/// # Safety
/// Signals must be blocked (a handler would run on the unmapped stack),
/// the kernel must no longer refer to the range (no child-tid address,
/// no rseq area in it), and nothing else may use it.
pub unsafe fn unmap_and_exit(addr: *mut u8, len: usize) -> ! {
    // SAFETY: per the caller; from the first ecall on, only registers.
    unsafe {
        asm!(
            "ecall",              // munmap(addr, len): the stack is gone now
            "li a0, 0",           // status 0
            "li a7, {exit}",
            "ecall",              // exit(0): this thread only
            "unimp",
            exit = const nr::EXIT,
            in("a0") addr,
            in("a1") len,
            in("a7") super::nr::MUNMAP,
            options(noreturn, nostack)
        )
    }
}
