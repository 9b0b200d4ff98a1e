//! Static TLS: one allocation per thread holding the TLS block (a copy of
//! PT_TLS: `.tdata` then zeroed `.tbss`), the thread control block the thread
//! pointer points at, crt0's per-thread data and the thread's rseq area.
//!
//! Variant II (x86_64): `[pad | TLS block | TCB | thread data | rseq]`, TP at the TCB.
//! Variant I, TCB at TP (aarch64): `[thread data | rseq | TCB (16 bytes) | pad | TLS block]`.
//! Variant I, TCB below TP (riscv64): `[thread data | rseq | pad | TCB (16 bytes) | TLS block]`,
//! TP at the block.
//! Either way the thread data and the rseq area sit at a fixed offset from
//! the thread pointer, the same in every thread, which is what `__rseq_offset`
//! publishes. Which variant, and where the TCB sits relative to the thread
//! pointer, are the architecture's (`arch::TLS_VARIANT`, `arch::TCB_OFFSET`):
//! nothing here names an architecture.

use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicIsize, Ordering::Relaxed};

use crate::{arch, auxv, elf, fatal, rseq, syscall};

/// Where the TLS block goes relative to the thread pointer (ELF TLS ABI,
/// Drepper's "ELF Handling For Thread-Local Storage", section 3.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// Block above the TCB, at `TP + round_up(tcb_offset + tcb_size,
    /// p_align)`: the part of the TCB at or above the thread pointer is a
    /// gap the block starts after (16 bytes on aarch64, none on riscv64,
    /// whose TCB lies wholly below TP).
    I,
    /// Block below the thread pointer, ending at it.
    II,
}

/// crt0's own per-thread data, at a fixed offset from the thread pointer.
#[repr(C, align(16))]
pub struct ThreadData {
    /// The C `errno` (see `__errno_location`).
    pub errno: i32,
    /// The error `dlerror()` will report next (`c::dlfcn`), 0 for none.
    pub dl_error: u32,
    /// This thread's cache of free heap blocks (`heap::ThreadCache`), set
    /// by the heap on the thread's first allocation; null until then.
    pub heap_cache: *mut u8,
    /// The thread's control block (`thread::Thread`), set by its creator;
    /// null on the main thread, which has none.
    pub thread: *mut u8,
    /// The thread's destructors of thread-local objects (`thread::dtors`),
    /// most recent first; null when there are none.
    pub tls_dtors: *mut u8,
}

const DATA_SIZE: usize = core::mem::size_of::<ThreadData>();

/// The shape of the pieces that go into a thread's allocation.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    /// The architecture's TLS variant.
    pub variant: Variant,
    /// PT_TLS `p_memsz` (0 without PT_TLS).
    pub tls_size: usize,
    /// PT_TLS `p_align` (1 without PT_TLS).
    pub tls_align: usize,
    /// Bytes of the thread control block.
    pub tcb_size: usize,
    /// Its alignment.
    pub tcb_align: usize,
    /// Where the TCB starts relative to the thread pointer: 0 when TP
    /// points at it (x86_64, aarch64), `-tcb_size` when it ends at TP
    /// (riscv64). Variant II needs 0; variant I anything from `-tcb_size`
    /// to 0 whose distance below TP is a multiple of `tcb_align`.
    pub tcb_offset: isize,
    /// Bytes of the rseq area.
    pub rseq_size: usize,
    /// Its alignment.
    pub rseq_align: usize,
}

/// Offsets inside a thread's allocation (all computed once per process).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// Bytes to allocate.
    pub size: usize,
    /// The alignment the allocation needs.
    pub align: usize,
    /// Offset of the thread pointer from the start of the allocation.
    pub tp: usize,
    /// Offset of the TLS block from the start of the allocation.
    pub block: usize,
    /// Offset of crt0's thread data from the thread pointer.
    pub data: isize,
    /// Offset of the rseq area from the thread pointer (`__rseq_offset`).
    pub rseq: isize,
    /// Offset of the TCB from the thread pointer (0, or `-tcb_size` on riscv64).
    pub tcb: isize,
}

/// Rounds `x` up to a multiple of the power of two `a`.
const fn round_up(x: usize, a: usize) -> usize {
    (x + a - 1) & !(a - 1)
}

const fn max(a: usize, b: usize) -> usize {
    if a > b { a } else { b }
}

/// Larger sizes or alignments than this are refused: it keeps every sum
/// below from overflowing without a check on each.
pub const LIMIT: usize = 1 << 40;

