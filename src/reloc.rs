//! Static-PIE self-relocation. A static-PIE executable is linked at one
//! address and loaded by the kernel at another (the load bias, chosen by
//! ASLR); with no dynamic linker, its own start-up must fix every pointer
//! the linker stored in memory before anything reads one.
//!
//! Two passes, in the owner protocol's order:
//! 1. [`crt0_relocate`], which static-PIE's entry `_start_pie` calls before
//!    `crt0_start` (static-PIE links name it: `-e _start_pie`): R_*_RELATIVE from
//!    `.rela.dyn`/`.rela.plt` and every RELR entry (pointer + bias). Nothing
//!    may read a stored pointer before it; code here reads only the ELF
//!    header, the program headers and the dynamic table, all through
//!    addresses computed from the header's runtime address.
//! 2. Phase 4 (`ifunc::apply_irelative`, PREINIT, after TLS):
//!    R_*_IRELATIVE, whose resolvers are ordinary code and may use TLS,
//!    globals and the CPU features.
//!
//! One symbolic type is applied too, after the first pass: R_*_ABS64 (on
//! riscv64 GNU ld leaves it for a word holding the address of a weak
//! definition, e.g. a C++ vtable's `__cxa_pure_virtual`, which crt0-cc
//! makes weak), computed from DT_SYMTAB as glibc's static-PIE start-up
//! computes it. Any other type is a fatal error naming it: a static
//! executable has nothing to bind, so another symbolic relocation means a
//! broken link.

use core::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use crate::elf::{Phdr, PT_DYNAMIC, PT_LOAD};
use crate::ifunc::Rela;
use crate::{arch, fatal};

/// The ELF header, `Elf64_Ehdr` (linux/elf.h, from linux-raw-sys).
pub type Ehdr = linux_raw_sys::elf_uapi::Elf64_Ehdr;

use linux_raw_sys::elf_uapi as elf;

/// e_type of a position-independent executable (or shared object).
const ET_DYN: u16 = elf::ET_DYN as u16;

/// Dynamic-table tags that say where relocations are: the kernel's
/// linux/elf.h has all but RELR's, which come from glibc's elf.h (linkers
/// have written them since 2022).
const DT_NULL: u64 = elf::DT_NULL as u64;
const DT_PLTRELSZ: u64 = elf::DT_PLTRELSZ as u64;
const DT_RELA: u64 = elf::DT_RELA as u64;
const DT_RELASZ: u64 = elf::DT_RELASZ as u64;
const DT_REL: u64 = elf::DT_REL as u64;
const DT_JMPREL: u64 = elf::DT_JMPREL as u64;
const DT_RELRSZ: u64 = 35;
const DT_RELR: u64 = 36;
const DT_SYMTAB: u64 = elf::DT_SYMTAB as u64;

/// Relocation types every architecture spells the same way (R_X86_64_NONE,
/// R_AARCH64_NONE: in glibc's elf.h, not the kernel's uapi).
const R_NONE: u32 = 0;

// What `relocate` found, all 0 in a program linked at a fixed address.
// Stored before relocation, which is fine: code reaches crt0's own
// statics PC-relatively, with no stored pointer.
/// The load bias.
static BIAS: AtomicUsize = AtomicUsize::new(0);
/// (address, entries) of `.rela.dyn` and `.rela.plt` when they hold
/// IRELATIVE entries, for phase 4.
static TABLES: [[AtomicUsize; 2]; 2] = [[AtomicUsize::new(0), AtomicUsize::new(0)], [AtomicUsize::new(0), AtomicUsize::new(0)]];
/// How many IRELATIVE entries they hold, for the trace.
static IRELATIVE: AtomicUsize = AtomicUsize::new(0);
/// `apply_irelative`'s address once there is something for it to do.
static IRELATIVE_PASS: AtomicUsize = AtomicUsize::new(0);

/// Which relocations a pass applies; see the module comment.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Pass {
    /// Static-PIE, first: RELATIVE applied; IRELATIVE left for phase 4.
    Relative,
    /// Static-PIE, phase 4: IRELATIVE applied; RELATIVE (done) skipped.
    Irelative,
    /// Non-PIE `.rela.iplt`: only IRELATIVE may be there.
    IpltOnly,
}

