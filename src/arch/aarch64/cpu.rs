//! aarch64 CPU features for resolvers. Linux reports them in AT_HWCAP and
//! AT_HWCAP2 (arch/arm64/include/uapi/asm/hwcap.h): the kernel has already
//! read the ID registers and masked what it does not support, so detection
//! runs no instruction and costs two table loads.

use crate::auxv;

bitflags::bitflags! {
    /// CPU features a resolver can ask for, named as in the kernel's
    /// hwcap.h. Bits 0-31 are AT_HWCAP bits 0-31; bits 32-62 are AT_HWCAP2
    /// bits 0-30 (later AT_HWCAP2 bits, and AT_HWCAP3, are not mapped).
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Features: u64 {
        const FP = 1 << 0;
        const ASIMD = 1 << 1;
        const EVTSTRM = 1 << 2;
        const AES = 1 << 3;
        const PMULL = 1 << 4;
        const SHA1 = 1 << 5;
        const SHA2 = 1 << 6;
        const CRC32 = 1 << 7;
        const ATOMICS = 1 << 8;
        const FPHP = 1 << 9;
        const ASIMDHP = 1 << 10;
        const CPUID = 1 << 11;
        const ASIMDRDM = 1 << 12;
        const JSCVT = 1 << 13;
        const FCMA = 1 << 14;
        const LRCPC = 1 << 15;
        const DCPOP = 1 << 16;
        const SHA3 = 1 << 17;
        const SM3 = 1 << 18;
        const SM4 = 1 << 19;
        const ASIMDDP = 1 << 20;
        const SHA512 = 1 << 21;
        const SVE = 1 << 22;
        const ASIMDFHM = 1 << 23;
        const DIT = 1 << 24;
        const USCAT = 1 << 25;
        const ILRCPC = 1 << 26;
        const FLAGM = 1 << 27;
        const SSBS = 1 << 28;
        const SB = 1 << 29;
        const PACA = 1 << 30;
        const PACG = 1 << 31;
        const DCPODP = 1 << HWCAP2_SHIFT;
        const SVE2 = 1 << (HWCAP2_SHIFT + 1);
        const SVEAES = 1 << (HWCAP2_SHIFT + 2);
        const SVEPMULL = 1 << (HWCAP2_SHIFT + 3);
        const SVEBITPERM = 1 << (HWCAP2_SHIFT + 4);
        const SVESHA3 = 1 << (HWCAP2_SHIFT + 5);
        const SVESM4 = 1 << (HWCAP2_SHIFT + 6);
        const FLAGM2 = 1 << (HWCAP2_SHIFT + 7);
        const FRINT = 1 << (HWCAP2_SHIFT + 8);
        const SVEI8MM = 1 << (HWCAP2_SHIFT + 9);
        const SVEF32MM = 1 << (HWCAP2_SHIFT + 10);
        const SVEF64MM = 1 << (HWCAP2_SHIFT + 11);
        const SVEBF16 = 1 << (HWCAP2_SHIFT + 12);
        const I8MM = 1 << (HWCAP2_SHIFT + 13);
        const BF16 = 1 << (HWCAP2_SHIFT + 14);
        const DGH = 1 << (HWCAP2_SHIFT + 15);
        const RNG = 1 << (HWCAP2_SHIFT + 16);
        const BTI = 1 << (HWCAP2_SHIFT + 17);
        const MTE = 1 << (HWCAP2_SHIFT + 18);
        const ECV = 1 << (HWCAP2_SHIFT + 19);
        const AFP = 1 << (HWCAP2_SHIFT + 20);
        const RPRES = 1 << (HWCAP2_SHIFT + 21);
        const MTE3 = 1 << (HWCAP2_SHIFT + 22);
        const SME = 1 << (HWCAP2_SHIFT + 23);
        const SME_I16I64 = 1 << (HWCAP2_SHIFT + 24);
        const SME_F64F64 = 1 << (HWCAP2_SHIFT + 25);
        const SME_I8I32 = 1 << (HWCAP2_SHIFT + 26);
        const SME_F16F32 = 1 << (HWCAP2_SHIFT + 27);
        const SME_B16F32 = 1 << (HWCAP2_SHIFT + 28);
        const SME_F32F32 = 1 << (HWCAP2_SHIFT + 29);
        const SME_FA64 = 1 << (HWCAP2_SHIFT + 30);
    }
}

/// Where AT_HWCAP2's bits start in [`Features`].
const HWCAP2_SHIFT: u32 = 32;
/// The AT_HWCAP2 bits that fit below bit 63, which `ifunc` keeps for itself.
const HWCAP2_MAPPED: u64 = (1 << 31) - 1;

/// The features the kernel reports. Returns them and how many detection
/// instructions ran: none, unlike CPUID on x86_64.
pub fn detect() -> (Features, u32) {
    let hwcap = auxv::value(auxv::AT_HWCAP) as u64 & 0xffff_ffff;
    let hwcap2 = auxv::value(auxv::AT_HWCAP2) as u64 & HWCAP2_MAPPED;
    (Features::from_bits_truncate(hwcap | hwcap2 << HWCAP2_SHIFT), 0)
}