impl Layout {
    /// Lays out one thread's allocation. `None` if an alignment is not a
    /// power of two or a size or alignment is beyond [`LIMIT`].
    pub const fn new(s: Shape) -> Option<Layout> {
        let pow2 = s.tls_align.is_power_of_two() && s.tcb_align.is_power_of_two() && s.rseq_align.is_power_of_two();
        if !pow2 {
            return None;
        }
        Layout::with_valid_aligns(s)
    }

    /// As [`Layout::new`], for a shape whose alignments are known to be
    /// powers of two: phase 2 builds its shape from `elf::find_tls` and
    /// `rseq::shape_for`, which check exactly that where the values come
    /// in, and from the TCB's type. Checking again would be the same work
    /// twice in every process's start-up.
    // Always inlined, as `elf::tls_image`: phase 2 folds the constant parts.
    #[inline(always)]
    pub(crate) const fn with_valid_aligns(s: Shape) -> Option<Layout> {
        if (s.tls_size | s.tls_align | s.tcb_size | s.tcb_align | s.rseq_size | s.rseq_align) >= LIMIT {
            return None;
        }
        // The TCB below TP (variant I only): 0..=tcb_size bytes of it, a
        // whole number of its alignments, so that TP's alignment is its.
        let tcb_below = s.tcb_offset.unsigned_abs();
        let tcb_ok = match s.variant {
            Variant::II => s.tcb_offset == 0,
            Variant::I => s.tcb_offset <= 0 && tcb_below <= s.tcb_size && tcb_below.is_multiple_of(s.tcb_align),
        };
        if !tcb_ok {
            return None;
        }
        let align = max(max(s.tls_align, s.tcb_align), max(s.rseq_align, 16));
        let span = round_up(s.tls_size, s.tls_align);
        let rseq_span = round_up(s.rseq_size, s.rseq_align);
        Some(match s.variant {
            Variant::II => {
                // align is a multiple of tls_align, so TP is also a multiple
                // of tls_align and the block (TP - span) is aligned exactly;
                // and rounding the span up to align is rounding the size.
                let tp = round_up(s.tls_size, align);
                let rseq = round_up(s.tcb_size + DATA_SIZE, s.rseq_align);
                Layout { size: tp + rseq + rseq_span, align, tp, block: tp - span, data: s.tcb_size as isize, rseq: rseq as isize, tcb: 0 }
            }
            Variant::I => {
                // Below TP, downwards: the TCB's lower part, the rseq area
                // at its alignment, crt0's data. Above: the rest of the
                // TCB, then the block at its alignment.
                let rseq = round_up(tcb_below, s.rseq_align) + rseq_span;
                let below = rseq + DATA_SIZE;
                let tp = round_up(below, align);
                let block = tp + round_up(s.tcb_size - tcb_below, s.tls_align);
                Layout {
                    size: block + s.tls_size,
                    align,
                    tp,
                    block,
                    data: -(below as isize),
                    rseq: -(rseq as isize),
                    tcb: s.tcb_offset,
                }
            }
        })
    }
}

/// The TLS initialisation image: `filesz` bytes at `addr` to copy, `memsz`
/// in all (the rest zero).
#[derive(Clone, Copy, Debug, Default)]
pub struct Image {
    /// Where the image is (PT_TLS `p_vaddr` plus the load bias).
    pub addr: usize,
    /// Bytes to copy (`.tdata`).
    pub filesz: usize,
    /// Bytes in all (`.tbss` follows, zeroed).
    pub memsz: usize,
    /// The block's alignment.
    pub align: usize,
}

/// A statically allocated home for the main thread's block: no system call
/// for programs with modest TLS. In `.bss`, so it costs no file bytes.
/// Aligned to 256, which covers the TCB, cache-line-aligned TLS and the
/// rseq area's alignments: every layout that fits (alignment at most 256,
/// size at most 2 KiB) starts at its first byte, so "does it fit" is two
/// compares. Not page-aligned: that padded `.bss` by most of a page, and
/// the page faults of writing it showed in every program's start-up.
#[repr(C, align(256))]
struct StaticArea(UnsafeCell<[u8; STATIC_AREA_SIZE]>);
const STATIC_AREA_SIZE: usize = 2048;
const STATIC_AREA_ALIGN: usize = core::mem::align_of::<StaticArea>();
// SAFETY: written only by `init_main_thread`, before any other thread exists.
unsafe impl Sync for StaticArea {}
static STATIC_AREA: StaticArea = StaticArea(UnsafeCell::new([0; STATIC_AREA_SIZE]));

