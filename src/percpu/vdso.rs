//! The vDSO's getcpu on x86_64 (the kernel maps the vDSO at
//! AT_SYSINFO_EHDR; arm64's has no getcpu). Found once, through the
//! vDSO's dynamic symbol table and its SysV hash table, which gives the
//! symbol count.

use core::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use crate::auxv;
use crate::elf::{PT_DYNAMIC, PT_LOAD};

const DT_NULL: u64 = 0;
const DT_HASH: u64 = 4;
const DT_STRTAB: u64 = 5;
const DT_SYMTAB: u64 = 6;
const SHN_UNDEF: u16 = 0;

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

/// 0: not looked up yet; 1: the vDSO has none; else its address.
static GETCPU: AtomicUsize = AtomicUsize::new(0);

type GetCpu = unsafe extern "C" fn(*mut u32, *mut u32, *mut u8) -> i64;

/// The CPU from the vDSO's getcpu, or `None` without a vDSO.
pub fn getcpu() -> Option<u32> {
    let f = match GETCPU.load(Relaxed) {
        0 => {
            // SAFETY: the kernel maps a well-formed vDSO at AT_SYSINFO_EHDR.
            let f = auxv::get(auxv::AT_SYSINFO_EHDR).and_then(|base| unsafe { lookup(base, b"__vdso_getcpu") });
            GETCPU.store(f.unwrap_or(1), Relaxed);
            f?
        }
        1 => return None,
        f => f,
    };
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
