//! riscv64 CPU features for resolvers. AT_HWCAP has one bit per
//! single-letter extension (bit `letter - 'a'`), which is all it can say;
//! the multi-letter ones (Zba, Zbb, Zicboz, the vector crypto set, ...) come
//! from the riscv_hwprobe system call (Linux 6.4+,
//! Documentation/arch/riscv/hwprobe.rst), which answers for all online CPUs
//! at once. Where the kernel has no hwprobe (older kernels, qemu-user 7.2)
//! the letters are all there is.
//!
//! glibc 2.40+ hands resolvers `__riscv_hwprobe` as their second argument;
//! crt0 defines it here, as glibc does: the vDSO's `__vdso_riscv_hwprobe`
//! (which answers an all-CPU question from a cache, with no system call)
//! where there is one, else the system call.

use crate::{auxv, vdso};

/// AT_HWCAP's bit for a single-letter extension: bit `letter - 'a'`.
const fn letter(l: u8) -> u64 {
    1 << (l - b'a')
}

use super::syscalls::{nr, syscall5};

bitflags::bitflags! {
    /// CPU features a resolver can ask for. Bits 0-25 are AT_HWCAP's
    /// letters (`A` is bit 0, `V` bit 21); bits 32-62 are riscv_hwprobe's
    /// `RISCV_HWPROBE_KEY_IMA_EXT_0` bits 3-33 (Zba to Ztso), named as in
    /// arch/riscv/include/uapi/asm/hwprobe.h. (Its later bits, and the
    /// letters from hwprobe's own answer, are not mapped: bit 63 is `ifunc`'s.)
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Features: u64 {
        const A = letter(b'a');
        const C = letter(b'c');
        const D = letter(b'd');
        const F = letter(b'f');
        const H = letter(b'h');
        const I = letter(b'i');
        const M = letter(b'm');
        const Q = letter(b'q');
        const V = letter(b'v');
        const ZBA = 1 << EXT_SHIFT;
        const ZBB = 1 << (EXT_SHIFT + 1);
        const ZBS = 1 << (EXT_SHIFT + 2);
        const ZICBOZ = 1 << (EXT_SHIFT + 3);
        const ZBC = 1 << (EXT_SHIFT + 4);
        const ZBKB = 1 << (EXT_SHIFT + 5);
        const ZBKC = 1 << (EXT_SHIFT + 6);
        const ZBKX = 1 << (EXT_SHIFT + 7);
        const ZKND = 1 << (EXT_SHIFT + 8);
        const ZKNE = 1 << (EXT_SHIFT + 9);
        const ZKNH = 1 << (EXT_SHIFT + 10);
        const ZKSED = 1 << (EXT_SHIFT + 11);
        const ZKSH = 1 << (EXT_SHIFT + 12);
        const ZKT = 1 << (EXT_SHIFT + 13);
        const ZVBB = 1 << (EXT_SHIFT + 14);
        const ZVBC = 1 << (EXT_SHIFT + 15);
        const ZVKB = 1 << (EXT_SHIFT + 16);
        const ZVKG = 1 << (EXT_SHIFT + 17);
        const ZVKNED = 1 << (EXT_SHIFT + 18);
        const ZVKNHA = 1 << (EXT_SHIFT + 19);
        const ZVKNHB = 1 << (EXT_SHIFT + 20);
        const ZVKSED = 1 << (EXT_SHIFT + 21);
        const ZVKSH = 1 << (EXT_SHIFT + 22);
        const ZVKT = 1 << (EXT_SHIFT + 23);
        const ZFH = 1 << (EXT_SHIFT + 24);
        const ZFHMIN = 1 << (EXT_SHIFT + 25);
        const ZIHINTNTL = 1 << (EXT_SHIFT + 26);
        const ZVFH = 1 << (EXT_SHIFT + 27);
        const ZVFHMIN = 1 << (EXT_SHIFT + 28);
        const ZFA = 1 << (EXT_SHIFT + 29);
        const ZTSO = 1 << (EXT_SHIFT + 30);
    }
}

/// Where hwprobe's IMA_EXT_0 bit 3 (Zba) lands in [`Features`].
const EXT_SHIFT: u32 = 32;
/// hwprobe's IMA_EXT_0 bits 3-33, the ones [`Features`] has room for.
const EXT_FIRST: u32 = 3;
const EXT_MAPPED: u64 = (1 << 31) - 1;
/// AT_HWCAP's letter bits.
const LETTERS: u64 = (1 << 26) - 1;

/// `struct riscv_hwprobe` (asm/hwprobe.h): a key the caller sets, a value
/// the kernel fills in; an unknown key comes back as -1.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct Pair {
    pub key: i64,
    pub value: u64,
}