// The layout every thread uses, recorded for later threads and for lookups.
// Recorded last in phase 2, so it doubles as the "TLS is ready" flag: it is
// never 0 once set, as the TCB, not crt0's data, sits at the thread pointer.
static DATA_OFFSET: AtomicIsize = AtomicIsize::new(0);

/// What phase 2 did, for the trace. The rest of what the trace shows is
/// read back from the thread itself by the methods, so that start-up keeps
/// no registers busy with it while the trace is off.
pub struct Report {
    /// The TLS image found.
    pub image: Image,
    /// The layout chosen.
    pub layout: Layout,
}

impl Report {
    /// Whether the main thread's block is in a fresh mapping rather than the
    /// static area (where its thread pointer would be). On the main thread.
    pub fn from_mmap(&self) -> bool {
        let tp = arch::thread_pointer() as usize;
        tp.wrapping_sub(STATIC_AREA.0.get() as usize) >= STATIC_AREA_SIZE
    }

    /// How the thread pointer was set (the instruction or the system call).
    pub fn tp_method(&self) -> &'static str {
        arch::thread_pointer_method(auxv::value(auxv::AT_HWCAP2))
    }
}

/// Phase 2: builds the main thread's TLS block and TCB, puts the canary in
/// place and makes the thread pointer point at it.
///
/// # Safety
/// Call once, from the main thread, after `auxv::init` and before any TLS access.
pub unsafe fn init_main_thread() -> Report {
    let (image, area, layout) = process_layout();

    // The static area when the layout fits, else a fresh mapping large
    // enough to align inside it.
    let base = if layout.align <= STATIC_AREA_ALIGN && layout.size <= STATIC_AREA_SIZE {
        STATIC_AREA.0.get() as usize
    } else {
        let len = layout.size + if layout.align > 4096 { layout.align } else { 0 };
        let prot = syscall::Prot::READ | syscall::Prot::WRITE;
        let Ok(p) = syscall::mmap_anonymous(len, prot) else { fatal::die("cannot map memory for TLS") };
        ((p as usize) + layout.align - 1) & !(layout.align - 1)
    };
    // SAFETY: [base, base + size) lies inside the static area or the mapping,
    // both zero-filled, so `.tbss` and the rseq area need no clearing.
    let tp = unsafe { install(base as *mut u8, &layout, &image, new_canary()) };
    rseq::set_area(layout.rseq, area);
    // SAFETY: tp points at the TCB just initialised, in memory that lives forever.
    if !unsafe { arch::set_thread_pointer(tp, auxv::value(auxv::AT_HWCAP2)) } {
        fatal::die("cannot set the thread pointer");
    }
    arch::note_main_thread_pointer(tp);
    DATA_OFFSET.store(layout.data, Relaxed);
    Report { image, layout }
}

/// The TLS image, the rseq area's shape and the layout of every thread's
/// allocation. Computed from the program headers and the auxiliary vector
/// alone, so a later thread gets exactly what the main thread got without
/// start-up having to keep anything for it.
#[inline(always)]
fn process_layout() -> (Image, rseq::Shape, Layout) {
    let image = elf::tls_image().unwrap_or_else(|| fatal::die("malformed PT_TLS segment"));
    let area = rseq::area_shape();
    let shape = Shape {
        variant: arch::TLS_VARIANT,
        tls_size: image.memsz,
        tls_align: image.align,
        tcb_size: arch::TCB_SIZE,
        tcb_align: core::mem::align_of::<arch::Tcb>(),
        tcb_offset: arch::TCB_OFFSET,
        rseq_size: area.size,
        rseq_align: area.align,
    };
    // Both functions above hand over power-of-two alignments.
    let Some(layout) = Layout::with_valid_aligns(shape) else { fatal::die("TLS segment too large") };
    (image, area, layout)
}

/// A new thread's TLS: where its allocation goes, and how to fill it.
#[derive(Clone, Copy)]
pub struct ThreadBlock {
    /// The layout, the same as the main thread's.
    pub layout: Layout,
    image: Image,
}

/// The shape of a new thread's TLS allocation: the main thread's.
pub fn thread_block() -> ThreadBlock {
    let (image, _, layout) = process_layout();
    ThreadBlock { layout, image }
}

impl ThreadBlock {
    /// Fills a new thread's allocation at `base` as phase 2 filled the main
    /// thread's (TLS image, TCB with the process's canary, rseq area at
    /// cpu_id -1) and points its crt0 data at `thread`. Returns the thread
    /// pointer for clone's CLONE_SETTLS.
    ///
    /// # Safety
    /// `base` must be `layout.align`-aligned, zero-filled and writable for
    /// `layout.size` bytes, and no thread may use it yet.
    pub unsafe fn install(&self, base: *mut u8, thread: *mut u8) -> *mut u8 {
        // SAFETY: per the caller; the data lies inside the allocation.
        unsafe {
            let tp = install(base, &self.layout, &self.image, canary());
            (*tp.offset(self.layout.data).cast::<ThreadData>()).thread = thread;
            tp
        }
    }
}

