//! What aarch64 signal handlers need from user space: nothing. Without
//! SA_RESTORER the kernel returns from a handler through the vDSO's
//! `__kernel_rt_sigreturn` trampoline.

/// No `sa_flags` bit to add.
pub const SA_RESTORER: usize = 0;

/// No restorer: the vDSO has one.
pub fn restorer_address() -> usize {
    0
}

/// The kernel's `struct sigaction` on this architecture, which has
/// `sa_restorer` (`__ARCH_HAS_SA_RESTORER`): handler, flags, restorer, then
/// a 64-bit mask.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct KernelSigaction {
    /// The handler's address, or `SIG_DFL` (0) or `SIG_IGN` (1).
    pub handler: usize,
    /// `SA_*` flags.
    pub flags: usize,
    restorer: usize,
    /// Signals blocked while the handler runs (bit `n - 1` for signal `n`).
    pub mask: u64,
}
// linux-raw-sys's `kernel_sigaction` has this layout, but types the handler as an optional
// function, which cannot hold `SIG_IGN` (1); crt0 keeps addresses.
const _: () = assert!(core::mem::size_of::<KernelSigaction>() == core::mem::size_of::<linux_raw_sys::general::kernel_sigaction>());

impl KernelSigaction {
    /// An action as the kernel takes it.
    pub fn new(handler: usize, flags: usize, restorer: usize, mask: u64) -> KernelSigaction {
        KernelSigaction { handler, flags, restorer, mask }
    }

    /// Its `sa_restorer`.
    pub fn restorer(&self) -> usize {
        self.restorer
    }
}
