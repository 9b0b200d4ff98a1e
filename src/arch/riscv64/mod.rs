//! Everything crt0 knows about riscv64 (RV64GC, the lp64d ABI): the entry
//! point, system calls, the thread pointer `tp` and TLS variant I with the
//! TCB *below* `tp`, the stack-protector canary's global, the rseq
//! signature, how IFUNC resolvers are called (with glibc's
//! `__riscv_hwprobe`), CPU features (riscv_hwprobe, else AT_HWCAP's
//! letters) and the memory primitives the compiler expects.
//!
//! docs/PORTING.md walks through this module as the worked example of a port.

use core::arch::asm;
use core::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use crate::tls::Variant;

pub mod cpu;
mod ldouble;
mod mem;
pub mod percpu;
pub mod signal;
mod syscalls;
pub mod thread;
pub mod va;
pub mod valgrind;

/// `long double`'s significand bits (`LDBL_MANT_DIG`): IEEE binary128,
/// computed in software (no RISC-V extension in RV64GC has it).
pub const LDBL_MANT_DIG: u32 = 113;

/// Whether a result counts as tiny (an underflow, ERANGE from strtod) by
/// its value before rounding: no, RISC-V detects tininess after rounding
/// (the unprivileged ISA, F extension), and glibc follows it for riscv.
pub const TININESS_BEFORE_ROUNDING: bool = false;

/// A double converted to a 64-bit integer as `fcvt.l.d` converts it (what
/// glibc's lrint and llround return on riscv): saturating like Rust's `as`,
/// but NaN gives i64::MAX (the unprivileged ISA's table of invalid
/// conversions: NaN converts as +infinity does).
#[cfg_attr(test, allow(dead_code))] // only the C library (not in hosted builds) converts
pub fn f64_to_i64(r: f64) -> i64 {
    if r.is_nan() {
        return i64::MAX;
    }
    r as i64
}

pub use mem::{copy_backward, copy_forward, fill};

/// `memcpy`, returning `dst`: the word copy loop.
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
pub use syscalls::{nr, syscall0, syscall1, syscall3, syscall4, syscall6};

// `_start` lives in crt/ so the per-arch entry code stays in one small file.
#[cfg(not(test))]
core::arch::global_asm!(include_str!("../../../crt/riscv64/start.s"));

/// The kernel compares these 4 bytes, placed before every rseq abort
/// handler, with the signature given at registration. On riscv they are
/// the instruction `csrw mhartid, x0`, a write to a read-only machine-mode
/// register, so running into them by mistake traps (the value the kernel's
/// selftests and glibc use, tools/testing/selftests/rseq/rseq-riscv.h).
pub const RSEQ_SIG: u32 = 0xf140_1073;

/// riscv uses TLS variant I: the TLS blocks sit above the thread pointer.
pub const TLS_VARIANT: Variant = Variant::I;

/// The thread control block, glibc's `tcbhead_t` on riscv (the dtv pointer
/// and one private word). Unlike aarch64's it sits just *below* the thread
/// pointer: `tp` points at the first byte of the TLS block itself (glibc's
/// `TLS_DTV_AT_TP` with `TLS_TCB_SIZE` 0 and `TLS_TCB_OFFSET` 0, musl's
/// `GAP_ABOVE_TP` 0), so the linker puts a thread-local at `tp + its offset
/// in PT_TLS`, with no gap. Nothing compiled reads it: gcc and LLVM read
/// the canary from the global `__stack_chk_guard`, and static executables
/// have no dtv.
#[repr(C, align(16))]
pub struct Tcb {
    /// The dynamic thread vector; static executables have none.
    pub dtv: usize,
    _private: usize,
}

/// Size of the TCB.
pub const TCB_SIZE: usize = core::mem::size_of::<Tcb>();

/// Where the TCB starts relative to the thread pointer: right below it.
/// The TLS block starts at `tp + round_up(TCB_OFFSET + TCB_SIZE, p_align)`,
/// which is `tp` itself.
pub const TCB_OFFSET: isize = -(TCB_SIZE as isize);

/// Keeps the main thread's thread pointer where a debugger finds it: nothing
/// to keep on riscv64, where `tp` is a general register every debugger and
/// gdb stub reads (crt/crt0-gdb.py reads it).
#[inline(always)]
pub fn note_main_thread_pointer(_tp: *mut u8) {}

/// The stack-protector canary. On riscv64 Linux, gcc's and LLVM's
/// `-fstack-protector` code loads this global (glibc exports it from the
/// dynamic linker), as on aarch64: one value for the whole process. An
/// atomic so that each new thread may store it again safely.
#[cfg_attr(not(test), no_mangle)]
#[allow(non_upper_case_globals)] // the C name
pub static __stack_chk_guard: AtomicUsize = AtomicUsize::new(0);