/// Fills one thread's zeroed allocation at `base`: the TLS image, the TCB,
/// and cpu_id = -1 (RSEQ_CPU_ID_UNINITIALIZED) in the rseq area. Returns the
/// thread pointer.
///
/// # Safety
/// `base` must be `layout.align`-aligned, zero-filled and writable for
/// `layout.size` bytes.
unsafe fn install(base: *mut u8, layout: &Layout, image: &Image, canary: usize) -> *mut u8 {
    // SAFETY: every offset comes from `layout`, inside the allocation; the
    // image lies in the loaded executable.
    unsafe {
        if image.filesz != 0 {
            crate::mem::copy(base.add(layout.block), image.addr as *const u8, image.filesz);
        }
        let tp = base.add(layout.tp);
        arch::init_tcb(tp, canary);
        rseq::init_area(tp.offset(layout.rseq));
        tp
    }
}

/// A new stack-protector canary: 8 of the kernel's 16 AT_RANDOM bytes, with
/// the lowest byte zeroed so that string functions overrunning a buffer
/// cannot reproduce it. Without AT_RANDOM (never seen on Linux), the
/// canary still differs per run through ASLR of the stack.
fn new_canary() -> usize {
    // SAFETY: AT_RANDOM, when present, points at 16 bytes on the initial stack.
    unsafe { canary_from(auxv::value(auxv::AT_RANDOM)) }
}

/// The canary from the AT_RANDOM value `random` (0 when absent), apart
/// from the auxv lookup so that the unit tests can hand it a missing entry.
///
/// # Safety
/// `random` must be 0 or point at 8 readable bytes.
#[inline(always)]
unsafe fn canary_from(random: usize) -> usize {
    let word = if random != 0 {
        // SAFETY: per the caller.
        unsafe { (random as *const usize).read_unaligned() }
    } else {
        let local = 0u8;
        (&raw const local as usize).rotate_left(17) ^ (&raw const STATIC_AREA as usize)
    };
    word & !0xff
}

/// The stack-protector canary that compiled code checks, read where it
/// reads it: the TCB at `%fs:0x28` on x86_64, the global
/// `__stack_chk_guard` on aarch64 and riscv64. Valid once TLS is ready ([`ready`]).
pub fn canary() -> usize {
    arch::stack_guard()
}

/// True once the main thread's thread pointer is set.
pub fn ready() -> bool {
    DATA_OFFSET.load(Relaxed) != 0
}

/// The calling thread's crt0 data.
///
/// # Safety
/// TLS must be ready ([`ready`]).
pub unsafe fn thread_data() -> *mut ThreadData {
    arch::thread_pointer().wrapping_offset(DATA_OFFSET.load(Relaxed)).cast()
}

