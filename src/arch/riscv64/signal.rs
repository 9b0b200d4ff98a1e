//! What riscv64 signal handlers need from user space: nothing. The kernel
//! has no SA_RESTORER on riscv and always returns from a handler through
//! the vDSO's `__vdso_rt_sigreturn` trampoline.

/// No `sa_flags` bit to add.
pub const SA_RESTORER: usize = 0;

/// No restorer: the vDSO has one.
pub fn restorer_address() -> usize {
    0
}
