//! The vDSO: the functions the kernel maps into every process (at
//! AT_SYSINFO_EHDR) so that reading the clocks, and on x86_64 the CPU
//! number, takes no system call. Each symbol is looked up once, on first
//! use, through the vDSO's dynamic symbol table and its SysV hash table
//! (which gives the symbol count); its names are the architecture's
//! (`arch::vdso`: `__vdso_*` on x86_64, `__kernel_*` on aarch64, which has
//! no getcpu or time). Without a vDSO (qemu-user may map none) or without
//! the symbol, callers make the system call instead.

use core::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use crate::auxv;
use crate::elf::{PT_DYNAMIC, PT_LOAD};

use linux_raw_sys::elf_uapi as elf;
const DT_NULL: u64 = elf::DT_NULL as u64;
const DT_HASH: u64 = elf::DT_HASH as u64;
const DT_STRTAB: u64 = elf::DT_STRTAB as u64;
const DT_SYMTAB: u64 = elf::DT_SYMTAB as u64;
const SHN_UNDEF: u16 = elf::SHN_UNDEF as u16;

/// Elf64_Sym.
#[repr(C)]
struct Sym {
    name: u32,
    info: u8,
    other: u8,
    shndx: u16,
    value: u64,
    size: u64,
}

/// One vDSO function: its name (none when this architecture's vDSO lacks
/// it) and, once looked up, its address.
pub struct Symbol {
    name: Option<&'static [u8]>,
    /// 0: not looked up yet; 1: the vDSO has none; else its address.
    addr: AtomicUsize,
}

impl Symbol {
    /// The vDSO function `name`, looked up on first use (an architecture's
    /// own ones, such as riscv's `__vdso_riscv_hwprobe`, are defined in its
    /// module).
    pub(crate) const fn new(name: Option<&'static [u8]>) -> Symbol {
        Symbol { name, addr: AtomicUsize::new(0) }
    }

    /// The function's address, or `None` without a vDSO or the symbol.
    pub fn get(&self) -> Option<usize> {
        match self.addr.load(Relaxed) {
            0 => {
                let base = auxv::get(auxv::AT_SYSINFO_EHDR);
                // SAFETY: the kernel maps a well-formed vDSO at AT_SYSINFO_EHDR.
                let f = base.zip(self.name).and_then(|(base, name)| unsafe { lookup(base, name) });
                // Every thread that races here finds the same address.
                self.addr.store(f.unwrap_or(1), Relaxed);
                f
            }
            1 => None,
            f => Some(f),
        }
    }
}

use crate::arch::vdso as names;

/// `int clock_gettime(clockid_t, struct timespec *)`: 0 or -errno.
pub static CLOCK_GETTIME: Symbol = Symbol::new(names::CLOCK_GETTIME);
/// `int clock_getres(clockid_t, struct timespec *)`: 0 or -errno.
pub static CLOCK_GETRES: Symbol = Symbol::new(names::CLOCK_GETRES);
/// `int gettimeofday(struct timeval *, struct timezone *)`: 0 or -errno.
pub static GETTIMEOFDAY: Symbol = Symbol::new(names::GETTIMEOFDAY);
/// `time_t time(time_t *)`.
pub static TIME: Symbol = Symbol::new(names::TIME);
/// `int getcpu(unsigned *cpu, unsigned *node, void *cache)`: 0 or -errno.
pub static GETCPU: Symbol = Symbol::new(names::GETCPU);

type GetCpu = unsafe extern "C" fn(*mut u32, *mut u32, *mut u8) -> i64;

/// The CPU from the vDSO's getcpu, or `None` without one.
pub fn getcpu() -> Option<u32> {
    let f = GETCPU.get()?;
    let mut cpu = 0u32;
    // SAFETY: `f` is the vDSO's getcpu(cpu, node, cache): it writes `cpu`
    // and ignores a null node and cache.
    let r = unsafe { core::mem::transmute::<usize, GetCpu>(f)(&mut cpu, core::ptr::null_mut(), core::ptr::null_mut()) };
    (r == 0).then_some(cpu)
}

/// The address of the defined dynamic symbol `name` in the ELF image
/// mapped at `base`.
///
/// # Safety
/// `base` must be the start of a mapped, well-formed 64-bit ELF image.
pub unsafe fn lookup(base: usize, name: &[u8]) -> Option<usize> {
    // SAFETY: per the caller, every offset below stays inside the image.
    unsafe {
        let phoff = *((base + 32) as *const u64) as usize;
        let phnum = *((base + 56) as *const u16) as usize;
        let phdrs = core::slice::from_raw_parts((base + phoff) as *const crate::elf::Phdr, phnum);
        // The image is prelinked at its first PT_LOAD's p_vaddr.
        let load = phdrs.iter().find(|p| p.p_type == PT_LOAD)?;
        let bias = base.wrapping_add(load.p_offset as usize).wrapping_sub(load.p_vaddr as usize);
        let dynamic = phdrs.iter().find(|p| p.p_type == PT_DYNAMIC)?;
        let (mut hash, mut strtab, mut symtab) = (0, 0, 0);
        let mut d = bias.wrapping_add(dynamic.p_vaddr as usize) as *const [u64; 2];
        while (*d)[0] != DT_NULL {
            let [tag, val] = *d;
            let addr = bias.wrapping_add(val as usize);
            match tag {
                DT_HASH => hash = addr,
                DT_STRTAB => strtab = addr,
                DT_SYMTAB => symtab = addr,
                _ => {}
            }
            d = d.add(1);
        }
        if hash == 0 || strtab == 0 || symtab == 0 {
            return None;
        }
        // The SysV hash table: nbucket, nchain; nchain is the symbol count.
        let count = *((hash + 4) as *const u32) as usize;
        let syms = core::slice::from_raw_parts(symtab as *const Sym, count);
        let sym = syms.iter().find(|s| {
            s.shndx != SHN_UNDEF && core::ffi::CStr::from_ptr((strtab + s.name as usize) as *const _).to_bytes() == name
        })?;
        Some(bias.wrapping_add(sym.value as usize))
    }
}