/// Prepares the TCB of the thread whose thread pointer will be `tp` and
/// installs the canary. The TCB (at `tp - 16`) needs no writes: both words
/// are zero in a static executable, and the memory is fresh.
///
/// # Safety
/// `tp + TCB_OFFSET` must point to `TCB_SIZE` writable, zero-filled bytes
/// aligned to 16 (nothing is written there today).
pub unsafe fn init_tcb(_tp: *mut u8, canary: usize) {
    __stack_chk_guard.store(canary, Relaxed);
}

/// The canary, read where compiled code reads it.
pub fn stack_guard() -> usize {
    __stack_chk_guard.load(Relaxed)
}

/// Makes `tp` this thread's thread pointer: `tp` is an ordinary register
/// that the ABI reserves, so this is one `mv` and never fails. (Compilers
/// never allocate it; the kernel saves it with the other registers and sets
/// a new thread's from clone's CLONE_SETTLS.)
///
/// # Safety
/// `tp` must point just past an initialised TCB, at a TLS block that
/// outlives the thread; every TLS access after this call goes through it.
pub unsafe fn set_thread_pointer(tp: *mut u8, _hwcap2: usize) -> bool {
    // SAFETY: writing the reserved tp register; per the caller, the TLS
    // accesses that follow find a valid block through it (not `nomem`, so
    // that none of them moves before it).
    unsafe { asm!("mv tp, {}", in(reg) tp, options(nostack, preserves_flags)) };
    true
}

/// The name of the method `set_thread_pointer` uses (for the start-up trace).
pub fn thread_pointer_method(_hwcap2: usize) -> &'static str {
    "mv"
}

/// The current thread pointer, the `tp` register.
#[inline(always)]
pub fn thread_pointer() -> *mut u8 {
    let tp: *mut u8;
    // SAFETY: reading a register has no side effect.
    unsafe { asm!("mv {}, tp", out(reg) tp, options(nomem, nostack, preserves_flags)) };
    tp
}

/// Calls an IRELATIVE resolver the way glibc 2.40+ does on riscv:
/// `resolver(AT_HWCAP, __riscv_hwprobe, NULL)`, so that a resolver can test
/// the single-letter extensions in its first argument and ask the kernel
/// about the others through the second (glibc's `__riscv_hwprobe_one`).
/// Before 2.40 glibc passed a null second argument; a resolver that takes
/// one argument ignores the others.
///
/// # Safety
/// `resolver` must be the address of a function that returns an address.
pub unsafe fn call_ifunc_resolver(resolver: usize, hwcap: usize, _hwcap2: usize) -> usize {
    // SAFETY: per the caller, this is a resolver with the C ABI.
    unsafe {
        let f: extern "C" fn(u64, cpu::HwprobeFn, *const u8) -> usize = core::mem::transmute(resolver);
        f(hwcap as u64, cpu::__riscv_hwprobe, core::ptr::null())
    }
}

/// Relocation type of an IRELATIVE relocation (R_RISCV_IRELATIVE).
pub const R_IRELATIVE: u32 = 58;
/// Relocation type of a RELATIVE relocation (R_RISCV_RELATIVE).
pub const R_RELATIVE: u32 = 3;
/// Relocation type of a 64-bit absolute relocation against a symbol (R_RISCV_64): what
/// GNU ld leaves in a static-PIE for a word that holds the address of a weak definition
/// (seen on riscv64).
pub const R_ABS64: u32 = 2;

/// The fatal message for a relocation type a broken static-PIE link might
/// leave behind (symbolic and TLS ones: there is no symbol table to bind
/// them), naming it; the type number follows it. riscv has no GLOB_DAT:
/// a GOT slot of a symbol is an R_RISCV_64.
pub fn unsupported_relocation(kind: u32) -> &'static str {
    match kind {
        1 => "unsupported relocation R_RISCV_32 in static-PIE, type ",
        4 => "unsupported relocation R_RISCV_COPY in static-PIE, type ",
        5 => "unsupported relocation R_RISCV_JUMP_SLOT in static-PIE, type ",
        7 => "unsupported relocation R_RISCV_TLS_DTPMOD64 in static-PIE, type ",
        9 => "unsupported relocation R_RISCV_TLS_DTPREL64 in static-PIE, type ",
        11 => "unsupported relocation R_RISCV_TLS_TPREL64 in static-PIE, type ",
        12 => "unsupported relocation R_RISCV_TLSDESC in static-PIE, type ",
        _ => "unsupported relocation in static-PIE, type ",
    }
}

/// The vDSO's names for the functions crt0 calls there (`crate::vdso`;
/// arch/riscv/kernel/vdso/vdso.lds.S). riscv's has the clocks but no
/// `time`; its `__vdso_getcpu` is only an `ecall` of getcpu(2), so crt0
/// makes the system call itself.
pub mod vdso {
    pub const CLOCK_GETTIME: Option<&[u8]> = Some(b"__vdso_clock_gettime");
    pub const CLOCK_GETRES: Option<&[u8]> = Some(b"__vdso_clock_getres");
    pub const GETTIMEOFDAY: Option<&[u8]> = Some(b"__vdso_gettimeofday");
    pub const TIME: Option<&[u8]> = None;
    pub const GETCPU: Option<&[u8]> = None;
}
