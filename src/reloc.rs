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
//! Any other type is a fatal error naming it: a static executable has no
//! symbols to bind, so a symbolic relocation means a broken link.

use core::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use crate::elf::{Phdr, PT_DYNAMIC, PT_LOAD};
use crate::ifunc::Rela;
use crate::{arch, fatal};

/// Elf64_Ehdr, as far as crt0 reads it.
#[repr(C)]
pub struct Ehdr {
    e_ident: [u8; 16],
    e_type: u16,
    e_machine: u16,
    e_version: u32,
    e_entry: u64,
    e_phoff: u64,
    e_shoff: u64,
    e_flags: u32,
    e_ehsize: u16,
    e_phentsize: u16,
    e_phnum: u16,
}

/// e_type of a position-independent executable (or shared object).
const ET_DYN: u16 = 3;

/// Dynamic-table tags (elf.h) that say where relocations are.
const DT_NULL: u64 = 0;
const DT_PLTRELSZ: u64 = 2;
const DT_RELA: u64 = 7;
const DT_RELASZ: u64 = 8;
const DT_REL: u64 = 17;
const DT_JMPREL: u64 = 23;
const DT_RELRSZ: u64 = 35;
const DT_RELR: u64 = 36;

/// Relocation types every architecture spells the same way.
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
/// are applied). Written without indexing or arithmetic that can
/// panic: it runs before relocation, when a panic's message pointers are
/// not yet valid.
#[inline(always)]
pub fn apply_rela(
    relocs: &[Rela],
    bias: usize,
    pass: Pass,
    mut resolve: impl FnMut(usize) -> usize,
    mut store: impl FnMut(usize, usize),
) -> Result<(usize, usize), u32> {
    let (mut applied, mut left) = (0usize, 0usize);
    for r in relocs {
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
            Pass::Irelative if kind == arch::R_RELATIVE || kind == R_NONE => None,
            _ => return Err(kind),
        };
        if let Some(v) = apply {
            store(slot, v);
            applied = applied.wrapping_add(1);
        }
    }
    Ok((applied, left))
}