/// One pass over a RELA table, with the resolver call and the store passed
/// in so tests and the fuzzer run it on a buffer: a RELATIVE entry stores
/// `bias + r_addend` at `bias + r_offset`, an IRELATIVE one stores
/// `resolve(bias + r_addend)` there. Returns how many entries the pass
/// applied and how many it left for the next pass (IRELATIVE in pass 1),
/// or the type of the first entry no pass may see (the entries before it
/// are applied). See [`apply_rela_at`].
#[inline(always)]
pub fn apply_rela(
    relocs: &[Rela],
    bias: usize,
    pass: Pass,
    resolve: impl FnMut(usize) -> usize,
    store: impl FnMut(usize, usize),
) -> Result<(usize, usize), u32> {
    apply_rela_at(relocs.as_ptr() as usize, relocs.len(), bias, pass, resolve, store)
}

/// [`apply_rela`] on `n` entries at address `table`: the form static-PIE's
/// first pass uses, before relocation. That code runs with every stored
/// pointer still unrelocated, the GOT's included, and a debug build (opt-level
/// 0) calls generic functions, core's and crt0's own, through the GOT: so it
/// uses none (no slice, iterator, `Option` method or `?`), only integer
/// addresses, raw reads and plain loops, and no arithmetic that can panic
/// (a panic's message pointers are not valid yet either). tests/pie.rs runs
/// a debug static-PIE on every static-PIE configuration.
#[inline(always)]
pub fn apply_rela_at(
    table: usize,
    n: usize,
    bias: usize,
    pass: Pass,
    mut resolve: impl FnMut(usize) -> usize,
    mut store: impl FnMut(usize, usize),
) -> Result<(usize, usize), u32> {
    let (mut applied, mut left) = (0usize, 0usize);
    let mut i = 0usize;
    while i < n {
        // SAFETY: the caller's table holds `n` entries.
        let r = unsafe { &*(table.wrapping_add(i.wrapping_mul(RELA_SIZE)) as *const Rela) };
        i = i.wrapping_add(1);
        let kind = r.r_info as u32;
        let slot = bias.wrapping_add(r.r_offset);
        let value = bias.wrapping_add(r.r_addend as usize);
        let apply = match pass {
            Pass::Relative if kind == arch::R_RELATIVE => Some(value),
            Pass::Irelative | Pass::IpltOnly if kind == arch::R_IRELATIVE => Some(resolve(value)),
            Pass::Relative if kind == arch::R_IRELATIVE => {
                left = left.wrapping_add(1);
                None
            }
            Pass::Relative if kind == R_NONE => None,
            Pass::Irelative if kind == arch::R_RELATIVE || kind == R_NONE || kind == arch::R_ABS64 => None,
            _ => return Err(kind),
        };
        if let Some(v) = apply {
            store(slot, v);
            applied = applied.wrapping_add(1);
        }
    }
    Ok((applied, left))
}

/// The size of an `Elf64_Rela`.
const RELA_SIZE: usize = core::mem::size_of::<Rela>();

/// Applies a RELR table (the compact encoding of RELATIVE relocations,
/// DT_RELR): an even entry is the link-time address of a word to relocate,
/// and starts a run; an odd entry is a bitmap of the 63 words after the
/// run so far, bit 1 for the first. `add(address)` adds the bias to the
/// word at a runtime address. Returns how many words were relocated. See
/// [`apply_relr_at`].
#[inline(always)]
pub fn apply_relr(relr: &[u64], bias: usize, add: impl FnMut(usize)) -> usize {
    apply_relr_at(relr.as_ptr() as usize, relr.len(), bias, add)
}

