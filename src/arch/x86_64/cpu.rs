//! x86_64 CPU features from CPUID, for resolvers. Detection runs at most
//! once per process, and only when a resolver asks (each CPUID costs a few
//! microseconds in a VM: it traps to the hypervisor).

use core::arch::asm;

bitflags::bitflags! {
    /// CPU features a resolver can ask for. AVX-family bits are set only if
    /// the OS also saves the registers they need (XCR0), so "has AVX2"
    /// means "can run AVX2 code".
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Features: u64 {
        /// SSE3 (CPUID leaf 1 ECX bit 0).
        const SSE3 = 1 << 0;
        /// PCLMULQDQ (CPUID leaf 1 ECX bit 1).
        const PCLMULQDQ = 1 << 1;
        /// SSSE3 (CPUID leaf 1 ECX bit 9).
        const SSSE3 = 1 << 2;
        /// FMA (CPUID leaf 1 ECX bit 12; needs the OS to save YMM).
        const FMA = 1 << 3;
        /// CMPXCHG16B (CPUID leaf 1 ECX bit 13).
        const CMPXCHG16B = 1 << 4;
        /// SSE4.1 (CPUID leaf 1 ECX bit 19).
        const SSE4_1 = 1 << 5;
        /// SSE4.2 (CPUID leaf 1 ECX bit 20).
        const SSE4_2 = 1 << 6;
        /// MOVBE (CPUID leaf 1 ECX bit 22).
        const MOVBE = 1 << 7;
        /// POPCNT (CPUID leaf 1 ECX bit 23).
        const POPCNT = 1 << 8;
        /// AES (CPUID AES-NI, leaf 1 ECX bit 25).
        const AES = 1 << 9;
        /// AVX (CPUID leaf 1 ECX bit 28; needs the OS to save YMM).
        const AVX = 1 << 10;
        /// F16C (CPUID leaf 1 ECX bit 29; needs the OS to save YMM).
        const F16C = 1 << 11;
        /// RDRAND (CPUID leaf 1 ECX bit 30).
        const RDRAND = 1 << 12;
        /// BMI1 (CPUID leaf 7 EBX bit 3).
        const BMI1 = 1 << 13;
        /// AVX2 (CPUID leaf 7 EBX bit 5; needs the OS to save YMM).
        const AVX2 = 1 << 14;
        /// BMI2 (CPUID leaf 7 EBX bit 8).
        const BMI2 = 1 << 15;
        /// ERMS (CPUID enhanced REP MOVSB/STOSB, leaf 7 EBX bit 9).
        const ERMS = 1 << 16;
        /// AVX512F (CPUID leaf 7 EBX bit 16; needs the OS to save ZMM and opmasks).
        const AVX512F = 1 << 17;
        /// AVX512DQ (CPUID leaf 7 EBX bit 17; needs the OS to save ZMM and opmasks).
        const AVX512DQ = 1 << 18;
        /// RDSEED (CPUID leaf 7 EBX bit 18).
        const RDSEED = 1 << 19;
        /// ADX (CPUID leaf 7 EBX bit 19).
        const ADX = 1 << 20;
        /// SHA (CPUID leaf 7 EBX bit 29).
        const SHA = 1 << 21;
        /// AVX512BW (CPUID leaf 7 EBX bit 30; needs the OS to save ZMM and opmasks).
        const AVX512BW = 1 << 22;
        /// AVX512VL (CPUID leaf 7 EBX bit 31; needs the OS to save ZMM and opmasks).
        const AVX512VL = 1 << 23;
        /// VAES (CPUID leaf 7 ECX bit 9; needs the OS to save YMM).
        const VAES = 1 << 24;
        /// VPCLMULQDQ (CPUID leaf 7 ECX bit 10; needs the OS to save YMM).
        const VPCLMULQDQ = 1 << 25;
        /// GFNI (CPUID leaf 7 ECX bit 8).
        const GFNI = 1 << 26;
        /// FSRM (CPUID fast short REP MOVSB, leaf 7 EDX bit 4).
        const FSRM = 1 << 27;
        /// LZCNT (CPUID leaf 0x80000001 ECX bit 5).
        const LZCNT = 1 << 28;
    }
}

