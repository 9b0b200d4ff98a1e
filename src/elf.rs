//! The running executable's own ELF program headers, found through AT_PHDR
//! and AT_PHNUM: where the TLS image is, and which pages RELRO covers.

use crate::auxv;
use crate::tls::Image;

// Program header types (linux/elf.h, from linux-raw-sys).
pub(crate) use linux_raw_sys::elf_uapi::{PT_DYNAMIC, PT_GNU_RELRO, PT_LOAD, PT_TLS};

/// A program header, `Elf64_Phdr` (linux/elf.h, from linux-raw-sys).
pub type Phdr = linux_raw_sys::elf_uapi::Elf64_Phdr;

/// The program headers, as mapped by the kernel.
pub fn phdrs() -> &'static [Phdr] {
    headers(auxv::value(auxv::AT_PHDR), auxv::value(auxv::AT_PHNUM))
}

fn headers(addr: usize, n: usize) -> &'static [Phdr] {
    if addr == 0 {
        return &[];
    }
    // SAFETY: the kernel maps the headers it points AT_PHDR at.
    unsafe { core::slice::from_raw_parts(addr as *const Phdr, n) }
}

/// The first header of type `p_type`. The loop runs once per header at
/// start-up, so it is written test-at-the-bottom: at opt-level "s" LLVM
/// leaves a top-tested loop with an extra jump per trip.
fn find(phdrs: &[Phdr], p_type: u32) -> Option<&Phdr> {
    if phdrs.is_empty() {
        return None;
    }
    let mut i = 0;
    loop {
        let p = phdrs.get(i)?;
        if p.p_type == p_type {
            return Some(p);
        }
        i += 1;
        if i == phdrs.len() {
            return None;
        }
    }
}

/// What a program without PT_TLS has: an empty image, no alignment constraint.
const NO_TLS: Image = Image { addr: 0, filesz: 0, memsz: 0, align: 1 };

/// Finds PT_TLS in `phdrs`. `Some(NO_TLS)` without PT_TLS;
/// `None` if the segment is malformed (alignment not a power of two, or
/// more file bytes than memory bytes). Inlined into `tls_image`, as that is.
#[inline(always)]
pub fn find_tls(phdrs: &[Phdr], bias: usize) -> Option<Image> {
    let Some(t) = find(phdrs, PT_TLS) else {
        return Some(NO_TLS);
    };
    let align = if t.p_align == 0 { 1 } else { t.p_align as usize };
    if !align.is_power_of_two() || t.p_filesz > t.p_memsz {
        return None;
    }
    // `bias` is 0 for programs linked at a fixed address and the ASLR
    // slide for static-PIE (`reloc` computed it from the ELF header: GNU
    // ld's static-PIE has no PT_PHDR to compute it from).
    Some(Image {
        addr: bias.wrapping_add(t.p_vaddr as usize),
        filesz: t.p_filesz as usize,
        memsz: t.p_memsz as usize,
        align,
    })
}

/// The TLS image of the running program. Always inlined: start-up calls it
/// once, and a call of its own (it has a second caller in threaded
/// programs) would cost every program instructions.
#[inline(always)]
pub fn tls_image() -> Option<Image> {
    let (addr, n) = (auxv::value(auxv::AT_PHDR), auxv::value(auxv::AT_PHNUM));
    if addr == 0 || n == 0 {
        return Some(NO_TLS);
    }
    find_tls(headers(addr, n), crate::reloc::bias())
}

/// The pages of PT_GNU_RELRO in `phdrs` as (address, length), rounded as
/// glibc's `_dl_protect_relro` does: the start down to a page, the end down
/// too, because the page holding the end may also hold writable data (the
/// linkers pad RELRO to end on a page boundary, so nothing is lost with
/// them). `None` without PT_GNU_RELRO or when it covers no whole page.
///
/// `data_start` (0 if unknown) is where writable `.data` begins; the range
/// is cut there. GNU ld's aarch64 script ends RELRO 24 bytes into
/// `.got.plt` whether or not there is one (`DATA_SEGMENT_RELRO_END (24, .)`,
/// for the dynamic linker's reserved GOT words), so in a program without
/// `.got.plt` PT_GNU_RELRO covers the first 24 bytes of `.data`; protecting
/// it as the header says made the first write to `.data` fault.
pub fn find_relro(phdrs: &[Phdr], bias: usize, page: usize, data_start: usize) -> Option<(usize, usize)> {
    let r = find(phdrs, PT_GNU_RELRO)?;
    if !page.is_power_of_two() {
        return None;
    }
    // The load bias, as for PT_TLS.
    let start = bias.wrapping_add(r.p_vaddr as usize);
    let mut end = start.checked_add(r.p_memsz as usize)?;
    if data_start > start && data_start < end {
        end = data_start;
    }
    let end = end & !(page - 1);
    let start = start & !(page - 1);
    (end > start).then_some((start, end - start))
}