/// The calling thread's crt0 data, or `None` before phase 2 has set the
/// thread pointer (when reading it would fault). One load and a branch:
/// for code such as the heap that may in principle run that early.
#[inline(always)]
pub fn thread_data_if_ready() -> Option<*mut ThreadData> {
    let offset = DATA_OFFSET.load(Relaxed);
    if offset == 0 {
        return None;
    }
    Some(arch::thread_pointer().wrapping_offset(offset).cast())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canary_without_at_random_is_defined() {
        let bytes = [0x1122_3344_5566_7788usize, 0];
        // SAFETY: a readable word, then the "absent" value.
        let (given, missing) = unsafe { (canary_from(bytes.as_ptr() as usize), canary_from(0)) };
        assert_eq!(given, 0x1122_3344_5566_7700, "AT_RANDOM's first word, low byte zeroed");
        assert_eq!(missing & 0xff, 0);
        assert_ne!(missing, 0, "the fallback mixes in stack and data addresses");
    }

    fn shape(variant: Variant, tls_size: usize, tls_align: usize) -> Shape {
        Shape { variant, tls_size, tls_align, tcb_size: 64, tcb_align: 64, tcb_offset: 0, rseq_size: 32, rseq_align: 32 }
    }

    #[test]
    fn variant_ii_puts_the_block_right_below_tp() {
        for (size, align) in [(0, 1), (1, 1), (24, 8), (100, 64), (8, 4096), (1 << 20, 65536), (70000, 65536)] {
            let l = Layout::new(shape(Variant::II, size, align)).unwrap();
            let span = size.div_ceil(align) * align;
            assert_eq!(l.tp - l.block, span, "TP - block = round_up(memsz, p_align)");
            assert_eq!(l.block % align, 0);
            assert_eq!(l.tp % l.align, 0);
            assert_eq!(l.align % align, 0);
            assert_eq!((l.tp as isize + l.rseq) % 32, 0, "rseq area 32-aligned");
            assert!(l.rseq >= 64 + DATA_SIZE as isize && l.data == 64);
            assert!(l.size >= l.tp + l.rseq as usize + 32);
        }
    }

    #[test]
    fn variant_i_puts_the_block_above_the_tcb() {
        let mut s = shape(Variant::I, 40, 64);
        s.tcb_size = 16;
        s.tcb_align = 16;
        let l = Layout::new(s).unwrap();
        assert_eq!(l.block - l.tp, 64, "block at TP + round_up(16, p_align)");
        assert_eq!(l.size, l.block + 40);
        assert!(l.rseq < 0 && l.data < l.rseq);
        assert_eq!((l.tp as isize + l.rseq) % 32, 0);
        assert!(l.tp as isize + l.data >= 0);
        s.tls_align = 8;
        let l = Layout::new(s).unwrap();
        assert_eq!(l.block - l.tp, 16);
    }

    #[test]
    fn variant_i_with_the_tcb_below_tp_puts_the_block_at_tp() {
        // riscv64: tp points at the block itself, the 16-byte TCB ends at tp.
        let mut s = shape(Variant::I, 40, 64);
        (s.tcb_size, s.tcb_align, s.tcb_offset) = (16, 16, -16);
        let l = Layout::new(s).unwrap();
        assert_eq!(l.block, l.tp, "block at TP");
        assert_eq!(l.tcb, -16);
        assert_eq!(l.rseq, -64, "the area 32-aligned below the TCB");
        assert!(l.data < l.rseq && l.tp as isize + l.data >= 0);
        assert_eq!(l.size, l.block + 40);
        // A 64-aligned, 33-byte area (Linux 7.x) moves down to -128.
        (s.rseq_size, s.rseq_align) = (33, 64);
        assert_eq!(Layout::new(s).unwrap().rseq, -128);
        // The TCB cannot stick out of either end.
        s.tcb_offset = -32;
        assert!(Layout::new(s).is_none());
        s.tcb_offset = 8;
        assert!(Layout::new(s).is_none());
        let mut ii = shape(Variant::II, 40, 64);
        ii.tcb_offset = -64;
        assert!(Layout::new(ii).is_none(), "variant II has TP at the TCB");
    }

    #[test]
    fn larger_rseq_alignment_moves_the_area() {
        let mut s = shape(Variant::II, 16, 8);
        s.rseq_size = 64;
        s.rseq_align = 128;
        let l = Layout::new(s).unwrap();
        assert_eq!(l.rseq, 128);
        assert_eq!(l.tp % 128, 0);
    }

    #[test]
    fn rejects_bad_alignment_and_overflow() {
        assert!(Layout::new(shape(Variant::II, 16, 3)).is_none());
        assert!(Layout::new(shape(Variant::II, 16, 0)).is_none());
        assert!(Layout::new(shape(Variant::II, usize::MAX - 10, 64)).is_none());
        assert!(Layout::new(shape(Variant::I, usize::MAX - 10, 64)).is_none());
        assert!(Layout::new(shape(Variant::II, 16, LIMIT)).is_none());
        assert!(Layout::new(shape(Variant::II, LIMIT - 1, 1 << 39)).is_some());
        let mut s = shape(Variant::II, 16, 8);
        s.rseq_align = 48;
        assert!(Layout::new(s).is_none());
        s.rseq_align = LIMIT;
        assert!(Layout::new(s).is_none() && Layout::with_valid_aligns(s).is_none());
        s.rseq_align = 32;
        s.rseq_size = LIMIT;
        assert!(Layout::new(s).is_none() && Layout::with_valid_aligns(s).is_none());
    }

    #[test]
    fn thread_data_is_never_at_the_thread_pointer() {
        // `ready` relies on it: the recorded offset is 0 only before phase 2.
        for (variant, tcb_offset) in [(Variant::I, 0), (Variant::I, -64), (Variant::II, 0)] {
            for a in [1, 64, 4096] {
                let mut s = shape(variant, 100, a);
                s.tcb_offset = tcb_offset;
                assert_ne!(Layout::new(s).unwrap().data, 0);
            }
        }
    }
}
