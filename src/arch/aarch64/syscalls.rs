//! aarch64 system calls: the numbers crt0 uses and `svc #0` with up to six
//! arguments. The number goes in x8, the arguments in x0-x5, the result
//! comes back in x0; the kernel preserves every other register and NZCV.

use core::arch::asm;


/// A system call with no argument; returns the raw result (-errno on error).
///
/// # Safety
/// The arguments must be valid for the system call `n`.
#[inline(always)]
pub unsafe fn syscall0(n: usize) -> isize {
    let ret: isize;
    // SAFETY: per the caller; `svc` changes only x0.
    unsafe {
        asm!("svc #0", lateout("x0") ret, in("x8") n,
             options(nostack, preserves_flags));
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
    // SAFETY: per the caller; `svc` changes only x0.
    unsafe {
        asm!("svc #0", inlateout("x0") a as isize => ret, in("x8") n,
             options(nostack, preserves_flags));
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
    // SAFETY: per the caller; `svc` changes only x0.
    unsafe {
        asm!("svc #0", inlateout("x0") a as isize => ret, in("x1") b, in("x2") c, in("x8") n,
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
    // SAFETY: per the caller; `svc` changes only x0.
    unsafe {
        asm!("svc #0", inlateout("x0") a as isize => ret, in("x1") b, in("x2") c, in("x3") d, in("x8") n,
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
    // SAFETY: per the caller; `svc` changes only x0.
    unsafe {
        asm!("svc #0", inlateout("x0") a as isize => ret, in("x1") b, in("x2") c, in("x3") d, in("x4") e, in("x5") f, in("x8") n,
             options(nostack, preserves_flags));
    }
    ret
}