/// The running program's RELRO pages (see [`find_relro`]).
pub fn relro() -> Option<(usize, usize)> {
    let page = match auxv::value(auxv::AT_PAGESZ) {
        0 => 4096,
        p => p,
    };
    find_relro(phdrs(), crate::reloc::bias(), page, crate::linker::data_start())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ph(p_type: u32, vaddr: u64, filesz: u64, memsz: u64, align: u64) -> Phdr {
        Phdr { p_type, p_flags: 0, p_offset: 0, p_vaddr: vaddr, p_paddr: 0, p_filesz: filesz, p_memsz: memsz, p_align: align }
    }

    #[test]
    fn finds_tls_with_bias() {
        let h = [ph(6, 0x40, 0, 0, 8), ph(1, 0, 0, 0, 4096), ph(PT_TLS, 0x2000, 16, 48, 64)];
        let i = find_tls(&h, 0x5550_0000).unwrap();
        assert_eq!((i.addr, i.filesz, i.memsz, i.align), (0x5550_2000, 16, 48, 64));
    }

    #[test]
    fn no_tls_is_an_empty_image() {
        let i = find_tls(&[ph(1, 0, 0, 0, 4096)], 0).unwrap();
        assert_eq!((i.memsz, i.align), (0, 1));
    }

    #[test]
    fn relro_is_rounded_to_whole_pages() {
        let h = [ph(6, 0x40, 0, 0, 8), ph(PT_GNU_RELRO, 0x1e10, 0, 0x11f0, 1)];
        // Ends on a page boundary: from the page holding its start.
        assert_eq!(find_relro(&h, 0, 0x1000, 0), Some((0x1000, 0x2000)));
        // With a load bias of 0x10000.
        assert_eq!(find_relro(&h, 0x10000, 0x1000, 0), Some((0x11000, 0x2000)));
        // A partial last page stays writable; less than a page is nothing.
        let h = [ph(PT_GNU_RELRO, 0x2000, 0, 0x1800, 1)];
        assert_eq!(find_relro(&h, 0, 0x1000, 0), Some((0x2000, 0x1000)));
        assert_eq!(find_relro(&[ph(PT_GNU_RELRO, 0x2000, 0, 0x800, 1)], 0, 0x1000, 0), None);
        assert_eq!(find_relro(&[ph(1, 0, 0, 0, 0x1000)], 0, 0x1000, 0), None);
        // GNU ld on aarch64 without .got.plt: RELRO ends 24 bytes into
        // .data, which shares RELRO's last page, so that page stays writable.
        let h = [ph(PT_GNU_RELRO, 0x41_ff88, 0, 0x78, 1)];
        assert_eq!(find_relro(&h, 0, 0x1000, 0x41_ffe8), None);
        let h = [ph(PT_GNU_RELRO, 0x41_d000, 0, 0x3000, 1)];
        assert_eq!(find_relro(&h, 0, 0x1000, 0x41_ffe8), Some((0x41_d000, 0x2000)));
        // A data start outside the range changes nothing.
        assert_eq!(find_relro(&h, 0, 0x1000, 0x42_0000), Some((0x41_d000, 0x3000)));
        // An address range that wraps is refused, not protected.
        assert_eq!(find_relro(&[ph(PT_GNU_RELRO, u64::MAX - 8, 0, 0x2000, 1)], 0, 0x1000, 0), None);
    }

    #[test]
    fn missing_at_phdr_means_no_tls() {
        let v = [auxv::AT_PAGESZ, 4096, auxv::AT_PHNUM, 9, auxv::AT_NULL, 0];
        let t = auxv::Table::new();
        // SAFETY: `v` is a vector of pairs ending with AT_NULL.
        unsafe { t.fill(v.as_ptr()) };
        let h = headers(t.value(auxv::AT_PHDR), t.value(auxv::AT_PHNUM));
        assert!(h.is_empty(), "no AT_PHDR: no headers, whatever AT_PHNUM says");
        let i = find_tls(h, 0).unwrap();
        assert_eq!((i.memsz, i.align), (0, 1));
    }

    #[test]
    fn rejects_malformed_tls() {
        assert!(find_tls(&[ph(PT_TLS, 0, 8, 8, 24)], 0).is_none());
        assert!(find_tls(&[ph(PT_TLS, 0, 16, 8, 8)], 0).is_none());
        assert_eq!(find_tls(&[ph(PT_TLS, 0, 0, 8, 0)], 0).unwrap().align, 1);
    }
}