/// `RISCV_HWPROBE_KEY_BASE_BEHAVIOR` and its `IMA` bit: the base integer
/// ISA with M and A, as the userspace ABI defines it.
pub const KEY_BASE_BEHAVIOR: i64 = 3;
pub const BASE_BEHAVIOR_IMA: u64 = 1 << 0;
/// `RISCV_HWPROBE_KEY_IMA_EXT_0`: FD (bit 0), C (1), V (2), then Zba... (3...).
pub const KEY_IMA_EXT_0: i64 = 4;

/// The type of `__riscv_hwprobe` (glibc's `__riscv_hwprobe_t`).
pub type HwprobeFn = unsafe extern "C" fn(*mut Pair, usize, usize, *mut usize, u32) -> i32;

/// The vDSO's hwprobe (Linux 6.5+), when there is a vDSO that has it.
static VDSO_HWPROBE: vdso::Symbol = vdso::Symbol::new(Some(b"__vdso_riscv_hwprobe"));

/// `int __riscv_hwprobe(struct riscv_hwprobe *pairs, size_t pair_count,
/// size_t cpusetsize, cpu_set_t *cpus, unsigned int flags)`, glibc's
/// (<sys/hwprobe.h>): fills in the value of each pair's key for the CPUs in
/// `cpus` (all online CPUs when `cpusetsize` is 0 and `cpus` null).
/// Returns 0 or a positive error number (ENOSYS before Linux 6.4), and
/// sets no errno, as glibc's does: resolvers call it before anything else
/// is ready.
///
/// # Safety
/// `pairs` must point to `pair_count` writable pairs and `cpus` to
/// `cpusetsize` readable bytes (or be null with `cpusetsize` 0).
#[cfg_attr(not(test), no_mangle)]
pub unsafe extern "C" fn __riscv_hwprobe(pairs: *mut Pair, pair_count: usize, cpusetsize: usize, cpus: *mut usize, flags: u32) -> i32 {
    let r = match VDSO_HWPROBE.get() {
        // SAFETY: the vDSO's riscv_hwprobe takes the system call's
        // arguments and returns its result (0 or -errno); per the caller,
        // the pointers are valid.
        Some(f) => unsafe {
            let f: unsafe extern "C" fn(*mut Pair, usize, usize, *mut usize, u32) -> isize = core::mem::transmute(f);
            f(pairs, pair_count, cpusetsize, cpus, flags)
        },
        // SAFETY: per the caller.
        None => unsafe {
            syscall5(nr::RISCV_HWPROBE, pairs as usize, pair_count, cpusetsize, cpus as usize, flags as usize)
        },
    };
    if r < 0 { -r as i32 } else { 0 }
}

/// The features the kernel reports: AT_HWCAP's letters, plus the base
/// behaviour and the multi-letter extensions from one riscv_hwprobe call
/// (about all online CPUs). Returns them and the number of hwprobe calls
/// made (1), the counterpart of x86_64's CPUID count.
pub fn detect() -> (Features, u32) {
    let mut bits = auxv::value(auxv::AT_HWCAP) as u64 & LETTERS;
    let mut pairs = [Pair { key: KEY_BASE_BEHAVIOR, value: 0 }, Pair { key: KEY_IMA_EXT_0, value: 0 }];
    // SAFETY: two writable pairs, all online CPUs, no flags.
    let r = unsafe { __riscv_hwprobe(pairs.as_mut_ptr(), pairs.len(), 0, core::ptr::null_mut(), 0) };
    if r == 0 {
        bits |= from_hwprobe(&pairs);
    }
    (Features::from_bits_truncate(bits), 1)
}

/// The [`Features`] bits in hwprobe's answer to the two keys [`detect`]
/// asks (a key the kernel does not know comes back as -1 and counts for
/// nothing).
fn from_hwprobe(pairs: &[Pair; 2]) -> u64 {
    let mut bits = 0;
    let [base, ext] = pairs;
    if base.key == KEY_BASE_BEHAVIOR && base.value & BASE_BEHAVIOR_IMA != 0 {
        bits |= (Features::I | Features::M | Features::A).bits();
    }
    if ext.key == KEY_IMA_EXT_0 {
        let v = ext.value;
        if v & 1 != 0 {
            bits |= (Features::F | Features::D).bits();
        }
        if v & 2 != 0 {
            bits |= Features::C.bits();
        }
        if v & 4 != 0 {
            bits |= Features::V.bits();
        }
        bits |= ((v >> EXT_FIRST) & EXT_MAPPED) << EXT_SHIFT;
    }
    bits
}
