//! What riscv64 signal handlers need from user space: nothing. The kernel
//! has no SA_RESTORER on riscv and always returns from a handler through
//! the vDSO's `__vdso_rt_sigreturn` trampoline.

/// No `sa_flags` bit to add.
pub const SA_RESTORER: usize = 0;

/// No restorer: the vDSO has one.
pub fn restorer_address() -> usize {
    0
}

/// The kernel's `struct sigaction` on riscv: the asm-generic one without
/// `sa_restorer` (no `__ARCH_HAS_SA_RESTORER`), so the mask is the third
/// word. (Laid out as x86_64's, the kernel would read the restorer's 0 as
/// the mask and block nothing while a handler runs.) The kernel reads and
/// writes 24 bytes; qemu-user 7.2 writes the old action past them (with 24
/// it overwrote the caller's saved registers), so a spare word follows.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct KernelSigaction {
    /// The handler's address, or `SIG_DFL` (0) or `SIG_IGN` (1).
    pub handler: usize,
    /// `SA_*` flags.
    pub flags: usize,
    /// Signals blocked while the handler runs (bit `n - 1` for signal `n`).
    pub mask: u64,
    /// Room for qemu-user's longer write; never read.
    _spare: u64,
}

impl KernelSigaction {
    /// An action as the kernel takes it; the restorer has no place (a C
    /// program's `sa_restorer` is ignored, as glibc ignores it on riscv).
    pub fn new(handler: usize, flags: usize, _restorer: usize, mask: u64) -> KernelSigaction {
        KernelSigaction { handler, flags, mask, _spare: 0 }
    }

    /// Its `sa_restorer`: none.
    pub fn restorer(&self) -> usize {
        0
    }
}
