//! rseq(2) for the main thread: the area's shape (from the kernel's auxv
//! rule), its registration after the constructors when crt0 owns it, and the
//! glibc-compatible symbols that tell other code what crt0 will do and did.
//!
//! The owner protocol and glibc's symbols, over start-up:
//!
//! ```text
//! phase                  owner     __rseq_size              cpu_id
//! 2 tls                  UNSET     0 (__rseq_offset set)    -1
//! 3 preinit              PREINIT   0                        -1
//! 4 irelative, resolvers PREINIT   0 (as static glibc)      -1
//!   publish              PREINIT   the feature size, or 0   -1
//!                                  if the probe failed
//!   preinit_array, ctors PREINIT   the feature size         -1
//!     a ctor claims:     OVERRIDE  0 from the claim on      -1 (crt0's area)
//! 6 rseq                 LIBC      the feature size         the CPU
//!     if it fails:       LIBC      0                        -2
//! ```
//!
//! Code written for glibc reads `__rseq_size` in a constructor and takes
//! "greater than 0" to mean "the C library registers every thread; use the
//! area at `__rseq_offset` and never register your own". glibc registers
//! before any constructor; crt0, keeping the proposal's order, registers
//! after them, so it publishes the size it *will* register before the first
//! `.preinit_array` entry: the PREINIT promise in glibc's terms. Until phase
//! 6 the area's cpu_id reads -1, which code must treat as "no CPU yet" (glibc
//! consumers do: their critical sections compare cpu_id with the CPU they
//! expect and never commit on a mismatch).

pub mod owner;
#[cfg(not(any(test, all(panic = "unwind", not(doc)))))]
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
    /// The CPU the thread runs on, always a valid number (0 before registration).
    pub cpu_id_start: u32,
    /// The CPU, or -1 (not registered yet: `RSEQ_CPU_ID_UNINITIALIZED`) or -2
    /// (registration failed: `RSEQ_CPU_ID_REGISTRATION_FAILED`).
    pub cpu_id: i32,
    /// The address of the running critical section's descriptor, or 0.
    pub rseq_cs: u64,
    /// Deprecated restart flags (0).
    pub flags: u32,
    /// The NUMA node (Linux 6.3+, when the registered length covers it).
    pub node_id: u32,
    /// The memory-map concurrency id (Linux 6.3+, when covered).
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
#[cfg_attr(not(any(test, all(panic = "unwind", not(doc)))), no_mangle)]
#[allow(non_upper_case_globals)] // the C name
pub static __rseq_offset: AtomicIsize = AtomicIsize::new(0);
/// The registered feature size, 0 when crt0 did not register (glibc 2.41+
/// meaning: `unsigned int __rseq_size`).
#[cfg_attr(not(any(test, all(panic = "unwind", not(doc)))), no_mangle)]
#[allow(non_upper_case_globals)] // the C name
pub static __rseq_size: AtomicU32 = AtomicU32::new(0);
/// Flags passed at registration (`unsigned int __rseq_flags`): always 0.
#[cfg_attr(not(any(test, all(panic = "unwind", not(doc)))), no_mangle)]
#[allow(non_upper_case_globals)] // the C name
pub static __rseq_flags: AtomicU32 = AtomicU32::new(0);

/// The last registration error, for the trace (0 when none).
static LAST_ERRNO: AtomicI32 = AtomicI32::new(0);
/// The errno of the availability probe when it failed (0 when it passed or
/// did not run): registration would fail the same way, so phase 6 does
/// not try.
static PROBE_ERRNO: AtomicI32 = AtomicI32::new(0);
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

/// What [`publish`] found.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Probe {
    /// No code runs between publication and registration, so nothing can
    /// read the promise before phase 6 keeps or withdraws it: no probe.
    Skipped,
    /// The kernel has rseq and the process may use it.
    Passed,
    /// rseq(2) failed with this errno (ENOSYS: no rseq, as under qemu-user;
    /// EPERM or another errno: a seccomp filter).
    Failed(i32),
    /// The owner is not PREINIT (rseq disabled): nothing was published.
    NotOwner,
}