/// [`apply_relr`] on `n` words at address `table`, written as
/// [`apply_rela_at`] is, to run before relocation.
#[inline(always)]
pub fn apply_relr_at(table: usize, n: usize, bias: usize, mut add: impl FnMut(usize)) -> usize {
    const WORD: usize = core::mem::size_of::<usize>();
    let mut next = 0usize; // the word after the last one addressed
    let mut count = 0usize;
    let mut i = 0usize;
    while i < n {
        // SAFETY: the caller's table holds `n` words.
        let e = unsafe { *(table.wrapping_add(i.wrapping_mul(8)) as *const u64) };
        i = i.wrapping_add(1);
        if e & 1 == 0 {
            let at = bias.wrapping_add(e as usize);
            add(at);
            count = count.wrapping_add(1);
            next = at.wrapping_add(WORD);
        } else {
            let (mut bits, mut at) = (e >> 1, next);
            while bits != 0 {
                if bits & 1 != 0 {
                    add(at);
                    count = count.wrapping_add(1);
                }
                bits >>= 1;
                at = at.wrapping_add(WORD);
            }
            next = next.wrapping_add(63 * WORD);
        }
    }
    count
}

/// What the dynamic table says, with link-time addresses.
#[derive(Default, Debug, PartialEq, Eq)]
pub struct Dynamic {
    /// (address, bytes) of `.rela.dyn` (DT_RELA, DT_RELASZ).
    pub rela: (usize, usize),
    /// (address, bytes) of `.rela.plt` (DT_JMPREL, DT_PLTRELSZ).
    pub jmprel: (usize, usize),
    /// (address, bytes) of `.relr.dyn` (DT_RELR, DT_RELRSZ).
    pub relr: (usize, usize),
    /// DT_REL is there: 64-bit Linux uses RELA only, so crt0 refuses it.
    pub has_rel: bool,
    /// DT_SYMTAB: the symbols that `R_*_ABS64` entries name (0 if none).
    pub symtab: usize,
}

/// Reads the tags crt0 needs from a dynamic table that ends in DT_NULL (or
/// at the end of the slice). See [`read_dynamic_at`].
#[inline(always)]
pub fn read_dynamic(entries: &[[u64; 2]]) -> Dynamic {
    read_dynamic_at(entries.as_ptr() as usize, entries.len())
}

/// [`read_dynamic`] on `n` entries at address `table`, written as
/// [`apply_rela_at`] is, to run before relocation.
#[inline(always)]
pub fn read_dynamic_at(table: usize, n: usize) -> Dynamic {
    let mut d = Dynamic { rela: (0, 0), jmprel: (0, 0), relr: (0, 0), has_rel: false, symtab: 0 };
    let mut i = 0usize;
    while i < n {
        // SAFETY: the caller's table holds `n` entries of two words.
        let (tag, val) = unsafe {
            let at = table.wrapping_add(i.wrapping_mul(16));
            (*(at as *const u64), *(at.wrapping_add(8) as *const u64) as usize)
        };
        i = i.wrapping_add(1);
        match tag {
            DT_NULL => break,
            DT_RELA => d.rela.0 = val,
            DT_RELASZ => d.rela.1 = val,
            DT_JMPREL => d.jmprel.0 = val,
            DT_PLTRELSZ => d.jmprel.1 = val,
            DT_RELR => d.relr.0 = val,
            DT_RELRSZ => d.relr.1 = val,
            DT_REL => d.has_rel = true,
            DT_SYMTAB => d.symtab = val,
            _ => {}
        }
    }
    // GNU ld may count `.rela.plt` in DT_RELASZ when it follows `.rela.dyn`
    // (seen on riscv64): both ranges then end at the same address, and the
    // IRELATIVE entries there would run twice. glibc's dynamic linker takes
    // the PLT part out of the first range exactly then (elf/dynamic-link.h),
    // and so does crt0.
    let (start, size) = d.jmprel;
    if size != 0 && d.rela.1 >= size && d.rela.0.wrapping_add(d.rela.1) == start.wrapping_add(size) {
        d.rela.1 -= size;
    }
    d
}

/// The load bias of an image whose ELF header is at runtime address
/// `ehdr`: the header is file offset 0, which the PT_LOAD covering it
/// placed at `p_vaddr` at link time. Returns the bias and the runtime
/// address and entry count of PT_DYNAMIC; `None` if no PT_LOAD maps offset
/// 0, or there is no PT_DYNAMIC (nothing to relocate). See
/// [`bias_and_dynamic_at`].
#[inline(always)]
pub fn bias_and_dynamic(phdrs: &[Phdr], ehdr: usize) -> Option<(usize, usize, usize)> {
    bias_and_dynamic_at(phdrs.as_ptr() as usize, phdrs.len(), ehdr)
}

