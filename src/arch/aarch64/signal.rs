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
    pub handler: usize,
    pub flags: usize,
    restorer: usize,
    pub mask: u64,
}

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
