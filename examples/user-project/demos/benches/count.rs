//! A bench that is a crt0 program: it times itself (CLOCK_MONOTONIC via
//! the clock_gettime system call, its number and structure from
//! linux-raw-sys, which crt0 re-exports) and prints the time per tally.
#![no_std]
#![no_main]

extern crate alloc;

fn now_ns() -> u64 {
    use crt0::linux_raw_sys::general::{__NR_clock_gettime, __kernel_timespec, CLOCK_MONOTONIC};
    let mut ts = __kernel_timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime(CLOCK_MONOTONIC, &ts) writes the timespec.
    let r = unsafe { crt0::syscall::raw(__NR_clock_gettime as usize, [CLOCK_MONOTONIC as usize, &raw mut ts as usize, 0, 0, 0, 0]) };
    assert_eq!(r, Ok(0));
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
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
