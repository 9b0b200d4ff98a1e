//! Everything crt0 knows about x86_64: the entry point, system calls, the
//! thread pointer and TLS variant II, the rseq signature, how IFUNC resolvers
//! are called, CPUID, and the memory primitives the compiler expects.

use core::arch::asm;

use crate::kernel::nr;
use crate::tls::Variant;

pub mod cpu;
pub mod percpu;
pub mod signal;
mod string;
mod ldouble;
pub mod thread;
pub mod va;
pub mod valgrind;

// The unit tests keep glibc's memcpy and strcmp (see `mem`).
#[cfg_attr(any(test, all(panic = "unwind", not(doc))), allow(unused_imports))]
pub use string::{memcpy, strcmp, strlen};

/// `long double`'s significand bits (`LDBL_MANT_DIG`): x87 80-bit extended,
/// with an explicit integer bit.
pub const LDBL_MANT_DIG: u32 = 64;

/// Whether a result counts as tiny (an underflow, ERANGE from strtod)
/// by its value before rounding: glibc decides after rounding (x86, as glibc configures it).
pub const TININESS_BEFORE_ROUNDING: bool = false;

/// A double converted to a 64-bit integer as `cvtsd2si` converts it (what
/// glibc's lrint and llround return): NaN and out of range give the
/// "integer indefinite" i64::MIN; in range, truncation (`r` is integral
/// where the C library calls this).
#[cfg_attr(test, allow(dead_code))] // only the C library (not in hosted builds) converts
pub fn f64_to_i64(r: f64) -> i64 {
    const LIMIT: f64 = 9_223_372_036_854_775_808.0; // 2^63
    if !(-LIMIT..LIMIT).contains(&r) {
        return i64::MIN;
    }
    r as i64
}


// `_start` lives in crt/ so the per-arch entry code stays in one small file.
#[cfg(not(any(test, all(panic = "unwind", not(doc)))))]
core::arch::global_asm!(include_str!("../../../crt/x86_64/start.s"), options(att_syntax));


/// Nothing to keep: debuggers read the thread pointer from `fs_base`
/// (aarch64 keeps it for qemu-user's gdb stub, which has no TPIDR_EL0).
#[inline(always)]
pub fn note_main_thread_pointer(_tp: *mut u8) {}

/// `arch_prctl` code that sets the FS base (asm/prctl.h).
const ARCH_SET_FS: usize = linux_raw_sys::general::ARCH_SET_FS as usize;
/// AT_HWCAP2 bit the kernel sets when user space may run `wrfsbase` (asm/hwcap2.h).
const HWCAP2_FSGSBASE: usize = 1 << 1;

/// The kernel compares these 4 bytes, placed before every rseq abort handler,
/// with the signature given at registration (x86: `0x53053053`).
pub const RSEQ_SIG: u32 = 0x5305_3053;

/// x86_64 uses TLS variant II: the TLS block sits just below the thread pointer.
pub const TLS_VARIANT: Variant = Variant::II;

/// The thread control block at the thread pointer. Compilers hard-code two of
/// its offsets: `%fs:0` must hold the thread pointer itself (local-exec and
/// initial-exec TLS read it to compute addresses), and `-fstack-protector`
/// reads the canary at `%fs:0x28`. The other words keep glibc's layout so that
/// code reading them (a debugger, `pthread_self`-style `%fs:0x10`) finds
/// what it expects.
#[repr(C, align(64))]
pub struct Tcb {
    /// `%fs:0x00`: the thread pointer itself.
    pub self_ptr: *mut Tcb,
    /// `%fs:0x08`: the dynamic thread vector; static executables have none.
    pub dtv: usize,
    /// `%fs:0x10`: glibc's `header.self`.
    pub self_ptr2: *mut Tcb,
    _reserved: [usize; 2],
    /// `%fs:0x28`: the stack-protector canary.
    pub stack_guard: usize,
    /// `%fs:0x30`: glibc's pointer guard; unused, kept zero.
    pub pointer_guard: usize,
    _reserved2: usize,
}

/// Size of the TCB; the runtime's per-thread data follows it.
pub const TCB_SIZE: usize = core::mem::size_of::<Tcb>();
/// Where the TCB starts relative to the thread pointer: at it (`%fs:0`).
pub const TCB_OFFSET: isize = 0;

/// Fills the TCB at `tp` for a new thread. Only the non-zero fields are
/// written: the TCB lives in a fresh, zero-filled allocation.
///
/// # Safety
/// `tp` must point to `TCB_SIZE` writable, zero-filled bytes aligned to 64.
pub unsafe fn init_tcb(tp: *mut u8, canary: usize) {
    let tcb = tp.cast::<Tcb>();
    // SAFETY: the caller guarantees the memory; the other fields are
    // already zero, as they must be.
    unsafe {
        (&raw mut (*tcb).self_ptr).write(tcb);
        (&raw mut (*tcb).self_ptr2).write(tcb);
        (&raw mut (*tcb).stack_guard).write(canary);
    }
}