/// Applies a RELR table (the compact encoding of RELATIVE relocations,
/// DT_RELR): an even entry is the link-time address of a word to relocate,
/// and starts a run; an odd entry is a bitmap of the 63 words after the
/// run so far, bit 1 for the first. `add(address)` adds the bias to the
/// word at a runtime address. Returns how many words were relocated.
#[inline(always)]
pub fn apply_relr(relr: &[u64], bias: usize, mut add: impl FnMut(usize)) -> usize {
    const WORD: usize = core::mem::size_of::<usize>();
    let mut next = 0usize; // the word after the last one addressed
    let mut count = 0usize;
    for &e in relr {
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
    /// (address, bytes) of `.rela.dyn`, `.rela.plt` and `.relr.dyn`.
    pub rela: (usize, usize),
    pub jmprel: (usize, usize),
    pub relr: (usize, usize),
    /// DT_REL is there: 64-bit Linux uses RELA only, so crt0 refuses it.
    pub has_rel: bool,
}

/// Reads the tags crt0 needs from a dynamic table that ends in DT_NULL (or
/// at the end of the slice).
#[inline(always)]
pub fn read_dynamic(entries: &[[u64; 2]]) -> Dynamic {
    let mut d = Dynamic::default();
    for &[tag, val] in entries {
        let val = val as usize;
        match tag {
            DT_NULL => break,
            DT_RELA => d.rela.0 = val,
            DT_RELASZ => d.rela.1 = val,
            DT_JMPREL => d.jmprel.0 = val,
            DT_PLTRELSZ => d.jmprel.1 = val,
            DT_RELR => d.relr.0 = val,
            DT_RELRSZ => d.relr.1 = val,
            DT_REL => d.has_rel = true,
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
/// 0, or there is no PT_DYNAMIC (nothing to relocate).
#[inline(always)]
pub fn bias_and_dynamic(phdrs: &[Phdr], ehdr: usize) -> Option<(usize, usize, usize)> {
    let mut link_ehdr = None;
    let mut dynamic = None;
    for p in phdrs {
        if p.p_type == PT_LOAD && p.p_offset == 0 && link_ehdr.is_none() {
            link_ehdr = Some(p.p_vaddr as usize);
        } else if p.p_type == PT_DYNAMIC {
            dynamic = Some((p.p_vaddr as usize, p.p_memsz as usize / 16));
        }
    }
    let bias = ehdr.wrapping_sub(link_ehdr?);
    let (addr, n) = dynamic?;
    Some((bias, bias.wrapping_add(addr), n))
}

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
    let base = ehdr as usize;
    // SAFETY: the caller passes the mapped header; the program headers
    // follow it in the first loaded page (the linkers put them there for
    // PT_PHDR and the kernel's AT_PHDR), e_phnum of them.
    let phdrs = unsafe {
        let h = &*ehdr;
        core::slice::from_raw_parts(base.wrapping_add(h.e_phoff as usize) as *const Phdr, h.e_phnum as usize)
    };
    let Some((bias, dynamic, entries)) = bias_and_dynamic(phdrs, base) else {
        return; // ET_DYN without PT_DYNAMIC: nothing was left to relocate
    };
    // SAFETY: PT_DYNAMIC is loaded, p_memsz bytes of Elf64_Dyn.
    let d = read_dynamic(unsafe { core::slice::from_raw_parts(dynamic as *const [u64; 2], entries) });
    BIAS.store(bias, Relaxed);
    if d.relr.0 != 0 {
        // SAFETY: DT_RELR/DT_RELRSZ describe a loaded array of words.
        let relr = unsafe { core::slice::from_raw_parts(bias.wrapping_add(d.relr.0) as *const u64, d.relr.1 / 8) };
        // SAFETY: each word RELR lists is in a writable (not yet
        // protected) segment of this image.
        apply_relr(relr, bias, |at| unsafe { *(at as *mut usize) = (*(at as *const usize)).wrapping_add(bias) });
    }
    let mut unknown = None;
    let mut irelative = 0usize;
    for (i, (addr, bytes)) in [d.rela, d.jmprel].into_iter().enumerate() {
        let (addr, n) = (bias.wrapping_add(addr), if addr == 0 { 0 } else { bytes / core::mem::size_of::<Rela>() });
        // SAFETY: DT_RELA/DT_JMPREL and their sizes describe loaded arrays.
        let relocs = unsafe { core::slice::from_raw_parts(addr as *const Rela, n) };
        // SAFETY: the linker's slots, in writable (not yet protected) segments.
        let store = |slot: usize, v: usize| unsafe { *(slot as *mut usize) = v };
        match apply_rela(relocs, bias, Pass::Relative, |_| 0, store) {
            Ok((_, 0)) => {}
            Ok((_, left)) => {
                // IRELATIVE entries wait for phase 4: remember the table.
                TABLES[i][0].store(addr, Relaxed);
                TABLES[i][1].store(n, Relaxed);
                irelative = irelative.wrapping_add(left);
            }
            Err(kind) => {
                unknown = unknown.or(Some(kind));
                // The pass stopped at that entry, but the fatal message
                // below may itself be reached through a stored pointer
                // (LLVM makes a table of them for the names in
                // `arch::unsupported_relocation` on riscv64): apply every
                // other RELATIVE entry first, one at a time (RELA stores
                // are idempotent), skipping the bad ones.
                for r in relocs {
                    let _ = apply_rela(core::slice::from_ref(r), bias, Pass::Relative, |_| 0, store);
                }
            }
        }
    }
    IRELATIVE.store(irelative, Relaxed);
    if irelative != 0 {
        // A code address, computed PC-relatively: right without relocation.
        IRELATIVE_PASS.store(apply_irelative as *const () as usize, Relaxed);
    }
    // Only now may a stored pointer be read, so only now can start-up
    // report: the message tables of `fatal` may themselves be relocated.
    core::sync::atomic::compiler_fence(core::sync::atomic::Ordering::SeqCst);
    if d.has_rel {
        fatal::die("static-PIE with REL relocations (DT_REL); 64-bit Linux uses RELA");
    }
    if let Some(kind) = unknown {
        fatal::die_with(arch::unsupported_relocation(kind), kind as usize);
    }
}

/// Phase 4's pass over a static-PIE executable's IRELATIVE relocations,
/// if it has any: `ifunc::apply_irelative` calls it. Reached through a
/// pointer that only [`relocate`] stores, so that fixed-address programs,
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