/// [`bias_and_dynamic`] on `n` program headers at address `table`, written
/// as [`apply_rela_at`] is, to run before relocation.
#[inline(always)]
pub fn bias_and_dynamic_at(table: usize, n: usize, ehdr: usize) -> Option<(usize, usize, usize)> {
    let (mut link_ehdr, mut have_link_ehdr) = (0usize, false);
    let (mut dynamic, mut dynamic_entries, mut have_dynamic) = (0usize, 0usize, false);
    let mut i = 0usize;
    while i < n {
        // SAFETY: the caller's table holds `n` headers.
        let p = unsafe { &*(table.wrapping_add(i.wrapping_mul(PHDR_SIZE)) as *const Phdr) };
        i = i.wrapping_add(1);
        if p.p_type == PT_LOAD && p.p_offset == 0 && !have_link_ehdr {
            (link_ehdr, have_link_ehdr) = (p.p_vaddr as usize, true);
        } else if p.p_type == PT_DYNAMIC {
            (dynamic, dynamic_entries, have_dynamic) = (p.p_vaddr as usize, p.p_memsz as usize / 16, true);
        }
    }
    if !have_link_ehdr || !have_dynamic {
        return None;
    }
    let bias = ehdr.wrapping_sub(link_ehdr);
    Some((bias, bias.wrapping_add(dynamic), dynamic_entries))
}

/// The size of an `Elf64_Phdr`.
const PHDR_SIZE: usize = core::mem::size_of::<Phdr>();

/// Relocates a static-PIE executable (pass 1); does nothing for one
/// linked at a fixed address. `_start_pie` calls it before `crt0_start`.
///
/// # Safety
/// Only `_start_pie`, first, before anything reads a pointer stored in the
/// image; `ehdr` must be the running program's mapped ELF header.
#[no_mangle]
pub unsafe extern "C" fn crt0_relocate(ehdr: *const Ehdr) {
    // SAFETY: the caller passes the mapped header.
    if unsafe { (*ehdr).e_type } == ET_DYN {
        // SAFETY: as the caller promised, for an ET_DYN image.
        unsafe { relocate(ehdr) }
    }
}

/// Stops a static-PIE executable that was entered at `_start`, which does
/// not relocate: it was linked without `-e _start_pie`. The message is all
/// that can run safely, as it reads no stored pointer. `ehdr` is null when
/// `_start_pie` has relocated the image.
///
/// # Safety
/// `ehdr` must be null or the running program's mapped ELF header.
#[inline(always)]
pub unsafe fn refuse_unrelocated(ehdr: *const Ehdr) {
    // SAFETY: the caller passes null or the mapped header.
    if !ehdr.is_null() && unsafe { (*ehdr).e_type } == ET_DYN {
        fatal::die("static-PIE needs -e _start_pie");
    }
}

