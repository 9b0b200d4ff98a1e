//! Starting and ending threads on aarch64: the clone trampoline, and the
//! last instructions of a detached thread, which unmap its own stack.
// Unit tests build no threads (`thread::launch` is for real programs only).
#![cfg_attr(any(test, all(panic = "unwind", not(doc))), allow(dead_code))]

use core::arch::asm;

use crate::kernel::nr;


// crt0_thread_clone(flags, stack, tid, tls): the parent gets the child's
// tid (or -errno) back; the child starts on `stack`, where the caller left
// the entry point and its argument, and never returns here.
#[cfg(not(any(test, all(panic = "unwind", not(doc)))))]
core::arch::global_asm!(
    // A section of its own, so that programs without threads drop it.
    "    .section .text.crt0_thread_clone, \"ax\", %progbits",
    "    .globl  crt0_thread_clone",
    "    .hidden crt0_thread_clone",
    "    .type   crt0_thread_clone, %function",
    "crt0_thread_clone:",
    "    .cfi_startproc",
    "    mov     x4, x2",          // child_tid: the same word as parent_tid
    "    mov     x8, #{clone}",    // SYS_clone(flags, stack, ptid, tls, ctid)
    "    svc     #0",
    "    cbz     x0, 1f",          // 0: this is the child
    "    ret",                     // parent: the tid, or -errno
    "1:",
    "    .cfi_undefined x30",      // the child has no caller: unwinding ends here
    "    mov     x29, #0",         // null frame record ends frame-pointer walks
    "    mov     x30, #0",
    "    ldp     x1, x0, [sp], #16", // entry point and its argument, stored by the parent
    "    blr     x1",              // sp is 16-aligned again
    "    udf     #0",              // the entry never returns
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
    // SAFETY: per the caller; from the first svc on, only registers.
    unsafe {
        asm!(
            "svc #0",             // munmap(addr, len): the stack is gone now
            "mov x0, #0",         // status 0
            "mov x8, #{exit}",
            "svc #0",             // exit(0): this thread only
            "udf #0",
            exit = const nr::EXIT,
            in("x0") addr,
            in("x1") len,
            in("x8") crate::syscall::nr::MUNMAP,
            options(noreturn, nostack)
        )
    }
}