/// The canary, read where compiled code reads it (`%fs:0x28`).
pub fn stack_guard() -> usize {
    let v: usize;
    // SAFETY: reads one word through %fs; crt0 sets the thread pointer
    // before any code that can call this runs.
    unsafe { asm!("mov {}, qword ptr fs:0x28", out(reg) v, options(nostack, readonly, preserves_flags)) };
    v
}

/// Whether this kernel lets user space run `wrfsbase`.
fn has_fsgsbase(hwcap2: usize) -> bool {
    hwcap2 & HWCAP2_FSGSBASE != 0
}

/// Makes `tp` this thread's thread pointer: `wrfsbase` when the kernel allows
/// it (no syscall), otherwise `arch_prctl(ARCH_SET_FS)`. False if the kernel
/// refused.
///
/// # Safety
/// `tp` must point to an initialised TCB that outlives the thread; every TLS
/// access after this call goes through it.
pub unsafe fn set_thread_pointer(tp: *mut u8, hwcap2: usize) -> bool {
    if has_fsgsbase(hwcap2) {
        // SAFETY: AT_HWCAP2 says CR4.FSGSBASE is set, so wrfsbase cannot fault.
        unsafe { asm!("wrfsbase {}", in(reg) tp, options(nostack, preserves_flags)) };
        true
    } else {
        // SAFETY: arch_prctl only reads its integer arguments.
        unsafe { syscall2(nr::ARCH_PRCTL, ARCH_SET_FS, tp as usize) == 0 }
    }
}

/// The name of the method `set_thread_pointer` uses with this `hwcap2`
/// (for the start-up trace).
pub fn thread_pointer_method(hwcap2: usize) -> &'static str {
    if has_fsgsbase(hwcap2) { "wrfsbase" } else { "arch_prctl" }
}

/// The current thread pointer, read from the TCB's self pointer at `%fs:0`.
#[inline(always)]
pub fn thread_pointer() -> *mut u8 {
    let tp: *mut u8;
    // SAFETY: reads one word through %fs; crt0 sets the thread pointer
    // before any code that can call this runs.
    unsafe { asm!("mov {}, qword ptr fs:0", out(reg) tp, options(nostack, readonly, preserves_flags)) };
    tp
}

/// Calls an IRELATIVE resolver the way glibc does on x86_64: no arguments
/// (resolvers read CPUID themselves, e.g. through `__builtin_cpu_supports`).
///
/// # Safety
/// `resolver` must be the address of a function that returns an address.
pub unsafe fn call_ifunc_resolver(resolver: usize, _hwcap: usize, _hwcap2: usize) -> usize {
    // SAFETY: per the caller, this is a resolver with the C ABI.
    unsafe {
        let f: extern "C" fn() -> usize = core::mem::transmute(resolver);
        f()
    }
}

/// Relocation type of an IRELATIVE relocation (R_X86_64_IRELATIVE).
pub const R_IRELATIVE: u32 = 37;
/// Relocation type of a RELATIVE relocation (R_X86_64_RELATIVE).
pub const R_RELATIVE: u32 = 8;
/// Relocation type of a 64-bit absolute relocation against a symbol (R_X86_64_64): what
/// GNU ld leaves in a static-PIE for a word that holds the address of a weak definition
/// (seen on riscv64).
pub const R_ABS64: u32 = 1;

/// The fatal message for a relocation type a broken static-PIE link might
/// leave behind (symbolic and TLS ones: there is no symbol table to bind
/// them), naming it; the type number follows it.
pub fn unsupported_relocation(kind: u32) -> &'static str {
    match kind {
        2 => "unsupported relocation R_X86_64_PC32 in static-PIE, type ",
        5 => "unsupported relocation R_X86_64_COPY in static-PIE, type ",
        6 => "unsupported relocation R_X86_64_GLOB_DAT in static-PIE, type ",
        7 => "unsupported relocation R_X86_64_JUMP_SLOT in static-PIE, type ",
        16 => "unsupported relocation R_X86_64_DTPMOD64 in static-PIE, type ",
        17 => "unsupported relocation R_X86_64_DTPOFF64 in static-PIE, type ",
        18 => "unsupported relocation R_X86_64_TPOFF64 in static-PIE, type ",
        36 => "unsupported relocation R_X86_64_TLSDESC in static-PIE, type ",
        _ => "unsupported relocation in static-PIE, type ",
    }
}

