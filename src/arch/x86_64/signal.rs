//! What x86_64 signal handlers need from user space: the kernel returns
//! from a handler through `sa_restorer`, which must be given (SA_RESTORER).

/// `sa_flags` bit saying `sa_restorer` is set.
pub const SA_RESTORER: usize = linux_raw_sys::general::SA_RESTORER as usize;

/// The return address of every handler: rt_sigreturn(2), which restores
/// the registers the kernel saved on the signal frame. No frame of its
/// own (the stack pointer is the frame's); the REX.W form of the `mov` is
/// the byte pattern gdb recognises as a signal trampoline, so backtraces
/// continue through the handler into the interrupted code.
#[unsafe(naked)]
pub extern "C" fn restorer() -> ! {
    core::arch::naked_asm!(
        "movq $15, %rax", // SYS_rt_sigreturn
        "syscall",
        options(att_syntax)
    )
}

/// The restorer to install, if this architecture wants one.
pub fn restorer_address() -> usize {
    restorer as *const () as usize
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