impl Probe {
    /// The probe's outcome in one word, for the trace.
    pub fn word(self) -> &'static str {
        match self {
            Probe::Skipped => "skipped",
            Probe::Passed => "passed",
            Probe::Failed(_) => "failed",
            Probe::NotOwner => "none",
        }
    }

    /// The errno of a failed probe, else 0.
    pub fn errno(self) -> i32 {
        match self {
            Probe::Failed(e) => e,
            _ => 0,
        }
    }
}

/// Between phase 4's resolvers and `.preinit_array`: if crt0 will register
/// (the owner is PREINIT), publishes in `__rseq_size` the feature size it
/// will register, so that code written for glibc, which decides in
/// `.preinit_array` entries and constructors, sees "the C library owns
/// rseq". `__rseq_offset` already holds the area's offset (phase 2).
///
/// A promise only holds if registration will work, and glibc's own answer
/// under qemu-user or a seccomp filter that denies rseq is size 0 before
/// any constructor. So when such code will run (`early_code`: a
/// `.preinit_array` entry, `_init` or a constructor), one probe first asks
/// the kernel: `rseq(NULL, 0, 0, 0)` fails with EINVAL where rseq is
/// available, and with ENOSYS or the filter's errno where it is not, without
/// registering anything. Programs without such code pay nothing: nothing can
/// read the symbol before phase 6 decides it.
///
/// IFUNC and crt0's resolvers run before this and see 0, as in glibc's
/// static start-up, which applies IRELATIVE before it registers.
pub fn publish(early_code: bool) -> Probe {
    if owner::get() != owner::PREINIT {
        return Probe::NotOwner;
    }
    let probe = if early_code {
        // SAFETY: a null area with length 0 registers nothing: the kernel
        // refuses the length before it looks at the memory.
        match unsafe { syscall::rseq(core::ptr::null_mut(), 0, 0, 0) } {
            Err(syscall::Errno::EINVAL) | Ok(()) => Probe::Passed,
            Err(e) => Probe::Failed(e.0),
        }
    } else {
        Probe::Skipped
    };
    match probe {
        Probe::Failed(e) => PROBE_ERRNO.store(e, Relaxed),
        _ => __rseq_size.store(FEATURE_SIZE.load(Relaxed), Relaxed),
    }
    probe
}

/// Phase 6: if nobody claimed the registration during the constructors,
/// PREINIT -> LIBC and register the main thread's area, the one
/// `__rseq_offset` has named since phase 2. A failure (ENOSYS under
/// qemu-user or seccomp, EPERM, EINVAL...) is not fatal: cpu_id becomes -2
/// and `__rseq_size` 0, as with glibc, and per-CPU code falls back. A
/// failed probe is that failure, found before the constructors: no second
/// system call.
pub fn register_main_thread() {
    if !owner::transition(owner::PREINIT, owner::LIBC) {
        return;
    }
    // PREINIT is only ever set once TLS is ready (phase 3), so the area exists.
    let a: *mut Area = arch::thread_pointer().wrapping_offset(__rseq_offset.load(Relaxed)).cast();
    let len = LEN.load(Relaxed);
    let result = match PROBE_ERRNO.load(Relaxed) {
        0 => {
            // SAFETY: the area is in the main thread's TLS allocation, which
            // is never freed, aligned and sized by `area_shape`.
            unsafe { syscall::rseq(a.cast(), len, 0, arch::RSEQ_SIG) }
        }
        e => Err(syscall::Errno(e)),
    };
    match result {
        // `__rseq_size` has said so since `publish`.
        Ok(()) => REGISTERED_LEN.store(len, Relaxed),
        Err(e) => {
            // The promise is withdrawn: glibc's "not registered".
            __rseq_size.store(0, Relaxed);
            LAST_ERRNO.store(e.0, Relaxed);
            // SAFETY: as above; the area is not registered, so the kernel
            // does not write it and this is its only writer.
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