/// A system call with no argument; returns the raw result (-errno on error).
///
/// # Safety
/// The arguments must be valid for the system call `n`.
#[inline(always)]
pub unsafe fn syscall0(n: usize) -> isize {
    let ret: isize;
    // SAFETY: per the caller; `syscall` clobbers only rcx and r11.
    unsafe {
        asm!("syscall", inlateout("rax") n as isize => ret, lateout("rcx") _, lateout("r11") _,
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
    // SAFETY: per the caller; `syscall` clobbers only rcx and r11.
    unsafe {
        asm!("syscall", inlateout("rax") n as isize => ret, in("rdi") a, lateout("rcx") _, lateout("r11") _,
             options(nostack, preserves_flags));
    }
    ret
}

/// A system call with 2 arguments; returns the raw result (-errno on error).
///
/// # Safety
/// The arguments must be valid for the system call `n`.
#[inline(always)]
pub unsafe fn syscall2(n: usize, a: usize, b: usize) -> isize {
    let ret: isize;
    // SAFETY: per the caller; `syscall` clobbers only rcx and r11.
    unsafe {
        asm!("syscall", inlateout("rax") n as isize => ret, in("rdi") a, in("rsi") b, lateout("rcx") _, lateout("r11") _,
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
    // SAFETY: per the caller; `syscall` clobbers only rcx and r11.
    unsafe {
        asm!("syscall", inlateout("rax") n as isize => ret, in("rdi") a, in("rsi") b, in("rdx") c, lateout("rcx") _, lateout("r11") _,
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
    // SAFETY: per the caller; `syscall` clobbers only rcx and r11.
    unsafe {
        asm!("syscall", inlateout("rax") n as isize => ret, in("rdi") a, in("rsi") b, in("rdx") c, in("r10") d, lateout("rcx") _, lateout("r11") _,
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
    // SAFETY: per the caller; `syscall` clobbers only rcx and r11.
    unsafe {
        asm!("syscall", inlateout("rax") n as isize => ret, in("rdi") a, in("rsi") b, in("rdx") c, in("r10") d, in("r8") e, in("r9") f, lateout("rcx") _, lateout("r11") _,
             options(nostack, preserves_flags));
    }
    ret
}

/// Copies `n` bytes forward with `rep movsb`, fast on every CPU with ERMS
/// and immune to the compiler turning it back into a `memcpy` call.
///
/// # Safety
/// `dst` and `src` must be valid for `n` bytes; overlap only if `dst <= src`.
#[inline(always)]
pub unsafe fn copy_forward(dst: *mut u8, src: *const u8, n: usize) {
    // SAFETY: per the caller; the direction flag is clear by the ABI.
    unsafe { asm!("rep movsb", inout("rcx") n => _, inout("rdi") dst => _, inout("rsi") src => _, options(nostack, preserves_flags)) };
}

/// Copies `n` bytes backward (for overlapping `memmove` with `dst > src`).
///
/// # Safety
/// `dst` and `src` must be valid for `n` bytes.
#[inline(always)]
#[cfg_attr(any(test, all(panic = "unwind", not(doc))), allow(dead_code))] // used by memmove, which unit tests leave out
pub unsafe fn copy_backward(dst: *mut u8, src: *const u8, n: usize) {
    // SAFETY: per the caller; std/cld bracket the copy so the ABI's
    // clear direction flag holds again afterwards.
    unsafe {
        asm!("std", "rep movsb", "cld",
             inout("rcx") n => _,
             inout("rdi") dst.wrapping_add(n).wrapping_sub(1) => _,
             inout("rsi") src.wrapping_add(n).wrapping_sub(1) => _,
             options(nostack))
    };
}

/// Fills `n` bytes with `byte` using `rep stosb`.
///
/// # Safety
/// `dst` must be valid for `n` bytes.
#[inline(always)]
#[cfg_attr(any(test, all(panic = "unwind", not(doc))), allow(dead_code))] // used by memset, which unit tests leave out
pub unsafe fn fill(dst: *mut u8, byte: u8, n: usize) {
    // SAFETY: per the caller.
    unsafe { asm!("rep stosb", inout("rcx") n => _, inout("rdi") dst => _, in("al") byte, options(nostack, preserves_flags)) };
}

/// The vDSO's names for the functions crt0 calls there (`crate::vdso`).
pub mod vdso {
    pub const CLOCK_GETTIME: Option<&[u8]> = Some(b"__vdso_clock_gettime");
    pub const CLOCK_GETRES: Option<&[u8]> = Some(b"__vdso_clock_getres");
    pub const GETTIMEOFDAY: Option<&[u8]> = Some(b"__vdso_gettimeofday");
    pub const TIME: Option<&[u8]> = Some(b"__vdso_time");
    pub const GETCPU: Option<&[u8]> = Some(b"__vdso_getcpu");
}
