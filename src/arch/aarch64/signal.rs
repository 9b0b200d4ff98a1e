//! What aarch64 signal handlers need from user space: nothing. Without
//! SA_RESTORER the kernel returns from a handler through the vDSO's
//! `__kernel_rt_sigreturn` trampoline.

/// No `sa_flags` bit to add.
pub const SA_RESTORER: usize = 0;

/// No restorer: the vDSO has one.
pub fn restorer_address() -> usize {
    0
}
