//! The kernel's ABI constants, as crt0's API types them. The values come
//! from [linux-raw-sys](https://docs.rs/linux-raw-sys) (the Linux uapi
//! headers, generated per architecture and kept by the rustix project), not
//! from copies written here; crt0 re-exports it as [`crate::linux_raw_sys`]
//! for everything it has no name of its own for.
//!
//! What crt0 still spells out itself, because linux-raw-sys (0.12) does not
//! have it: the rseq ABI (`struct rseq`, `RSEQ_FLAG_UNREGISTER`, the
//! per-architecture signatures, which are a convention of the kernel's
//! selftests and glibc, not a uapi header), `HWCAP2_FSGSBASE` and aarch64's
//! `HWCAP_*` bits (`asm/hwcap*.h`), and the ELF constants glibc's `elf.h` has
//! and the kernel's does not (`DT_RELR`, `R_*_IRELATIVE`).

/// Defines each `NAME` as `pub const NAME: TYPE = linux_raw_sys::MODULE::NAME as TYPE`
/// (or `pub const NAME: TYPE = ...::SOURCE as TYPE` for `NAME = SOURCE`), with a doc
/// comment naming the header it comes from.
macro_rules! kernel_consts {
    ($ty:ty, $module:ident, $header:literal: $($name:ident $(= $source:ident)?),* $(,)?) => {
        $(
            $crate::kernel::kernel_consts!(@one $ty, $module, $header, $name $(= $source)?);
        )*
    };
    (@one $ty:ty, $module:ident, $header:literal, $name:ident = $source:ident) => {
        #[doc = concat!("`", stringify!($source), "` (", $header, ").")]
        pub const $name: $ty = linux_raw_sys::$module::$source as $ty;
    };
    (@one $ty:ty, $module:ident, $header:literal, $name:ident) => {
        #[doc = concat!("`", stringify!($name), "` (", $header, ").")]
        pub const $name: $ty = linux_raw_sys::$module::$name as $ty;
    };
}
pub(crate) use kernel_consts;

/// The system call numbers crt0 makes, for the architecture being built
/// (from linux-raw-sys: `asm/unistd_64.h` on x86_64, `asm-generic/unistd.h`
/// on aarch64). Every other is `crt0::linux_raw_sys::general::__NR_*`:
/// `raw(linux_raw_sys::general::__NR_clock_gettime as usize, ...)`.
pub mod nr {
    kernel_consts!(usize, general, "the kernel's system call table":
        READ = __NR_read, WRITE = __NR_write, OPENAT = __NR_openat, CLOSE = __NR_close,
        MMAP = __NR_mmap, MUNMAP = __NR_munmap, MPROTECT = __NR_mprotect, MREMAP = __NR_mremap,
        MADVISE = __NR_madvise, BRK = __NR_brk, FUTEX = __NR_futex,
        RT_SIGACTION = __NR_rt_sigaction, RT_SIGPROCMASK = __NR_rt_sigprocmask,
        GETPID = __NR_getpid, GETTID = __NR_gettid, TGKILL = __NR_tgkill,
        CLONE = __NR_clone, SET_TID_ADDRESS = __NR_set_tid_address, EXIT = __NR_exit,
        EXIT_GROUP = __NR_exit_group, SCHED_YIELD = __NR_sched_yield,
        SCHED_SETAFFINITY = __NR_sched_setaffinity, SCHED_GETAFFINITY = __NR_sched_getaffinity,
        GETCPU = __NR_getcpu, RSEQ = __NR_rseq, MEMBARRIER = __NR_membarrier,
    );
    #[cfg(target_arch = "x86_64")]
    kernel_consts!(usize, general, "the kernel's system call table": ARCH_PRCTL = __NR_arch_prctl);
}