/// The body of [`crt0_relocate`] for ET_DYN images.
///
/// # Safety
/// As [`crt0_relocate`].
#[cold]
#[inline(never)]
unsafe fn relocate(ehdr: *const Ehdr) {
    // Written as `apply_rela_at` is, up to the fence below: nothing before it
    // may call a generic function or read a stored pointer.
    let base = ehdr as usize;
    // SAFETY: the caller passes the mapped header; the program headers
    // follow it in the first loaded page (the linkers put them there for
    // PT_PHDR and the kernel's AT_PHDR), e_phnum of them.
    let (phoff, phnum) = unsafe { ((*ehdr).e_phoff as usize, (*ehdr).e_phnum as usize) };
    let Some((bias, dynamic, entries)) = bias_and_dynamic_at(base.wrapping_add(phoff), phnum, base) else {
        return; // ET_DYN without PT_DYNAMIC: nothing was left to relocate
    };
    // PT_DYNAMIC is loaded, p_memsz bytes of Elf64_Dyn.
    let d = read_dynamic_at(dynamic, entries);
    if d.relr.0 != 0 {
        // SAFETY: DT_RELR/DT_RELRSZ describe a loaded array of words; each
        // word it lists is in a writable (not yet protected) segment.
        apply_relr_at(bias.wrapping_add(d.relr.0), d.relr.1 / 8, bias, |at| unsafe {
            *(at as *mut usize) = (*(at as *const usize)).wrapping_add(bias)
        });
    }
    let tables = [d.rela, d.jmprel];
    let mut unknown = 0u32; // the first unknown type, if any (0 is R_NONE: never unknown)
    let mut irelative = 0usize;
    let mut kept = [(0usize, 0usize); 2];
    let mut absolute = [(0usize, 0usize); 2];
    let mut i = 0usize;
    while i < 2 {
        let (addr, bytes) = tables[i];
        let (addr, n) = (bias.wrapping_add(addr), if addr == 0 { 0 } else { bytes / RELA_SIZE });
        // SAFETY: the linker's slots, in writable (not yet protected) segments.
        let store = |slot: usize, v: usize| unsafe { *(slot as *mut usize) = v };
        // DT_RELA/DT_JMPREL and their sizes describe loaded arrays.
        match apply_rela_at(addr, n, bias, Pass::Relative, |_| 0, store) {
            Ok((_, 0)) => {}
            // IRELATIVE entries wait for phase 4: remember the table.
            Ok((_, left)) => {
                kept[i] = (addr, n);
                irelative = irelative.wrapping_add(left);
            }
            Err(_) => {
                // The pass stopped at an entry it does not apply. Go on one
                // entry at a time (RELA stores are idempotent): RELATIVE
                // entries applied, IRELATIVE ones counted for phase 4, 64-bit
                // absolute ones against a symbol (GNU ld leaves them for the
                // address of a weak definition on riscv64) kept for after the
                // fence below, where the symbol table may be read; any other
                // type is fatal there (the message itself may be reached
                // through a stored pointer, so every RELATIVE entry first).
                let (mut left, mut abs) = (0usize, 0usize);
                let mut j = 0usize;
                while j < n {
                    match apply_rela_at(addr.wrapping_add(j.wrapping_mul(RELA_SIZE)), 1, bias, Pass::Relative, |_| 0, store) {
                        Ok((_, l)) => left = left.wrapping_add(l),
                        Err(kind) if kind == arch::R_ABS64 => abs = abs.wrapping_add(1),
                        Err(kind) => {
                            if unknown == 0 {
                                unknown = kind;
                            }
                        }
                    }
                    j = j.wrapping_add(1);
                }
                if left != 0 {
                    kept[i] = (addr, n);
                    irelative = irelative.wrapping_add(left);
                }
                if abs != 0 {
                    absolute[i] = (addr, n);
                }
            }
        }
        i = i.wrapping_add(1);
    }
    // Only now may a stored pointer be read, or a generic function called,
    // so only now can start-up report: the message tables of `fatal` may
    // themselves be relocated.
    core::sync::atomic::compiler_fence(core::sync::atomic::Ordering::SeqCst);
    BIAS.store(bias, Relaxed);
    for (cell, (addr, n)) in TABLES.iter().zip(kept) {
        cell[0].store(addr, Relaxed);
        cell[1].store(n, Relaxed);
    }
    IRELATIVE.store(irelative, Relaxed);
    if irelative != 0 {
        IRELATIVE_PASS.store(apply_irelative as *const () as usize, Relaxed);
    }
    if d.has_rel {
        fatal::die("static-PIE with REL relocations (DT_REL); 64-bit Linux uses RELA");
    }
    if unknown != 0 {
        fatal::die_with(arch::unsupported_relocation(unknown), unknown as usize);
    }
    for (addr, n) in absolute {
        if n != 0 {
            // SAFETY: DT_RELA/DT_JMPREL describe loaded arrays, DT_SYMTAB
            // a loaded symbol table that their entries index, and each
            // r_offset a writable (not yet protected) word.
            unsafe { apply_absolute(core::slice::from_raw_parts(addr as *const Rela, n), bias, d.symtab) };
        }
    }
}

