//! Typed wrappers over the raw system calls crt0 makes. Each returns the
//! kernel's result as `Result<usize, Errno>`; none touches `errno` (the C
//! functions in `libc` do that).

use crate::arch;

/// The system call numbers crt0 makes, for the architecture being built
/// (from linux-raw-sys). Every other is
/// `crt0::linux_raw_sys::general::__NR_*`: `raw(linux_raw_sys::general::__NR_clock_gettime
/// as usize, ...)`.
pub use crate::kernel::nr;

/// A positive error number from the kernel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Errno(pub i32);

impl Errno {
    /// Operation not permitted.
    pub const EPERM: Errno = Errno(linux_raw_sys::errno::EPERM as i32);
    /// No such file or directory.
    pub const ENOENT: Errno = Errno(linux_raw_sys::errno::ENOENT as i32);
    /// Out of memory.
    pub const ENOMEM: Errno = Errno(linux_raw_sys::errno::ENOMEM as i32);
    /// Invalid argument.
    pub const EINVAL: Errno = Errno(linux_raw_sys::errno::EINVAL as i32);
    /// Function not implemented (a system call the kernel, or qemu-user, lacks).
    pub const ENOSYS: Errno = Errno(linux_raw_sys::errno::ENOSYS as i32);
}

/// Splits a raw syscall return into a value or an error (-4095..-1 are errors).
#[inline(always)]
fn check(ret: isize) -> Result<usize, Errno> {
    if (-4095..0).contains(&ret) { Err(Errno(-ret as i32)) } else { Ok(ret as usize) }
}

bitflags::bitflags! {
    /// mmap's `prot` argument.
    #[derive(Clone, Copy)]
    pub struct Prot: usize {
        /// PROT_READ.
        const READ = linux_raw_sys::general::PROT_READ as usize;
        /// PROT_WRITE.
        const WRITE = linux_raw_sys::general::PROT_WRITE as usize;
        /// PROT_EXEC.
        const EXEC = linux_raw_sys::general::PROT_EXEC as usize;
    }
    /// mmap's `flags` argument (the ones crt0 uses).
    #[derive(Clone, Copy)]
    pub struct MapFlags: usize {
        /// MAP_PRIVATE.
        const PRIVATE = linux_raw_sys::general::MAP_PRIVATE as usize;
        /// MAP_ANONYMOUS.
        const ANONYMOUS = linux_raw_sys::general::MAP_ANONYMOUS as usize;
    }
}

/// write(2).
///
/// # Safety
/// `buf` must be readable for `len` bytes.
pub unsafe fn write(fd: i32, buf: *const u8, len: usize) -> Result<usize, Errno> {
    // SAFETY: per the caller.
    check(unsafe { arch::syscall3(nr::WRITE, fd as usize, buf as usize, len) })
}

/// read(2).
///
/// # Safety
/// `buf` must be writable for `len` bytes.
pub unsafe fn read(fd: i32, buf: *mut u8, len: usize) -> Result<usize, Errno> {
    // SAFETY: per the caller.
    check(unsafe { arch::syscall3(nr::READ, fd as usize, buf as usize, len) })
}

