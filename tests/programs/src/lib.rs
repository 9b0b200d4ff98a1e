//! Helpers shared by the test programs (each program is `src/bin/*.rs`).
#![no_std]

use crt0::ifunc::Features;

pub mod sched;
pub mod maps;
mod tls;

/// The feature that provides a population-count instruction: POPCNT on
/// x86_64; on aarch64 it is CNT, part of Advanced SIMD; on riscv64 `cpop`,
/// part of Zbb.
#[cfg(target_arch = "x86_64")]
pub const POPCOUNT: Features = Features::POPCNT;
#[cfg(target_arch = "aarch64")]
pub const POPCOUNT: Features = Features::ASIMD;
#[cfg(target_arch = "riscv64")]
pub const POPCOUNT: Features = Features::ZBB;

/// The rseq `cpu_id` of this thread as crt0's area shows it (-1 before
/// registration, -2 after a failed one).
pub fn cpu_id() -> i32 {
    crt0::rseq::cpu_id().unwrap_or(-100)
}

/// The CPU getcpu(2) reports, or -1.
pub fn getcpu() -> i32 {
    crt0::syscall::getcpu().map_or(-1, |(c, _)| c as i32)
}

/// Pins the calling thread to `cpu` (sched_setaffinity), so getcpu and the
/// rseq area can be compared without a migration in between.
pub fn pin_to(cpu: u32) -> bool {
    let mut mask = [0u64; 16];
    mask[(cpu / 64) as usize] |= 1 << (cpu % 64);
    let args = [0, core::mem::size_of_val(&mask), mask.as_ptr() as usize, 0, 0, 0];
    // SAFETY: sched_setaffinity(0, len, mask) reads `mask` only.
    unsafe { crt0::syscall::raw(crt0::syscall::nr::SCHED_SETAFFINITY, args) }.is_ok()
}

/// The owner's name.
pub fn owner() -> &'static str {
    crt0::rseq::owner::name(crt0::rseq::owner::get())
}

/// The stack-protector canary where compiled code reads it (%fs:0x28 on
/// x86_64, `__stack_chk_guard` on aarch64).
pub fn canary() -> u64 {
    crt0::tls::canary() as u64
}

/// Parses a decimal argument.
pub fn parse(s: &[u8]) -> Option<i32> {
    let (neg, digits) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    let mut v: i32 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add((d - b'0') as i32)?;
    }
    Some(if neg { -v } else { v })
}