/// The `R_*_ABS64` entries of `relocs`: the word at `bias + r_offset`
/// becomes S + A, S being the symbol's runtime address (`bias +
/// st_value`), its value for an absolute symbol, or 0 for an undefined
/// (weak) one, as glibc's relocation of a static-PIE computes it.
///
/// # Safety
/// `symtab` (a link-time address) must be the image's loaded DT_SYMTAB,
/// which the entries' symbol indexes stay inside, and each slot writable.
unsafe fn apply_absolute(relocs: &[Rela], bias: usize, symtab: usize) {
    const SHN_UNDEF: u16 = 0;
    const SHN_ABS: u16 = 0xfff1;
    for r in relocs.iter().filter(|r| r.r_info as u32 == arch::R_ABS64) {
        let index = (r.r_info >> 32) as usize;
        let s = if index == 0 {
            0
        } else {
            if symtab == 0 {
                fatal::die("static-PIE: an absolute relocation names a symbol, but there is no DT_SYMTAB");
            }
            // SAFETY: per the caller: an Elf64_Sym of 24 bytes, st_shndx
            // at 6, st_value at 8.
            let sym = bias.wrapping_add(symtab).wrapping_add(index * 24);
            let (shndx, value) = unsafe { (*((sym + 6) as *const u16), *((sym + 8) as *const u64) as usize) };
            match shndx {
                SHN_UNDEF => 0,
                SHN_ABS => value,
                _ => bias.wrapping_add(value),
            }
        };
        // SAFETY: per the caller.
        unsafe { *(bias.wrapping_add(r.r_offset) as *mut usize) = s.wrapping_add(r.r_addend as usize) };
    }
}

/// Phase 4's pass over a static-PIE executable's IRELATIVE relocations,
/// if it has any: `ifunc::apply_irelative` calls it. Reached through a
/// pointer that only `relocate` stores, so that fixed-address programs,
/// which never call `relocate`, do not link this code either.
pub fn irelative_pass() -> Option<unsafe fn() -> usize> {
    match IRELATIVE_PASS.load(Relaxed) {
        0 => None,
        // SAFETY: `relocate` stored `apply_irelative`'s address.
        f => Some(unsafe { core::mem::transmute::<usize, unsafe fn() -> usize>(f) }),
    }
}

/// The IRELATIVE entries of the tables `relocate` kept (GNU ld puts them
/// in `.rela.dyn`, rust-lld in `.rela.plt`); returns how many.
///
/// # Safety
/// As `ifunc::apply_irelative`, which calls it.
unsafe fn apply_irelative() -> usize {
    let bias = BIAS.load(Relaxed);
    let mut applied = 0;
    for cell in &TABLES {
        let (addr, n) = (cell[0].load(Relaxed), cell[1].load(Relaxed));
        if n != 0 {
            // SAFETY: `relocate` stored a loaded table's address and length.
            let relocs = unsafe { core::slice::from_raw_parts(addr as *const Rela, n) };
            // SAFETY: per the caller.
            applied += unsafe { crate::ifunc::apply_table(relocs, bias, Pass::Irelative) };
        }
    }
    applied
}

/// The load bias: where the image is minus where it was linked; 0 unless
/// static-PIE.
pub fn bias() -> usize {
    BIAS.load(Relaxed)
}

/// How many IRELATIVE relocations a static-PIE executable has (0 in any
/// other: those are between `__rela_iplt_start` and `__rela_iplt_end`).
pub fn irelative_count() -> usize {
    IRELATIVE.load(Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rela_range_that_ends_with_the_plt_range_leaves_it_out() {
        // DT_RELA 0x388 + 1512 ends where DT_JMPREL 0x958 + 24 ends (GNU ld, riscv64).
        let table = [[DT_RELA, 0x388], [DT_RELASZ, 1512], [DT_JMPREL, 0x958], [DT_PLTRELSZ, 24], [DT_NULL, 0]];
        let d = read_dynamic(&table);
        assert_eq!(d.rela, (0x388, 1488));
        assert_eq!(d.jmprel, (0x958, 24));
        // Separate ranges are left as they are.
        let table = [[DT_RELA, 0x388], [DT_RELASZ, 48], [DT_JMPREL, 0x958], [DT_PLTRELSZ, 24]];
        assert_eq!(read_dynamic(&table).rela, (0x388, 48));
    }
}