/// Writes all of `bytes`, retrying short writes; gives up on the first error.
pub fn write_all(fd: i32, mut bytes: &[u8]) -> Result<(), Errno> {
    while !bytes.is_empty() {
        // SAFETY: the slice is readable for its length.
        let ret = unsafe { arch::syscall3(nr::WRITE, fd as usize, bytes.as_ptr() as usize, bytes.len()) };
        // The usual outcome first, before telling errors apart: one write
        // took everything (an error, negative, never equals the length).
        if ret as usize == bytes.len() {
            return Ok(());
        }
        match check(ret) {
            Ok(0) => return Err(Errno(5)), // EIO: the fd accepts nothing more
            Ok(n) => bytes = &bytes[n.min(bytes.len())..],
            Err(Errno(4)) => {} // EINTR: try again
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// An anonymous private mapping of `len` bytes (zero-filled by the kernel).
pub fn mmap_anonymous(len: usize, prot: Prot) -> Result<*mut u8, Errno> {
    let flags = MapFlags::PRIVATE | MapFlags::ANONYMOUS;
    // SAFETY: a new anonymous mapping at an address the kernel picks cannot
    // alias existing memory.
    let r = unsafe { arch::syscall6(nr::MMAP, 0, len, prot.bits(), flags.bits(), usize::MAX, 0) };
    check(r).map(|a| a as *mut u8)
}

/// mprotect(2).
///
/// # Safety
/// Nothing may rely on writing (or executing) `[addr, addr + len)` once
/// `prot` forbids it; `addr` page-aligned.
pub unsafe fn mprotect(addr: usize, len: usize, prot: Prot) -> Result<(), Errno> {
    // SAFETY: per the caller, no code depends on the permissions taken away.
    check(unsafe { arch::syscall3(nr::MPROTECT, addr, len, prot.bits()) }).map(|_| ())
}

/// munmap(2).
///
/// # Safety
/// Nothing may use `[addr, addr + len)` afterwards; `addr` page-aligned.
pub unsafe fn munmap(addr: *mut u8, len: usize) -> Result<(), Errno> {
    // SAFETY: per the caller, the range is no longer in use.
    check(unsafe { arch::syscall3(nr::MUNMAP, addr as usize, len, 0) }).map(|_| ())
}

/// `mremap(addr, old_len, new_len, MREMAP_MAYMOVE)`: resizes a private
/// mapping, moving it (pages and all, without copying) if it cannot grow
/// in place.
///
/// # Safety
/// `[addr, addr + old_len)` must be a mapping of the caller's that nothing
/// else refers to: it may move.
pub unsafe fn mremap(addr: *mut u8, old_len: usize, new_len: usize) -> Result<*mut u8, Errno> {
    const MREMAP_MAYMOVE: usize = linux_raw_sys::general::MREMAP_MAYMOVE as usize;
    // SAFETY: per the caller.
    let r = unsafe { arch::syscall4(nr::MREMAP, addr as usize, old_len, new_len, MREMAP_MAYMOVE) };
    check(r).map(|a| a as *mut u8)
}

/// madvise(2) with MADV_DONTNEED: the pages of `[addr, addr + len)` are dropped; the range
/// stays mapped and reads back as zeros (private anonymous memory).
///
/// # Safety
/// Nothing may rely on the contents of the range afterwards.
pub unsafe fn madvise_dontneed(addr: *mut u8, len: usize) -> Result<(), Errno> {
    const MADV_DONTNEED: usize = linux_raw_sys::general::MADV_DONTNEED as usize;
    // SAFETY: per the caller.
    check(unsafe { arch::syscall3(nr::MADVISE, addr as usize, len, MADV_DONTNEED) }).map(|_| ())
}

/// brk(2), as the kernel defines it: asks for the program break at `addr`
/// and returns the break afterwards (the unchanged one when refused; the
/// current one for `addr` 0).
pub fn brk(addr: usize) -> usize {
    // SAFETY: moving the break affects only memory above the old break,
    // which only the heap (the sole user of brk in a crt0 program) owns.
    unsafe { arch::syscall1(nr::BRK, addr) as usize }
}

/// exit_group(2): ends every thread of the process.
pub fn exit_group(status: i32) -> ! {
    // SAFETY: exit_group takes an integer and does not return.
    unsafe { arch::syscall1(nr::EXIT_GROUP, status as usize) };
    // The kernel never returns from exit_group; spin rather than fall through.
    loop {
        core::hint::spin_loop();
    }
}

/// Any system call, with up to six arguments (unused ones are ignored by
/// the kernel); returns the kernel's result, `Err` for -4095..-1. For what
/// this module has no wrapper for: `raw(nr::SCHED_SETAFFINITY, [0, len, mask, 0, 0, 0])`.
///
/// # Safety
/// The arguments must be valid for system call `n` (pointers to live
/// memory of the sizes the call expects).
pub unsafe fn raw(n: usize, args: [usize; 6]) -> Result<usize, Errno> {
    let [a, b, c, d, e, f] = args;
    // SAFETY: per the caller.
    check(unsafe { arch::syscall6(n, a, b, c, d, e, f) })
}

/// getcpu(2): the CPU and NUMA node the caller runs on.
pub fn getcpu() -> Result<(u32, u32), Errno> {
    let (mut cpu, mut node) = (0u32, 0u32);
    // SAFETY: both pointers are to live locals.
    let r = unsafe { arch::syscall3(nr::GETCPU, &raw mut cpu as usize, &raw mut node as usize, 0) };
    check(r).map(|_| (cpu, node))
}

/// rseq(2): registers (flags 0) or unregisters (flags 1) `area`.
///
/// # Safety
/// `area` must stay valid and 32-byte aligned (or `AT_RSEQ_ALIGN`-aligned)
/// for as long as it is registered: the kernel writes it on every return to
/// user space.
pub unsafe fn rseq(area: *mut u8, len: u32, flags: u32, sig: u32) -> Result<(), Errno> {
    // SAFETY: per the caller.
    let r = unsafe { arch::syscall4(nr::RSEQ, area as usize, len as usize, flags as usize, sig as usize) };
    check(r).map(|_| ())
}

/// Sends `sig` to the calling thread (the tgkill(getpid(), gettid(), sig) idiom).
pub fn raise(sig: i32) {
    // SAFETY: getpid, gettid and tgkill take only integers.
    unsafe {
        let pid = arch::syscall0(nr::GETPID) as usize;
        let tid = arch::syscall0(nr::GETTID) as usize;
        arch::syscall3(nr::TGKILL, pid, tid, sig as usize);
    }
}

/// Restores the default action for `sig` and unblocks it, so a following
/// `raise(sig)` terminates the process even if the program had caught or
/// blocked it.
pub fn reset_and_unblock(sig: i32) {
    let mask: u64 = 1 << (sig - 1);
    // The kernel's struct sigaction: handler, flags, restorer, mask. SIG_DFL = 0.
    let act = [0usize; 4];
    // SAFETY: both structures are live locals of the sizes the kernel expects
    // (8-byte sigset_t).
    unsafe {
        arch::syscall4(nr::RT_SIGACTION, sig as usize, act.as_ptr() as usize, 0, 8);
        arch::syscall4(nr::RT_SIGPROCMASK, linux_raw_sys::general::SIG_UNBLOCK as usize, &raw const mask as usize, 0, 8);
    }
}
