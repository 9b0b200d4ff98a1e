//! rseq(2) for the main thread: the area's shape (from the kernel's auxv
//! rule), its registration after the constructors when crt0 owns it, and the
//! glibc-compatible symbols that tell other code what happened.

pub mod owner;
#[cfg(not(test))]
pub(crate) mod thread;

use core::sync::atomic::{AtomicI32, AtomicIsize, AtomicU32, Ordering::Relaxed};

use crate::{arch, auxv, settings, syscall, tls};

/// This architecture's rseq signature (x86: `0x53053053`, aarch64:
/// `0xd428bc00`): the 4 bytes that must precede every abort handler of the
/// registered area. Code that registers its own area passes it.
pub const SIG: u32 = arch::RSEQ_SIG;

/// `cpu_id` before registration (RSEQ_CPU_ID_UNINITIALIZED).
pub const CPU_ID_UNINITIALIZED: i32 = -1;
/// `cpu_id` after a failed registration (RSEQ_CPU_ID_REGISTRATION_FAILED).
pub const CPU_ID_REGISTRATION_FAILED: i32 = -2;

/// The original ABI's area length and alignment, used when the kernel
/// reports no AT_RSEQ_FEATURE_SIZE (before Linux 6.3).
const ORIG_LEN: usize = 32;
/// Bytes of the original ABI that carry fields (cpu_id_start..flags).
const ORIG_FEATURE_SIZE: usize = 20;

/// `struct rseq` (include/uapi/linux/rseq.h), the fields up to Linux 6.3.
#[repr(C, align(32))]
pub struct Area {
    pub cpu_id_start: u32,
    pub cpu_id: i32,
    pub rseq_cs: u64,
    pub flags: u32,
    pub node_id: u32,
    pub mm_cid: u32,
    _end: u32,
}

/// Offset of `cpu_id` in `struct rseq`.
const CPU_ID_OFFSET: usize = 4;

/// How big and how aligned each thread's area is, and what crt0 registers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    /// Bytes reserved for the area (a multiple of `align`).
    pub size: usize,
    /// A power of two, at least 32.
    pub align: usize,
    /// The `rseq_len` argument.
    pub len: usize,
    /// The kernel's feature size, published in `__rseq_size` once registered.
    pub feature_size: usize,
}

/// The largest AT_RSEQ_FEATURE_SIZE or AT_RSEQ_ALIGN taken at its word.
pub const MAX_SANE: usize = 4096;

/// The kernel's rule (kernel/rseq.c): `rseq_len == 32` needs a 32-aligned
/// area; any other length must cover the feature size and the area must be
/// aligned to AT_RSEQ_ALIGN. crt0 registers 32 bytes while the feature size
/// fits in them (as glibc does) and the feature size beyond that.
pub const fn shape_for(feature_size: Option<usize>, align: Option<usize>) -> Shape {
    // A feature size or alignment beyond a page is no kernel's (they are 32
    // bytes today): the original 32-byte ABI, which every kernel accepts,
    // rather than sums that could overflow.
    let feature = match feature_size {
        Some(f) if f > 0 && f <= MAX_SANE => f,
        _ => ORIG_FEATURE_SIZE,
    };
    let align = match align {
        // a > ORIG_LEN, so a - 1 cannot wrap: a power of two shares no bit
        // with it (cheaper than `is_power_of_two`, which must also rule out 0).
        Some(a) if a > ORIG_LEN && a <= MAX_SANE && a & (a - 1) == 0 => a,
        _ => ORIG_LEN,
    };
    let len = if feature <= ORIG_LEN { ORIG_LEN } else { feature };
    Shape { size: (len + align - 1) & !(align - 1), align, len, feature_size: feature }
}

/// The area shape for this kernel.
pub fn area_shape() -> Shape {
    shape_for(Some(auxv::value(auxv::AT_RSEQ_FEATURE_SIZE)), Some(auxv::value(auxv::AT_RSEQ_ALIGN)))
}

/// Offset of the area from the thread pointer (glibc: `ptrdiff_t __rseq_offset`).
#[cfg_attr(not(test), no_mangle)]
#[allow(non_upper_case_globals)] // the C name
pub static __rseq_offset: AtomicIsize = AtomicIsize::new(0);
/// The registered feature size, 0 when crt0 did not register (glibc 2.41+
/// meaning: `unsigned int __rseq_size`).
#[cfg_attr(not(test), no_mangle)]
#[allow(non_upper_case_globals)] // the C name
pub static __rseq_size: AtomicU32 = AtomicU32::new(0);
/// Flags passed at registration (`unsigned int __rseq_flags`): always 0.
#[cfg_attr(not(test), no_mangle)]
#[allow(non_upper_case_globals)] // the C name
pub static __rseq_flags: AtomicU32 = AtomicU32::new(0);

/// The last registration error, for the trace (0 when none).
static LAST_ERRNO: AtomicI32 = AtomicI32::new(0);
static REGISTERED_LEN: AtomicU32 = AtomicU32::new(0);

/// Prepares a fresh (zeroed) area at `area`: cpu_id = -1 so that code
/// running before registration sees "not registered".
///
/// # Safety
/// `area` must be writable, aligned and as large as [`area_shape`] says.
pub unsafe fn init_area(area: *mut u8) {
    // SAFETY: per the caller.
    unsafe { area.add(CPU_ID_OFFSET).cast::<i32>().write(CPU_ID_UNINITIALIZED) };
}

