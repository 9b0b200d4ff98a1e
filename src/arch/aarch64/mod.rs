//! Everything crt0 knows about aarch64: the entry point, system calls, the
//! thread pointer and TLS variant I, the stack-protector canary's global,
//! the rseq signature, how IFUNC resolvers are called, CPU features (from
//! the auxiliary vector) and the memory primitives the compiler expects.

use core::arch::asm;
use core::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use crate::tls::Variant;

pub mod cpu;
mod mem;
pub mod percpu;
pub mod signal;
mod ldouble;
pub mod thread;
pub mod va;
pub mod valgrind;
mod syscalls;

/// `long double`'s significand bits (`LDBL_MANT_DIG`): IEEE binary128.
pub const LDBL_MANT_DIG: u32 = 113;

/// Whether a result counts as tiny (an underflow, ERANGE from strtod)
/// by its value before rounding: glibc decides before rounding (as glibc configures AArch64).
pub const TININESS_BEFORE_ROUNDING: bool = true;

/// A double converted to a 64-bit integer as `fcvtzs` converts it (what
/// glibc's lrint and llround return): saturating, NaN to 0, which is
/// exactly Rust's `as`.
#[cfg_attr(test, allow(dead_code))] // only the C library (not in hosted builds) converts
pub fn f64_to_i64(r: f64) -> i64 {
    r as i64
}

pub use mem::{copy_backward, copy_forward, fill};

/// `memcpy`, returning `dst`: the 16-byte copy loop.
///
/// # Safety
/// As memcpy.
#[inline(always)]
pub unsafe fn memcpy(dst: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    // SAFETY: per the caller.
    unsafe { copy_forward(dst, src, n) };
    dst
}

/// `strlen`: the portable word-at-a-time scan.
///
/// # Safety
/// `s` is NUL-terminated.
#[inline(always)]
pub unsafe fn strlen(s: *const u8) -> usize {
    // SAFETY: per the caller.
    unsafe { crate::cstr::span_until(s, 0) }
}

/// `strcmp`: the portable word-at-a-time comparison.
///
/// # Safety
/// Both NUL-terminated.
#[inline(always)]
pub unsafe fn strcmp(a: *const u8, b: *const u8) -> i32 {
    // SAFETY: per the caller.
    unsafe { crate::cstr::compare(a, b) }
}
pub use syscalls::{syscall0, syscall1, syscall3, syscall4, syscall6};

// `_start` lives in crt/ so the per-arch entry code stays in one small file.
#[cfg(not(any(test, all(panic = "unwind", not(doc)))))]
core::arch::global_asm!(include_str!("../../../crt/aarch64/start.s"));

/// The kernel compares these 4 bytes, placed before every rseq abort handler,
/// with the signature given at registration. On aarch64 they are the
/// instruction `brk #0x45e0`, so running into them by mistake traps.
pub const RSEQ_SIG: u32 = 0xd428_bc00;

/// aarch64 uses TLS variant I: the TLS block sits above a 16-byte TCB.
pub const TLS_VARIANT: Variant = Variant::I;

/// The thread control block at the thread pointer: glibc's `tcbhead_t` on
/// aarch64 (the dtv pointer and one private word). Its size is part of the
/// ABI: the linker puts the TLS block at `TP + round_up(16, p_align)`, so
/// compiled code finds thread-locals only if the TCB is exactly 16 bytes.
/// Unlike x86_64, it holds neither a self pointer (`tpidr_el0` can be read
/// directly) nor the canary (gcc reads the global `__stack_chk_guard`).
#[repr(C, align(16))]
pub struct Tcb {
    /// The dynamic thread vector; static executables have none.
    pub dtv: usize,
    _private: usize,
}

/// Size of the TCB; the TLS block follows it, crt0's per-thread data and
/// the rseq area sit below the thread pointer.
pub const TCB_SIZE: usize = core::mem::size_of::<Tcb>();
/// Where the TCB starts relative to the thread pointer: at it, so the TLS
/// block starts at `TP + round_up(16, p_align)`.
pub const TCB_OFFSET: isize = 0;
const _: () = assert!(TCB_SIZE == 16, "the AArch64 TLS ABI fixes the TCB at 16 bytes");

/// The main thread's thread pointer, for debuggers that cannot read
/// TPIDR_EL0: qemu-user's gdb stub (7.2) has no such register, and
/// crt/crt0-gdb.py then finds the main thread's TLS block and rseq area from
/// here. (x86_64 debuggers always have `fs_base`: nothing to keep there.)
#[cfg_attr(not(any(test, all(panic = "unwind", not(doc)))), no_mangle)]
#[allow(non_upper_case_globals)] // the C name
static crt0_main_tp: AtomicUsize = AtomicUsize::new(0);

/// Keeps the main thread's thread pointer where a debugger finds it.
#[inline(always)]
pub fn note_main_thread_pointer(tp: *mut u8) {
    crt0_main_tp.store(tp as usize, Relaxed);
}

/// The stack-protector canary. On aarch64 Linux, gcc's and LLVM's
/// `-fstack-protector` code loads this global (glibc exports it from the
/// dynamic linker) rather than a TLS slot, so it is one value for the whole
/// process. An atomic so that each new thread may store it again safely.
#[cfg_attr(not(any(test, all(panic = "unwind", not(doc)))), no_mangle)]
#[allow(non_upper_case_globals)] // the C name
pub static __stack_chk_guard: AtomicUsize = AtomicUsize::new(0);

