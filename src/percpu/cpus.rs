//! How many slots a per-CPU array needs (possible CPUs, not online ones:
//! a CPU brought online later must find its slot), and which CPU a thread
//! that is not registered runs on.

use core::sync::atomic::{AtomicU32, Ordering::Relaxed};

use crate::syscall::nr;
use crate::syscall::{self, raw};

/// Arrays never get more slots than this (8192 would cost 1 MiB per
/// array). A CPU beyond the last slot still works: it takes the fallback
/// path, which is correct on any slot.
pub const MAX_CPUS: u32 = 4096;
/// When neither the kernel's list nor the affinity mask can be read.
const GUESS: u32 = 64;

static POSSIBLE: AtomicU32 = AtomicU32::new(0);

/// The number of possible CPUs (the highest CPU number the kernel may ever
/// use, plus one), read once: from /sys/devices/system/cpu/possible, else
/// the width of the kernel's CPU mask from sched_getaffinity(2), else 64;
/// at most [`MAX_CPUS`].
pub fn possible_cpus() -> u32 {
    match POSSIBLE.load(Relaxed) {
        0 => {
            let n = from_sysfs().or_else(affinity_width).unwrap_or(GUESS).clamp(1, MAX_CPUS);
            // Every thread that races here computes the same value.
            POSSIBLE.store(n, Relaxed);
            n
        }
        n => n,
    }
}

fn from_sysfs() -> Option<u32> {
    const AT_FDCWD: usize = linux_raw_sys::general::AT_FDCWD as isize as usize;
    const O_RDONLY_CLOEXEC: usize = (linux_raw_sys::general::O_RDONLY | linux_raw_sys::general::O_CLOEXEC) as usize;
    let path = c"/sys/devices/system/cpu/possible";
    let mut buf = [0u8; 256];
    // SAFETY: openat reads the NUL-terminated path; read writes at most
    // `buf.len()` bytes into `buf`; close takes an integer.
    let len = unsafe {
        let fd = raw(nr::OPENAT, [AT_FDCWD, path.as_ptr() as usize, O_RDONLY_CLOEXEC, 0, 0, 0]).ok()?;
        let len = syscall::read(fd as i32, buf.as_mut_ptr(), buf.len());
        let _ = raw(nr::CLOSE, [fd, 0, 0, 0, 0, 0]);
        len.ok()?
    };
    parse_cpu_list(&buf[..len])
}

/// "0-3,8-11\n" -> 12: one more than the highest CPU listed.
pub fn parse_cpu_list(text: &[u8]) -> Option<u32> {
    let mut highest: Option<u32> = None;
    let mut n: Option<u32> = None;
    for &b in text {
        match b {
            b'0'..=b'9' => n = Some(n.unwrap_or(0).checked_mul(10)?.checked_add((b - b'0') as u32)?),
            b'-' | b',' | b'\n' => {
                highest = highest.max(n.take());
                if b == b'\n' {
                    break;
                }
            }
            _ => return None,
        }
    }
    highest.max(n)?.checked_add(1)
}

/// The kernel copies out exactly its own mask's size (nr_cpu_ids rounded
/// up to whole longs): as many bits as there can be CPUs.
fn affinity_width() -> Option<u32> {
    let mut mask = [0u64; (MAX_CPUS / 64) as usize];
    let len = core::mem::size_of_val(&mask);
    // SAFETY: the kernel writes at most `len` bytes into `mask`.
    let bytes = unsafe { raw(nr::SCHED_GETAFFINITY, [0, len, mask.as_mut_ptr() as usize, 0, 0, 0]) }.ok()?;
    Some((bytes * 8) as u32)
}

/// The CPU the caller runs on, for a thread that is not registered: the
/// vDSO's getcpu where the kernel has one (x86_64), else getcpu(2); 0 if
/// both fail. Any answer is correct for the fallback paths, which are
/// atomic on whichever slot they pick: the CPU only keeps threads on
/// different CPUs apart.
pub fn getcpu() -> u32 {
    if let Some(cpu) = crate::vdso::getcpu() {
        return cpu;
    }
    syscall::getcpu().map_or(0, |(cpu, _)| cpu)
}

#[cfg(test)]
mod tests {
    use super::parse_cpu_list;

    #[test]
    fn cpu_lists() {
        assert_eq!(parse_cpu_list(b"0-1\n"), Some(2));
        assert_eq!(parse_cpu_list(b"0\n"), Some(1));
        assert_eq!(parse_cpu_list(b"0-3,8-11\n"), Some(12));
        assert_eq!(parse_cpu_list(b"0,5"), Some(6));
        assert_eq!(parse_cpu_list(b"0-4095\n"), Some(4096));
        assert_eq!(parse_cpu_list(b""), None);
        assert_eq!(parse_cpu_list(b"x"), None);
        assert_eq!(parse_cpu_list(b"99999999999\n"), None);
    }
}
