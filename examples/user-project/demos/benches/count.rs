//! A bench that is a crt0 program: it times itself (CLOCK_MONOTONIC via
//! the clock_gettime system call) and prints the time per tally.
#![no_std]
#![no_main]

extern crate alloc;

/// clock_gettime's system call number.
#[cfg(target_arch = "x86_64")]
const CLOCK_GETTIME: usize = 228;
#[cfg(target_arch = "aarch64")]
const CLOCK_GETTIME: usize = 113;

fn now_ns() -> u64 {
    let mut ts = [0i64; 2];
    // SAFETY: clock_gettime(CLOCK_MONOTONIC, &ts) writes the two words.
    let r = unsafe { crt0::syscall::raw(CLOCK_GETTIME, [1, ts.as_mut_ptr() as usize, 0, 0, 0, 0]) };
    assert_eq!(r, Ok(0));
    ts[0] as u64 * 1_000_000_000 + ts[1] as u64
}

fn main(_: crt0::Args) {
    let words: alloc::vec::Vec<&str> = "the quick brown fox jumps over the lazy dog".split(' ').collect();
    let rounds = 10_000;
    let start = now_ns();
    let mut total = 0;
    for _ in 0..rounds {
        total += tally::tally(words.iter().copied()).len();
    }
    let ns = (now_ns() - start) / rounds as u64;
    crt0::println!("count: {} distinct words, {ns} ns per tally", total / rounds);
}
crt0::main!(main);
