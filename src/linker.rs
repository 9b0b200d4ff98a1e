//! Symbols the linker defines for crt0: array bounds, the IRELATIVE range
//! the optional `_init`/`_fini` and crt0's resolver section. All are referenced weakly through a
//! table of absolute addresses, so a missing one reads as 0 on every
//! linker and architecture (a PC-relative reference to an undefined weak
//! symbol is not portable: GNU ld on aarch64 resolves it to the place itself).

use core::arch::global_asm;

// `.weakref` rather than `.weak`: it makes a weak reference through a local
// alias without changing the binding of the symbol itself, so a program that
// defines `_init` in the same LTO module as this table still links.
global_asm!(
    ".weakref crt0_preinit_array_start, __preinit_array_start",
    ".weakref crt0_preinit_array_end, __preinit_array_end",
    ".weakref crt0_init_array_start, __init_array_start",
    ".weakref crt0_init_array_end, __init_array_end",
    ".weakref crt0_fini_array_start, __fini_array_start",
    ".weakref crt0_fini_array_end, __fini_array_end",
    ".weakref crt0_rela_iplt_start, __rela_iplt_start",
    ".weakref crt0_rela_iplt_end, __rela_iplt_end",
    ".weakref crt0_init, _init",
    ".weakref crt0_fini, _fini",
    ".weakref crt0_resolvers_start, __start_crt0_resolvers",
    ".weakref crt0_resolvers_end, __stop_crt0_resolvers",
    ".pushsection .data.rel.ro.crt0_linker_symbols, \"aw\"",
    ".balign 8",
    ".globl crt0_linker_symbols",
    ".hidden crt0_linker_symbols",
    "crt0_linker_symbols:",
    ".quad crt0_preinit_array_start, crt0_preinit_array_end",
    ".quad crt0_init_array_start, crt0_init_array_end",
    ".quad crt0_fini_array_start, crt0_fini_array_end",
    ".quad crt0_rela_iplt_start, crt0_rela_iplt_end",
    ".quad crt0_init, crt0_fini",
    ".quad crt0_resolvers_start, crt0_resolvers_end",
    ".popsection",
);

#[repr(C)]
struct Symbols {
    preinit_array: [usize; 2],
    init_array: [usize; 2],
    fini_array: [usize; 2],
    rela_iplt: [usize; 2],
    init: usize,
    fini: usize,
    resolvers: [usize; 2],
}

extern "C" {
    static crt0_linker_symbols: Symbols;
}

fn symbols() -> &'static Symbols {
    // SAFETY: the table above is initialised at link time and read-only.
    unsafe { &crt0_linker_symbols }
}

/// A `[start, end)` range as a slice of `T` (empty when the linker defined
/// neither bound, or they are inconsistent).
fn range<T>(r: [usize; 2]) -> &'static [T] {
    let [start, end] = r;
    if end <= start {
        return &[]; // also when both are undefined (0)
    }
    // SAFETY: the linker placed the entries of T between the two symbols.
    unsafe { core::slice::from_raw_parts(start as *const T, (end - start) / core::mem::size_of::<T>()) }
}

/// The signature of `.preinit_array`/`.init_array` entries (glibc passes
/// argc, argv, envp; functions declared without parameters ignore them).
pub type InitFn = unsafe extern "C" fn(i32, *const *const u8, *const *const u8);
/// `.fini_array` entries, `_init` and `_fini` take no arguments.
pub type VoidFn = unsafe extern "C" fn();

pub fn preinit_array() -> &'static [Option<InitFn>] {
    range(symbols().preinit_array)
}

pub fn init_array() -> &'static [Option<InitFn>] {
    range(symbols().init_array)
}

pub fn fini_array() -> &'static [Option<VoidFn>] {
    range(symbols().fini_array)
}

/// The IRELATIVE relocations of a static non-PIE executable.
pub fn rela_iplt() -> &'static [crate::ifunc::Rela] {
    range(symbols().rela_iplt)
}

/// The Rust resolvers of `crate::ifunc!` (section `crt0_resolvers`).
pub fn resolvers() -> &'static [crate::ifunc::Resolver] {
    range(symbols().resolvers)
}

/// `_init`/`_fini`, if the program defines them (from crti.o-style code).
pub fn init_fn() -> Option<VoidFn> {
    // SAFETY: non-zero means the linker resolved `_init` to a function.
    (symbols().init != 0).then(|| unsafe { core::mem::transmute::<usize, VoidFn>(symbols().init) })
}

pub fn fini_fn() -> Option<VoidFn> {
    // SAFETY: as for `init_fn`.
    (symbols().fini != 0).then(|| unsafe { core::mem::transmute::<usize, VoidFn>(symbols().fini) })
}
