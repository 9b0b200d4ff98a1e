//! Functions chosen once at start-up, during PREINIT (rseq not registered):
//! 1. GNU IFUNC: the linker turns each C `__attribute__((ifunc))` symbol of a
//!    static executable into an IRELATIVE relocation between
//!    `__rela_iplt_start` and `__rela_iplt_end`; crt0 calls each resolver
//!    (the arch module knows glibc's calling convention) and stores its answer.
//! 2. crt0's own Rust resolvers, declared with [`ifunc!`](crate::ifunc!).
//!
//! CPU features are detected lazily, on the first question: on x86_64 no
//! CPUID runs unless a resolver asks; on aarch64 they come from AT_HWCAP and
//! AT_HWCAP2, and no instruction runs at all.

use core::sync::atomic::{AtomicU32, AtomicU64, Ordering::Relaxed};

use crate::reloc::{self, Pass};
use crate::{arch, auxv, fatal};

pub use crate::arch::cpu::Features;

/// Elf64_Rela.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct Rela {
    pub r_offset: usize,
    pub r_info: u64,
    pub r_addend: isize,
}

/// Applies the IRELATIVE relocations: a static executable's are between
/// `__rela_iplt_start` and `__rela_iplt_end`; a static-PIE's are in its
/// dynamic relocation tables, next to the RELATIVE ones `reloc` applied
/// first. Returns how many there were.
///
/// # Safety
/// Call once, after TLS is ready (resolvers may use it), before any
/// relocated function pointer is used.
pub unsafe fn apply_irelative() -> usize {
    let iplt = crate::linker::rela_iplt();
    let mut applied = 0;
    if !iplt.is_empty() {
        // SAFETY: per the caller; the linker's IRELATIVE table.
        applied += unsafe { apply_table(iplt.as_slice(), 0, Pass::IpltOnly) };
    }
    // Static-PIE: `reloc` found its IRELATIVE entries (and is linked only
    // into static-PIE programs, so this is a load and a test elsewhere).
    if let Some(pie) = reloc::irelative_pass() {
        // SAFETY: per the caller.
        applied += unsafe { pie() };
    }
    applied
}

/// Applies one table's IRELATIVE entries at load bias `bias` (`pass` says
/// what else the table may hold); returns how many there were. Inlined:
/// a fixed-address program has one caller, static-PIE one more.
///
/// # Safety
/// As [`apply_irelative`]; `relocs` is a table the linker wrote for this
/// image, loaded at `bias`.
#[inline(always)]
pub unsafe fn apply_table(relocs: &[Rela], bias: usize, pass: Pass) -> usize {
    let hwcap = auxv::value(auxv::AT_HWCAP);
    let hwcap2 = auxv::value(auxv::AT_HWCAP2);
    let done = reloc::apply_rela(
        relocs,
        bias,
        pass,
        // SAFETY: the linker made every IRELATIVE r_addend (plus the bias)
        // a resolver's address.
        |resolver| unsafe { arch::call_ifunc_resolver(resolver, hwcap, hwcap2) },
        // SAFETY: the linker made every r_offset (plus the bias) a
        // writable, not yet protected, GOT slot.
        |slot, target| unsafe { (slot as *mut usize).write(target) },
    );
    match done {
        Ok((n, _)) => n,
        Err(kind) => fatal::die_with("unexpected relocation type in .rela.iplt: ", kind as usize),
    }
}

const DETECTED: u64 = 1 << 63;
static FEATURES: AtomicU64 = AtomicU64::new(0);
static CPUID_RUNS: AtomicU32 = AtomicU32::new(0);

/// The CPU, as a resolver sees it. Feature detection happens on the first
/// question and is cached for the process.
#[derive(Clone, Copy, Debug, Default)]
pub struct Cpu;

impl Cpu {
    /// All detected features.
    pub fn features(&self) -> Features {
        let f = FEATURES.load(Relaxed);
        if f & DETECTED != 0 {
            return Features::from_bits_truncate(f);
        }
        let (found, runs) = arch::cpu::detect();
        CPUID_RUNS.fetch_add(runs, Relaxed);
        FEATURES.store(found.bits() | DETECTED, Relaxed);
        found
    }

    /// True if the CPU (and OS) support every feature in `f`.
    pub fn has(&self, f: Features) -> bool {
        self.features().contains(f)
    }
}

/// How many feature-detection instructions crt0 has run (for the trace and
/// tests): CPUID executions on x86_64, each a trap to the hypervisor in a
/// VM; always 0 on aarch64, which reads the auxiliary vector instead.
pub fn cpuid_runs() -> u32 {
    CPUID_RUNS.load(Relaxed)
}

/// Counts `n` CPUIDs run outside [`Cpu`] (the string functions' own check).
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
pub(crate) fn count_cpuid_runs(n: u32) {
    CPUID_RUNS.fetch_add(n, Relaxed);
}

/// One entry of the `crt0_resolvers` section: resolves one [`ifunc!`](crate::ifunc!) function.
#[repr(transparent)]
pub struct Resolver(pub fn());

/// Runs every Rust resolver linked into the program. Returns their number.
pub fn run_resolvers() -> usize {
    let all = crate::linker::resolvers();
    if all.is_empty() {
        return 0;
    }
    let all = all.as_slice();
    for r in all {
        (r.0)();
    }
    all.len()
}

/// Declares functions whose implementation is chosen once, at start-up,
/// from CPU features: one indirect call per use, no check on the hot path.
///
/// ```ignore
/// crt0::ifunc! {
///     /// Counts set bits.
///     pub fn popcount(x: u64) -> u32 = |cpu| {
///         if cpu.has(crt0::ifunc::Features::POPCNT) { popcount_hw } else { popcount_sw }
///     };
/// }
/// ```
///
/// The resolver expression gets a [`Cpu`] and returns a function (item or
/// pointer) of the declared signature. It runs during PREINIT, after the C
/// IFUNC resolvers and before `.preinit_array`; a call made even earlier (from
/// a C resolver) resolves on the spot.
#[macro_export]
macro_rules! ifunc {
    ($($(#[$meta:meta])* $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)? = $resolve:expr;)+) => {$(
        $(#[$meta])*
        #[inline]
        $vis fn $name($($arg: $ty),*) $(-> $ret)? {
            type Impl = fn($($ty),*) $(-> $ret)?;
            static SLOT: ::core::sync::atomic::AtomicPtr<()> =
                ::core::sync::atomic::AtomicPtr::new(::core::ptr::null_mut());
            fn resolve() -> Impl {
                let chosen: Impl = ($resolve)(&$crate::ifunc::Cpu);
                SLOT.store(chosen as *mut (), ::core::sync::atomic::Ordering::Release);
                chosen
            }
            #[used]
            #[link_section = "crt0_resolvers"]
            static RESOLVER: $crate::ifunc::Resolver = $crate::ifunc::Resolver(|| { resolve(); });
            let p = SLOT.load(::core::sync::atomic::Ordering::Acquire);
            let f: Impl = if p.is_null() {
                resolve()
            } else {
                // SAFETY: SLOT only ever holds an `Impl` stored by `resolve`.
                unsafe { ::core::mem::transmute::<*mut (), Impl>(p) }
            };
            f($($arg),*)
        }
    )+};
}