fn cpuid(leaf: u32, subleaf: u32) -> [u32; 4] {
    let r = core::arch::x86_64::__cpuid_count(leaf, subleaf);
    [r.eax, r.ebx, r.ecx, r.edx]
}

/// XCR0: which register states the OS saves.
///
/// # Safety
/// Only valid when CPUID reports OSXSAVE.
unsafe fn xgetbv0() -> u64 {
    let (lo, hi): (u32, u32);
    // SAFETY: the caller checked OSXSAVE, so xgetbv is enabled.
    unsafe { asm!("xgetbv", in("ecx") 0, out("eax") lo, out("edx") hi, options(nostack, nomem, preserves_flags)) };
    (u64::from(hi) << 32) | u64::from(lo)
}

/// Runs CPUID (leaves 0, 1, 7 and 0x80000001: four executions) and maps the
/// bits. Returns the features and how many CPUID instructions ran.
pub fn detect() -> (Features, u32) {
    let bit = |reg: u32, n: u32, f: Features| if reg & (1 << n) != 0 { f } else { Features::empty() };
    let max = cpuid(0, 0)[0];
    let [_, _, c1, _] = cpuid(1, 0);
    let [_, b7, c7, d7] = if max >= 7 { cpuid(7, 0) } else { [0; 4] };
    let [_, _, cx, _] = cpuid(0x8000_0001, 0);
    let mut f = bit(c1, 0, Features::SSE3)
        | bit(c1, 1, Features::PCLMULQDQ)
        | bit(c1, 9, Features::SSSE3)
        | bit(c1, 12, Features::FMA)
        | bit(c1, 13, Features::CMPXCHG16B)
        | bit(c1, 19, Features::SSE4_1)
        | bit(c1, 20, Features::SSE4_2)
        | bit(c1, 22, Features::MOVBE)
        | bit(c1, 23, Features::POPCNT)
        | bit(c1, 25, Features::AES)
        | bit(c1, 28, Features::AVX)
        | bit(c1, 29, Features::F16C)
        | bit(c1, 30, Features::RDRAND)
        | bit(b7, 3, Features::BMI1)
        | bit(b7, 5, Features::AVX2)
        | bit(b7, 8, Features::BMI2)
        | bit(b7, 9, Features::ERMS)
        | bit(b7, 16, Features::AVX512F)
        | bit(b7, 17, Features::AVX512DQ)
        | bit(b7, 18, Features::RDSEED)
        | bit(b7, 19, Features::ADX)
        | bit(b7, 29, Features::SHA)
        | bit(b7, 30, Features::AVX512BW)
        | bit(b7, 31, Features::AVX512VL)
        | bit(c7, 8, Features::GFNI)
        | bit(c7, 9, Features::VAES)
        | bit(c7, 10, Features::VPCLMULQDQ)
        | bit(d7, 4, Features::FSRM)
        | bit(cx, 5, Features::LZCNT);
    // OSXSAVE (leaf 1 ecx bit 27) says XCR0 can be read.
    // SAFETY: xgetbv is only run when OSXSAVE is reported.
    let xcr0 = if c1 & (1 << 27) != 0 { unsafe { xgetbv0() } } else { 0 };
    let avx = Features::AVX | Features::AVX2 | Features::FMA | Features::F16C | Features::VAES | Features::VPCLMULQDQ;
    let avx512 = Features::AVX512F | Features::AVX512DQ | Features::AVX512BW | Features::AVX512VL;
    if xcr0 & 0x6 != 0x6 {
        f.remove(avx | avx512); // XMM and YMM state not saved by the OS
    }
    if xcr0 & 0xe6 != 0xe6 {
        f.remove(avx512); // opmask and ZMM state not saved
    }
    let runs = if max >= 7 { 4 } else { 3 };
    (f, runs)
}