/// Prepares the TCB at `tp` for a new thread and installs the canary. The
/// TCB needs no writes (both words are zero in a static executable, and
/// the memory is fresh); the canary goes to `__stack_chk_guard`. Every
/// thread stores the same value, so storing it again is harmless.
///
/// # Safety
/// `tp` must point to `TCB_SIZE` writable, zero-filled bytes aligned to 16
/// (nothing is written there today; the contract matches x86_64's).
pub unsafe fn init_tcb(_tp: *mut u8, canary: usize) {
    __stack_chk_guard.store(canary, Relaxed);
}

/// The canary, read where compiled code reads it.
pub fn stack_guard() -> usize {
    __stack_chk_guard.load(Relaxed)
}

/// Makes `tp` this thread's thread pointer. EL0 may write `tpidr_el0`
/// itself, so this is one instruction and never fails.
///
/// # Safety
/// `tp` must point to an initialised TCB that outlives the thread; every TLS
/// access after this call goes through it.
pub unsafe fn set_thread_pointer(tp: *mut u8, _hwcap2: usize) -> bool {
    // SAFETY: tpidr_el0 is writable from EL0 on Linux; per the caller, the
    // TLS accesses that follow find a valid block through it.
    unsafe { asm!("msr tpidr_el0, {}", in(reg) tp, options(nostack, preserves_flags)) };
    true
}

/// The name of the method `set_thread_pointer` uses (for the start-up trace).
pub fn thread_pointer_method(_hwcap2: usize) -> &'static str {
    "msr"
}

/// The current thread pointer, from `tpidr_el0`.
#[inline(always)]
pub fn thread_pointer() -> *mut u8 {
    let tp: *mut u8;
    // SAFETY: reading tpidr_el0 has no side effect and cannot fault.
    unsafe { asm!("mrs {}, tpidr_el0", out(reg) tp, options(nomem, nostack, preserves_flags)) };
    tp
}

/// glibc's `__ifunc_arg_t` (sys/ifunc.h on aarch64), the resolvers' second
/// argument. `size` lets a resolver tell which fields exist.
#[repr(C)]
struct IfuncArg {
    size: u64,
    hwcap: u64,
    hwcap2: u64,
}

/// Set in a resolver's first argument to say that the second one (an
/// `IfuncArg` pointer) is present (glibc's `_IFUNC_ARG_HWCAP`).
const IFUNC_ARG_HWCAP: u64 = 1 << 62;

/// Calls an IRELATIVE resolver the way glibc does on aarch64:
/// `resolver(AT_HWCAP | _IFUNC_ARG_HWCAP, &arg)`, so C resolvers that test
/// hwcap bits (and libgcc's `__init_cpu_features_resolver`) work.
///
/// # Safety
/// `resolver` must be the address of a function that returns an address.
pub unsafe fn call_ifunc_resolver(resolver: usize, hwcap: usize, hwcap2: usize) -> usize {
    let arg = IfuncArg { size: core::mem::size_of::<IfuncArg>() as u64, hwcap: hwcap as u64, hwcap2: hwcap2 as u64 };
    // SAFETY: per the caller, this is a resolver with the C ABI; one that
    // takes fewer arguments ignores the registers.
    unsafe {
        let f: extern "C" fn(u64, *const IfuncArg) -> usize = core::mem::transmute(resolver);
        f(hwcap as u64 | IFUNC_ARG_HWCAP, &arg)
    }
}

/// Relocation type of an IRELATIVE relocation (R_AARCH64_IRELATIVE).
pub const R_IRELATIVE: u32 = 1032;
/// Relocation type of a RELATIVE relocation (R_AARCH64_RELATIVE).
pub const R_RELATIVE: u32 = 1027;
/// Relocation type of a 64-bit absolute relocation against a symbol (R_AARCH64_ABS64): what
/// GNU ld leaves in a static-PIE for a word that holds the address of a weak definition
/// (seen on riscv64).
pub const R_ABS64: u32 = 257;

/// The fatal message for a relocation type a broken static-PIE link might
/// leave behind (symbolic and TLS ones: there is no symbol table to bind
/// them), naming it; the type number follows it.
pub fn unsupported_relocation(kind: u32) -> &'static str {
    match kind {
        1024 => "unsupported relocation R_AARCH64_COPY in static-PIE, type ",
        1025 => "unsupported relocation R_AARCH64_GLOB_DAT in static-PIE, type ",
        1026 => "unsupported relocation R_AARCH64_JUMP_SLOT in static-PIE, type ",
        1028 => "unsupported relocation R_AARCH64_TLS_DTPMOD in static-PIE, type ",
        1029 => "unsupported relocation R_AARCH64_TLS_DTPREL in static-PIE, type ",
        1030 => "unsupported relocation R_AARCH64_TLS_TPREL in static-PIE, type ",
        1031 => "unsupported relocation R_AARCH64_TLSDESC in static-PIE, type ",
        _ => "unsupported relocation in static-PIE, type ",
    }
}

/// The vDSO's names for the functions crt0 calls there (`crate::vdso`):
/// arm64's has the clocks but neither time nor getcpu.
pub mod vdso {
    pub const CLOCK_GETTIME: Option<&[u8]> = Some(b"__kernel_clock_gettime");
    pub const CLOCK_GETRES: Option<&[u8]> = Some(b"__kernel_clock_getres");
    pub const GETTIMEOFDAY: Option<&[u8]> = Some(b"__kernel_gettimeofday");
    pub const TIME: Option<&[u8]> = None;
    pub const GETCPU: Option<&[u8]> = None;
}
