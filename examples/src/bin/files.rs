//! `files PATH`: what crt0 does not offer itself (files, clocks, sleep),
//! on top of crt0's start-up. Prints the file's size and its first line,
//! and checks the clocks: CLOCK_REALTIME after 2020, CLOCK_MONOTONIC
//! advancing across a 10 ms sleep.
//!
//! On the host targets (`target_os = "linux"`) through rustix's safe system
//! calls (its linux_raw backend: inline asm, no C library, the same
//! linux-raw-sys as crt0). rustix has no backend for `target_os = "none"`,
//! so on crt0's `*-none` targets the same calls go through
//! `crt0::syscall::raw` with linux-raw-sys's numbers and structures.
#![no_std]
#![no_main]

/// What the program needs from the kernel, either way.
trait Os {
    type Error: core::fmt::Debug;
    /// The file's size and up to 256 bytes from its start.
    fn read_start(path: &core::ffi::CStr, buf: &mut [u8; 256]) -> Result<(u64, usize), Self::Error>;
    /// (seconds, nanoseconds) of CLOCK_REALTIME (`monotonic` false) or CLOCK_MONOTONIC.
    fn clock(monotonic: bool) -> (i64, i64);
    fn sleep_10ms();
}

#[cfg(target_os = "linux")]
struct Rustix;

#[cfg(target_os = "linux")]
impl Os for Rustix {
    type Error = rustix::io::Errno;
    fn read_start(path: &core::ffi::CStr, buf: &mut [u8; 256]) -> Result<(u64, usize), Self::Error> {
        use rustix::fs::{self, Mode, OFlags};
        let fd = fs::open(path, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty())?;
        let size = fs::fstat(&fd)?.st_size as u64;
        Ok((size, rustix::io::read(&fd, buf)?))
    }
    fn clock(monotonic: bool) -> (i64, i64) {
        use rustix::time::{clock_gettime, ClockId};
        let t = clock_gettime(if monotonic { ClockId::Monotonic } else { ClockId::Realtime });
        (t.tv_sec, t.tv_nsec)
    }
    fn sleep_10ms() {
        rustix::thread::nanosleep(&rustix::time::Timespec { tv_sec: 0, tv_nsec: 10_000_000 });
    }
}

#[cfg(target_os = "none")]
struct Raw;

#[cfg(target_os = "none")]
impl Os for Raw {
    type Error = crt0::syscall::Errno;
    fn read_start(path: &core::ffi::CStr, buf: &mut [u8; 256]) -> Result<(u64, usize), Self::Error> {
        use crt0::linux_raw_sys::general as k;
        use crt0::syscall::raw;
        // SAFETY: each call gets live buffers of the sizes it writes, and a
        // NUL-terminated path.
        unsafe {
            let flags = (k::O_RDONLY | k::O_CLOEXEC) as usize;
            let fd = raw(k::__NR_openat as usize, [k::AT_FDCWD as usize, path.as_ptr() as usize, flags, 0, 0, 0])?;
            let mut st = core::mem::MaybeUninit::<k::stat>::uninit();
            let size = raw(k::__NR_fstat as usize, [fd, st.as_mut_ptr() as usize, 0, 0, 0, 0]).map(|_| st.assume_init().st_size as u64);
            let n = raw(k::__NR_read as usize, [fd, buf.as_mut_ptr() as usize, buf.len(), 0, 0, 0]);
            let _ = raw(k::__NR_close as usize, [fd, 0, 0, 0, 0, 0]);
            Ok((size?, n?))
        }
    }
    fn clock(monotonic: bool) -> (i64, i64) {
        use crt0::linux_raw_sys::general as k;
        let id = if monotonic { k::CLOCK_MONOTONIC } else { k::CLOCK_REALTIME };
        let mut t = k::__kernel_timespec { tv_sec: 0, tv_nsec: 0 };
        // SAFETY: clock_gettime writes the timespec.
        unsafe { crt0::syscall::raw(k::__NR_clock_gettime as usize, [id as usize, &raw mut t as usize, 0, 0, 0, 0]) }
            .expect("clock_gettime");
        (t.tv_sec, t.tv_nsec)
    }
    fn sleep_10ms() {
        use crt0::linux_raw_sys::general as k;
        let t = k::__kernel_timespec { tv_sec: 0, tv_nsec: 10_000_000 };
        // SAFETY: nanosleep reads the timespec; no remainder is asked for.
        let _ = unsafe { crt0::syscall::raw(k::__NR_nanosleep as usize, [&raw const t as usize, 0, 0, 0, 0, 0]) };
    }
}

#[cfg(target_os = "linux")]
type Sys = Rustix;
#[cfg(target_os = "none")]
type Sys = Raw;

fn main(args: crt0::Args) -> Result<(), <Sys as Os>::Error> {
    let Some(path) = args.get(1) else {
        crt0::eprintln!("usage: files PATH");
        crt0::exit::exit(2);
    };
    let mut buf = [0u8; 256];
    let (size, n) = Sys::read_start(path, &mut buf)?;
    let first = buf[..n].split(|&b| b == b'\n').next().unwrap_or(&[]);
    crt0::println!("size {size}");
    crt0::println!("first line {:?}", core::str::from_utf8(first).unwrap_or("(not UTF-8)"));

    let (realtime, _) = Sys::clock(false);
    crt0::println!("realtime after 2020: {}", realtime > 1_577_836_800);
    let before = Sys::clock(true);
    Sys::sleep_10ms();
    let after = Sys::clock(true);
    let ns = (after.0 - before.0) as i128 * 1_000_000_000 + (after.1 - before.1) as i128;
    crt0::println!("monotonic advanced 10 ms or more: {}", ns >= 10_000_000);
    Ok(())
}
crt0::main!(main);
