//! Symbols the linker defines for crt0: array bounds, the IRELATIVE range
//! the optional `_init`/`_fini` and crt0's resolver section. All are referenced weakly through a
//! table of absolute addresses, so a missing one reads as 0 on every
//! linker and architecture (a PC-relative reference to an undefined weak
//! symbol is not portable: GNU ld on aarch64 resolves it to the place itself).

use core::arch::global_asm;
use core::marker::PhantomData;

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
    ".weakref crt0_data_start, __data_start",
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
    ".quad crt0_data_start",
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
    data_start: usize,
}

extern "C" {
    static crt0_linker_symbols: Symbols;
}

fn symbols() -> &'static Symbols {
    // SAFETY: the table above is initialised at link time and read-only.
    unsafe { &crt0_linker_symbols }
}

/// An array the linker delimits with two symbols, `[start, end)`.
#[derive(Clone, Copy)]
pub struct Array<T> {
    start: usize,
    end: usize,
    _entries: PhantomData<*const T>,
}

impl<T> Array<T> {
    fn new([start, end]: [usize; 2]) -> Array<T> {
        Array { start, end, _entries: PhantomData }
    }

    /// True when there is nothing between the bounds (also when the linker
    /// defined neither, both 0). Two loads and a compare: start-up asks
    /// this of five arrays that are empty in most programs, before paying
    /// for a slice.
    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    /// The entries (none when the bounds are undefined or inconsistent).
    pub fn as_slice(&self) -> &'static [T] {
        if self.is_empty() {
            return &[];
        }
        // SAFETY: the linker placed the entries of T between the two symbols.
        unsafe { core::slice::from_raw_parts(self.start as *const T, (self.end - self.start) / core::mem::size_of::<T>()) }
    }
}

/// The signature of `.preinit_array`/`.init_array` entries (glibc passes
/// argc, argv, envp; functions declared without parameters ignore them).
pub type InitFn = unsafe extern "C" fn(i32, *const *const u8, *const *const u8);
/// `.fini_array` entries, `_init` and `_fini` take no arguments.
pub type VoidFn = unsafe extern "C" fn();

pub fn preinit_array() -> Array<Option<InitFn>> {
    Array::new(symbols().preinit_array)
}

pub fn init_array() -> Array<Option<InitFn>> {
    Array::new(symbols().init_array)
}

pub fn fini_array() -> Array<Option<VoidFn>> {
    Array::new(symbols().fini_array)
}

/// The IRELATIVE relocations of a static non-PIE executable.
pub fn rela_iplt() -> Array<crate::ifunc::Rela> {
    Array::new(symbols().rela_iplt)
}

/// The Rust resolvers of `crate::ifunc!` (section `crt0_resolvers`).
pub fn resolvers() -> Array<crate::ifunc::Resolver> {
    Array::new(symbols().resolvers)
}

/// Where `.data` starts, if the linker says (GNU ld's default scripts
/// PROVIDE `__data_start`; rust-lld with `crt0-build/crt0.ld` does not, and
/// reads 0). RELRO must stop there: see `elf::find_relro`.
pub fn data_start() -> usize {
    symbols().data_start
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
