//! The running executable's own ELF program headers, found through AT_PHDR
//! and AT_PHNUM: where the TLS image is.

use crate::auxv;
use crate::tls::Image;

/// Program header types (elf.h).
const PT_PHDR: u32 = 6;
const PT_TLS: u32 = 7;

/// Elf64_Phdr.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Phdr {
    pub p_type: u32,
    pub p_flags: u32,
    pub p_offset: u64,
    pub p_vaddr: u64,
    pub p_paddr: u64,
    pub p_filesz: u64,
    pub p_memsz: u64,
    pub p_align: u64,
}

/// The program headers, as mapped by the kernel.
pub fn phdrs() -> &'static [Phdr] {
    match (auxv::get(auxv::AT_PHDR), auxv::get(auxv::AT_PHNUM)) {
        // SAFETY: the kernel maps the headers it points AT_PHDR at.
        (Some(p), Some(n)) if p != 0 => unsafe { core::slice::from_raw_parts(p as *const Phdr, n) },
        _ => &[],
    }
}

/// Finds PT_TLS in `phdrs`. `Some(Image::default()-like)` without PT_TLS;
/// `None` if the segment is malformed (alignment not a power of two, or
/// more file bytes than memory bytes).
pub fn find_tls(phdrs: &[Phdr], phdr_addr: usize) -> Option<Image> {
    // The load bias is 0 for static executables and the ASLR slide for
    // static-PIE: PT_PHDR's link-time address against where AT_PHDR says it is.
    let (mut bias, mut tls) = (0, None);
    for p in phdrs {
        // PT_PHDR and PT_TLS are adjacent numbers: one compare skips the rest.
        if p.p_type.wrapping_sub(PT_PHDR) < 2 {
            if p.p_type == PT_TLS {
                tls = Some(p);
            } else {
                bias = phdr_addr.wrapping_sub(p.p_vaddr as usize);
            }
        }
    }
    let Some(t) = tls else {
        return Some(Image { addr: 0, filesz: 0, memsz: 0, align: 1 });
    };
    let align = if t.p_align == 0 { 1 } else { t.p_align as usize };
    if !align.is_power_of_two() || t.p_filesz > t.p_memsz {
        return None;
    }
    Some(Image {
        addr: bias.wrapping_add(t.p_vaddr as usize),
        filesz: t.p_filesz as usize,
        memsz: t.p_memsz as usize,
        align,
    })
}

/// The TLS image of the running program.
pub fn tls_image() -> Option<Image> {
    find_tls(phdrs(), auxv::get(auxv::AT_PHDR).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ph(p_type: u32, vaddr: u64, filesz: u64, memsz: u64, align: u64) -> Phdr {
        Phdr { p_type, p_flags: 0, p_offset: 0, p_vaddr: vaddr, p_paddr: 0, p_filesz: filesz, p_memsz: memsz, p_align: align }
    }

    #[test]
    fn finds_tls_with_bias() {
        let h = [ph(PT_PHDR, 0x40, 0, 0, 8), ph(1, 0, 0, 0, 4096), ph(PT_TLS, 0x2000, 16, 48, 64)];
        let i = find_tls(&h, 0x5550_0040).unwrap();
        assert_eq!((i.addr, i.filesz, i.memsz, i.align), (0x5550_2000, 16, 48, 64));
    }

    #[test]
    fn no_tls_is_an_empty_image() {
        let i = find_tls(&[ph(1, 0, 0, 0, 4096)], 0x40).unwrap();
        assert_eq!((i.memsz, i.align), (0, 1));
    }

    #[test]
    fn rejects_malformed_tls() {
        assert!(find_tls(&[ph(PT_TLS, 0, 8, 8, 24)], 0).is_none());
        assert!(find_tls(&[ph(PT_TLS, 0, 16, 8, 8)], 0).is_none());
        assert_eq!(find_tls(&[ph(PT_TLS, 0, 0, 8, 0)], 0).unwrap().align, 1);
    }
}
