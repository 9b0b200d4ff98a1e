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
        /// `HWCAP_FP` (AT_HWCAP bit 0).
        const FP = 1 << 0;
        /// `HWCAP_ASIMD` (AT_HWCAP bit 1).
        const ASIMD = 1 << 1;
        /// `HWCAP_EVTSTRM` (AT_HWCAP bit 2).
        const EVTSTRM = 1 << 2;
        /// `HWCAP_AES` (AT_HWCAP bit 3).
        const AES = 1 << 3;
        /// `HWCAP_PMULL` (AT_HWCAP bit 4).
        const PMULL = 1 << 4;
        /// `HWCAP_SHA1` (AT_HWCAP bit 5).
        const SHA1 = 1 << 5;
        /// `HWCAP_SHA2` (AT_HWCAP bit 6).
        const SHA2 = 1 << 6;
        /// `HWCAP_CRC32` (AT_HWCAP bit 7).
        const CRC32 = 1 << 7;
        /// `HWCAP_ATOMICS` (AT_HWCAP bit 8).
        const ATOMICS = 1 << 8;
        /// `HWCAP_FPHP` (AT_HWCAP bit 9).
        const FPHP = 1 << 9;
        /// `HWCAP_ASIMDHP` (AT_HWCAP bit 10).
        const ASIMDHP = 1 << 10;
        /// `HWCAP_CPUID` (AT_HWCAP bit 11).
        const CPUID = 1 << 11;
        /// `HWCAP_ASIMDRDM` (AT_HWCAP bit 12).
        const ASIMDRDM = 1 << 12;
        /// `HWCAP_JSCVT` (AT_HWCAP bit 13).
        const JSCVT = 1 << 13;
        /// `HWCAP_FCMA` (AT_HWCAP bit 14).
        const FCMA = 1 << 14;
        /// `HWCAP_LRCPC` (AT_HWCAP bit 15).
        const LRCPC = 1 << 15;
        /// `HWCAP_DCPOP` (AT_HWCAP bit 16).
        const DCPOP = 1 << 16;
        /// `HWCAP_SHA3` (AT_HWCAP bit 17).
        const SHA3 = 1 << 17;
        /// `HWCAP_SM3` (AT_HWCAP bit 18).
        const SM3 = 1 << 18;
        /// `HWCAP_SM4` (AT_HWCAP bit 19).
        const SM4 = 1 << 19;
        /// `HWCAP_ASIMDDP` (AT_HWCAP bit 20).
        const ASIMDDP = 1 << 20;
        /// `HWCAP_SHA512` (AT_HWCAP bit 21).
        const SHA512 = 1 << 21;
        /// `HWCAP_SVE` (AT_HWCAP bit 22).
        const SVE = 1 << 22;
        /// `HWCAP_ASIMDFHM` (AT_HWCAP bit 23).
        const ASIMDFHM = 1 << 23;
        /// `HWCAP_DIT` (AT_HWCAP bit 24).
        const DIT = 1 << 24;
        /// `HWCAP_USCAT` (AT_HWCAP bit 25).
        const USCAT = 1 << 25;
        /// `HWCAP_ILRCPC` (AT_HWCAP bit 26).
        const ILRCPC = 1 << 26;
        /// `HWCAP_FLAGM` (AT_HWCAP bit 27).
        const FLAGM = 1 << 27;
        /// `HWCAP_SSBS` (AT_HWCAP bit 28).
        const SSBS = 1 << 28;
        /// `HWCAP_SB` (AT_HWCAP bit 29).
        const SB = 1 << 29;
        /// `HWCAP_PACA` (AT_HWCAP bit 30).
        const PACA = 1 << 30;
        /// `HWCAP_PACG` (AT_HWCAP bit 31).
        const PACG = 1 << 31;
        /// `HWCAP2_DCPODP` (AT_HWCAP2 bit 0).
        const DCPODP = 1 << HWCAP2_SHIFT;
        /// `HWCAP2_SVE2` (AT_HWCAP2 bit 1).
        const SVE2 = 1 << (HWCAP2_SHIFT + 1);
        /// `HWCAP2_SVEAES` (AT_HWCAP2 bit 2).
        const SVEAES = 1 << (HWCAP2_SHIFT + 2);
        /// `HWCAP2_SVEPMULL` (AT_HWCAP2 bit 3).
        const SVEPMULL = 1 << (HWCAP2_SHIFT + 3);
        /// `HWCAP2_SVEBITPERM` (AT_HWCAP2 bit 4).
        const SVEBITPERM = 1 << (HWCAP2_SHIFT + 4);
        /// `HWCAP2_SVESHA3` (AT_HWCAP2 bit 5).
        const SVESHA3 = 1 << (HWCAP2_SHIFT + 5);
        /// `HWCAP2_SVESM4` (AT_HWCAP2 bit 6).
        const SVESM4 = 1 << (HWCAP2_SHIFT + 6);
        /// `HWCAP2_FLAGM2` (AT_HWCAP2 bit 7).
        const FLAGM2 = 1 << (HWCAP2_SHIFT + 7);
        /// `HWCAP2_FRINT` (AT_HWCAP2 bit 8).
        const FRINT = 1 << (HWCAP2_SHIFT + 8);
        /// `HWCAP2_SVEI8MM` (AT_HWCAP2 bit 9).
        const SVEI8MM = 1 << (HWCAP2_SHIFT + 9);
        /// `HWCAP2_SVEF32MM` (AT_HWCAP2 bit 10).
        const SVEF32MM = 1 << (HWCAP2_SHIFT + 10);
        /// `HWCAP2_SVEF64MM` (AT_HWCAP2 bit 11).
        const SVEF64MM = 1 << (HWCAP2_SHIFT + 11);
        /// `HWCAP2_SVEBF16` (AT_HWCAP2 bit 12).
        const SVEBF16 = 1 << (HWCAP2_SHIFT + 12);
        /// `HWCAP2_I8MM` (AT_HWCAP2 bit 13).
        const I8MM = 1 << (HWCAP2_SHIFT + 13);
        /// `HWCAP2_BF16` (AT_HWCAP2 bit 14).
        const BF16 = 1 << (HWCAP2_SHIFT + 14);
        /// `HWCAP2_DGH` (AT_HWCAP2 bit 15).
        const DGH = 1 << (HWCAP2_SHIFT + 15);
        /// `HWCAP2_RNG` (AT_HWCAP2 bit 16).
        const RNG = 1 << (HWCAP2_SHIFT + 16);
        /// `HWCAP2_BTI` (AT_HWCAP2 bit 17).
        const BTI = 1 << (HWCAP2_SHIFT + 17);
        /// `HWCAP2_MTE` (AT_HWCAP2 bit 18).
        const MTE = 1 << (HWCAP2_SHIFT + 18);
        /// `HWCAP2_ECV` (AT_HWCAP2 bit 19).
        const ECV = 1 << (HWCAP2_SHIFT + 19);
        /// `HWCAP2_AFP` (AT_HWCAP2 bit 20).
        const AFP = 1 << (HWCAP2_SHIFT + 20);
        /// `HWCAP2_RPRES` (AT_HWCAP2 bit 21).
        const RPRES = 1 << (HWCAP2_SHIFT + 21);
        /// `HWCAP2_MTE3` (AT_HWCAP2 bit 22).
        const MTE3 = 1 << (HWCAP2_SHIFT + 22);
        /// `HWCAP2_SME` (AT_HWCAP2 bit 23).
        const SME = 1 << (HWCAP2_SHIFT + 23);
        /// `HWCAP2_SME_I16I64` (AT_HWCAP2 bit 24).
        const SME_I16I64 = 1 << (HWCAP2_SHIFT + 24);
        /// `HWCAP2_SME_F64F64` (AT_HWCAP2 bit 25).
        const SME_F64F64 = 1 << (HWCAP2_SHIFT + 25);
        /// `HWCAP2_SME_I8I32` (AT_HWCAP2 bit 26).
        const SME_I8I32 = 1 << (HWCAP2_SHIFT + 26);
        /// `HWCAP2_SME_F16F32` (AT_HWCAP2 bit 27).
        const SME_F16F32 = 1 << (HWCAP2_SHIFT + 27);
        /// `HWCAP2_SME_B16F32` (AT_HWCAP2 bit 28).
        const SME_B16F32 = 1 << (HWCAP2_SHIFT + 28);
        /// `HWCAP2_SME_F32F32` (AT_HWCAP2 bit 29).
        const SME_F32F32 = 1 << (HWCAP2_SHIFT + 29);
        /// `HWCAP2_SME_FA64` (AT_HWCAP2 bit 30).
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