/// The calling thread's area, once TLS is ready.
pub fn area() -> Option<*mut Area> {
    tls::ready().then(|| arch::thread_pointer().wrapping_offset(__rseq_offset.load(Relaxed)).cast())
}

/// The CPU the calling thread runs on, read from its rseq area: `None`
/// when the thread is not registered (cpu_id < 0).
#[inline]
pub fn current_cpu() -> Option<u32> {
    let cpu = cpu_id()?;
    (cpu >= 0).then_some(cpu as u32)
}

/// The raw `cpu_id` field of the calling thread's area (negative when not
/// registered), or `None` before TLS is ready.
#[inline]
pub fn cpu_id() -> Option<i32> {
    // SAFETY: the area lives as long as the thread; the kernel writes it
    // asynchronously, hence the volatile read.
    area().map(|a| unsafe { (&raw const (*a).cpu_id).read_volatile() })
}

/// The length and feature size to register with, fixed in phase 2.
static LEN: AtomicU32 = AtomicU32::new(0);
static FEATURE_SIZE: AtomicU32 = AtomicU32::new(0);

/// Records where every thread's area is (its offset from the thread
/// pointer) and its shape (phase 2).
pub fn set_area(offset: isize, shape: Shape) {
    __rseq_offset.store(offset, Relaxed);
    LEN.store(shape.len as u32, Relaxed);
    FEATURE_SIZE.store(shape.feature_size as u32, Relaxed);
}

/// Phase 3: UNSET -> PREINIT, unless rseq is disabled (`CRT0_RSEQ=0` or
/// without the `rseq` feature), in which case the owner stays UNSET.
pub fn preinit() {
    if settings::rseq_enabled() {
        owner::transition(owner::UNSET, owner::PREINIT);
    }
}

/// Phase 6: if nobody claimed the registration during the constructors,
/// PREINIT -> LIBC and register the main thread's area. A failure (ENOSYS
/// under qemu-user or seccomp, EPERM, EINVAL...) is not fatal: cpu_id
/// becomes -2 and `__rseq_size` stays 0, and per-CPU code falls back.
pub fn register_main_thread() {
    if !owner::transition(owner::PREINIT, owner::LIBC) {
        return;
    }
    // PREINIT is only ever set once TLS is ready (phase 3), so the area exists.
    let a: *mut Area = arch::thread_pointer().wrapping_offset(__rseq_offset.load(Relaxed)).cast();
    let len = LEN.load(Relaxed);
    // SAFETY: the area is in the main thread's TLS allocation, which is
    // never freed, aligned and sized by `area_shape`.
    match unsafe { syscall::rseq(a.cast(), len, 0, arch::RSEQ_SIG) } {
        Ok(()) => {
            REGISTERED_LEN.store(len, Relaxed);
            __rseq_size.store(FEATURE_SIZE.load(Relaxed), Relaxed);
        }
        Err(e) => {
            LAST_ERRNO.store(e.0, Relaxed);
            // SAFETY: as above; nothing else writes the field now.
            unsafe { (&raw mut (*a).cpu_id).write_volatile(CPU_ID_REGISTRATION_FAILED) };
        }
    }
}

/// The length crt0 registered (0 if it did not).
pub fn registered_len() -> usize {
    REGISTERED_LEN.load(Relaxed) as usize
}

/// The errno of a failed registration (0 if none failed).
pub fn last_errno() -> i32 {
    LAST_ERRNO.load(Relaxed)
}

/// One word for the trace: the state of this thread's area.
pub fn status() -> &'static str {
    match cpu_id() {
        None => "no-tls",
        Some(c) if c >= 0 => "registered",
        Some(CPU_ID_REGISTRATION_FAILED) => "failed",
        Some(_) if !settings::rseq_enabled() && owner::get() == owner::UNSET => "disabled",
        Some(_) => "unregistered",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_rule() {
        // Before 6.3: no auxv entries, the original 32/32.
        assert_eq!(shape_for(None, None), Shape { size: 32, align: 32, len: 32, feature_size: 20 });
        // 6.3 to 6.x: feature size 28 fits in 32 bytes.
        assert_eq!(shape_for(Some(28), Some(32)), Shape { size: 32, align: 32, len: 32, feature_size: 28 });
        // Newer kernels: 33 bytes of features, 64-byte alignment.
        assert_eq!(shape_for(Some(33), Some(64)), Shape { size: 64, align: 64, len: 33, feature_size: 33 });
        // A larger feature size with a small alignment keeps 32-alignment.
        assert_eq!(shape_for(Some(40), Some(8)), Shape { size: 64, align: 32, len: 40, feature_size: 40 });
        // Zero or odd values are ignored.
        assert_eq!(shape_for(Some(0), Some(48)), shape_for(None, None));
    }

    #[test]
    fn area_matches_the_kernel_struct() {
        assert_eq!(core::mem::offset_of!(Area, cpu_id), CPU_ID_OFFSET);
        assert_eq!(core::mem::offset_of!(Area, rseq_cs), 8);
        assert_eq!(core::mem::offset_of!(Area, flags), 16);
        assert_eq!(core::mem::offset_of!(Area, node_id), 20);
        assert_eq!(core::mem::offset_of!(Area, mm_cid), 24);
        assert_eq!(core::mem::size_of::<Area>(), 32);
    }
}
