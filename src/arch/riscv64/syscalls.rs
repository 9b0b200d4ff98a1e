//! riscv64 system calls: the numbers crt0 uses and `ecall` with up to six
//! arguments. The number goes in a7, the arguments in a0-a5, the result
//! comes back in a0; the kernel preserves every other register.

use core::arch::asm;

/// System call numbers (riscv64 uses include/uapi/asm-generic/unistd.h, as
/// arm64 does), from linux-raw-sys's tables for this architecture rather
/// than copied by hand.
pub mod nr {
    use linux_raw_sys::general as g;
    pub const READ: usize = g::__NR_read as usize;
    pub const WRITE: usize = g::__NR_write as usize;
    pub const MMAP: usize = g::__NR_mmap as usize;
    pub const MUNMAP: usize = g::__NR_munmap as usize;
    pub const MPROTECT: usize = g::__NR_mprotect as usize;
    pub const BRK: usize = g::__NR_brk as usize;
    pub const MREMAP: usize = g::__NR_mremap as usize;
    pub const MADVISE: usize = g::__NR_madvise as usize;
    pub const FUTEX: usize = g::__NR_futex as usize;
    pub const RT_SIGACTION: usize = g::__NR_rt_sigaction as usize;
    pub const RT_SIGPROCMASK: usize = g::__NR_rt_sigprocmask as usize;
    pub const GETPID: usize = g::__NR_getpid as usize;
    pub const GETTID: usize = g::__NR_gettid as usize;
    pub const EXIT_GROUP: usize = g::__NR_exit_group as usize;
    pub const TGKILL: usize = g::__NR_tgkill as usize;
    pub const SCHED_SETAFFINITY: usize = g::__NR_sched_setaffinity as usize;
    pub const GETCPU: usize = g::__NR_getcpu as usize;
    pub const RSEQ: usize = g::__NR_rseq as usize;
    /// riscv_hwprobe(2), Linux 6.4+: CPU features beyond AT_HWCAP's letters.
    pub const RISCV_HWPROBE: usize = g::__NR_riscv_hwprobe as usize;
}

// The numbers the rest of crt0 relies on, checked against the ABI as
// documented (asm-generic/unistd.h; arch/riscv/include/uapi/asm/unistd.h).
const _: () = assert!(nr::RSEQ == 293 && nr::RISCV_HWPROBE == 258 && nr::WRITE == 64);

/// A system call with no argument; returns the raw result (-errno on error).
///
/// # Safety
/// The arguments must be valid for the system call `n`.
#[inline(always)]
pub unsafe fn syscall0(n: usize) -> isize {
    let ret: isize;
    // SAFETY: per the caller; `ecall` changes only a0.
    unsafe {
        asm!("ecall", lateout("a0") ret, in("a7") n, options(nostack, preserves_flags));
    }
    ret
}

/// A system call with 1 argument; returns the raw result (-errno on error).
///
/// # Safety
/// The arguments must be valid for the system call `n`.
#[inline(always)]
pub unsafe fn syscall1(n: usize, a: usize) -> isize {
    let ret: isize;
    // SAFETY: per the caller; `ecall` changes only a0.
    unsafe {
        asm!("ecall", inlateout("a0") a as isize => ret, in("a7") n, options(nostack, preserves_flags));
    }
    ret
}

/// A system call with 3 arguments; returns the raw result (-errno on error).
///
/// # Safety
/// The arguments must be valid for the system call `n`.
#[inline(always)]
pub unsafe fn syscall3(n: usize, a: usize, b: usize, c: usize) -> isize {
    let ret: isize;
    // SAFETY: per the caller; `ecall` changes only a0.
    unsafe {
        asm!("ecall", inlateout("a0") a as isize => ret, in("a1") b, in("a2") c, in("a7") n,
             options(nostack, preserves_flags));
    }
    ret
}

/// A system call with 4 arguments; returns the raw result (-errno on error).
///
/// # Safety
/// The arguments must be valid for the system call `n`.
#[inline(always)]
pub unsafe fn syscall4(n: usize, a: usize, b: usize, c: usize, d: usize) -> isize {
    let ret: isize;
    // SAFETY: per the caller; `ecall` changes only a0.
    unsafe {
        asm!("ecall", inlateout("a0") a as isize => ret, in("a1") b, in("a2") c, in("a3") d, in("a7") n,
             options(nostack, preserves_flags));
    }
    ret
}

/// A system call with 5 arguments; returns the raw result (-errno on error).
///
/// # Safety
/// The arguments must be valid for the system call `n`.
#[inline(always)]
pub unsafe fn syscall5(n: usize, a: usize, b: usize, c: usize, d: usize, e: usize) -> isize {
    let ret: isize;
    // SAFETY: per the caller; `ecall` changes only a0.
    unsafe {
        asm!("ecall", inlateout("a0") a as isize => ret, in("a1") b, in("a2") c, in("a3") d, in("a4") e, in("a7") n,
             options(nostack, preserves_flags));
    }
    ret
}

/// A system call with 6 arguments; returns the raw result (-errno on error).
///
/// # Safety
/// The arguments must be valid for the system call `n`.
#[inline(always)]
pub unsafe fn syscall6(n: usize, a: usize, b: usize, c: usize, d: usize, e: usize, f: usize) -> isize {
    let ret: isize;
    // SAFETY: per the caller; `ecall` changes only a0.
    unsafe {
        asm!("ecall", inlateout("a0") a as isize => ret, in("a1") b, in("a2") c, in("a3") d, in("a4") e, in("a5") f, in("a7") n,
             options(nostack, preserves_flags));
    }
    ret
}
