//! Starting and ending threads on x86_64: the clone trampoline, and the
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
    "    .section .text.crt0_thread_clone, \"ax\", @progbits",
    "    .globl  crt0_thread_clone",
    "    .hidden crt0_thread_clone",
    "    .type   crt0_thread_clone, @function",
    "crt0_thread_clone:",
    "    .cfi_startproc",
    "    mov     %rdx, %r10",      // child_tid: the same word as parent_tid
    "    mov     %rcx, %r8",       // tls: the new thread pointer
    "    mov     ${clone}, %eax",  // SYS_clone(flags, stack, ptid, ctid, tls)
    "    syscall",
    "    test    %rax, %rax",
    "    jz      1f",              // 0: this is the child
    "    ret",                     // parent: the tid, or -errno
    "1:",
    "    .cfi_undefined rip",      // the child has no caller: unwinding ends here
    "    xor     %ebp, %ebp",      // and frame-pointer walks too
    "    pop     %rax",            // entry point, stored by the parent
    "    pop     %rdi",            // its argument
    "    call    *%rax",           // %rsp is 16-aligned here, as the ABI wants
    "    ud2",                     // the entry never returns
    "    .cfi_endproc",
    "    .size   crt0_thread_clone, . - crt0_thread_clone",
    clone = const nr::CLONE,
    options(att_syntax)
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
    // SAFETY: per the caller; from the first syscall on, only registers.
    unsafe {
        asm!(
            "syscall",            // munmap(addr, len): the stack is gone now
            "xor edi, edi",       // status 0
            "mov eax, {exit}",
            "syscall",            // exit(0): this thread only
            "ud2",
            exit = const nr::EXIT,
            in("rdi") addr,
            in("rsi") len,
            in("eax") crate::syscall::nr::MUNMAP,
            options(noreturn, nostack)
        )
    }
}
