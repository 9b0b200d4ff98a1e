//! Micro-benchmarks of crt0::percpu, for `xtask percpu`:
//!
//! - `percpu_bench cpu ROUNDS BATCH`: reading the current CPU from the
//!   rseq area against a plain load, the vDSO's getcpu (x86_64; aarch64:
//!   none) and the getcpu system call;
//! - `percpu_bench counter ROUNDS OPS`: per-CPU counter adds against one
//!   shared atomic counter and against the fallback (an atomic add on the
//!   slot getcpu names), with 1 and 2 threads, each thread pinned to a CPU
//!   of its own.
//!
//! Each round times every method once, in turn, so that the machine's
//! drift hits all of them alike; each line gives the median over the
//! rounds in nanoseconds per operation (per thread: the threads run in
//! parallel), `name ns=X`.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::vec::Vec;
use core::hint::black_box;
use core::sync::atomic::{AtomicBool, AtomicU64, Ordering::{Relaxed, SeqCst}};

use crt0::percpu::{self, Counter};
use crt0::println;
use crt0::syscall::{nr, raw};

const CLOCK_GETTIME: usize = linux_raw_sys::general::__NR_clock_gettime as usize;

fn now_ns() -> u64 {
    let mut ts = [0i64; 2];
    // SAFETY: clock_gettime(CLOCK_MONOTONIC) writes one timespec into `ts`.
    unsafe { raw(CLOCK_GETTIME, [1, ts.as_mut_ptr() as usize, 0, 0, 0, 0]) }.expect("clock_gettime");
    ts[0] as u64 * 1_000_000_000 + ts[1] as u64
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

/// Runs every method once per round; prints each one's median ns/op.
fn rounds(names: &[&str], rounds: u32, mut run: impl FnMut(usize) -> f64) {
    let mut samples: Vec<Vec<f64>> = names.iter().map(|_| Vec::new()).collect();
    for _ in 0..rounds {
        for (i, s) in samples.iter_mut().enumerate() {
            s.push(run(i));
        }
    }
    for (name, s) in names.iter().zip(samples) {
        println!("{} ns={:.3}", name, median(s));
    }
}

/// The plain load's source: a value shaped like cpu_id.
static PLAIN: i32 = 1;

/// A plain load with the same sign check as `percpu::cpu()`, so that the
/// two loops differ only in where the value comes from.
#[inline(always)]
fn plain_load() -> u32 {
    // SAFETY: reads a static i32.
    let v = unsafe { core::ptr::read_volatile(&PLAIN) };
    if v >= 0 { v as u32 } else { 0 }
}

/// ns per call of `f`, over `n` calls whose results are all used. Eight
/// calls per trip, so that the loop's own cost (and whether it happens to
/// straddle a 64-byte line of code, which costs a cycle a trip here)
/// hardly counts.
#[inline(always)]
fn per_call(n: u64, mut f: impl FnMut() -> u32) -> f64 {
    let start = now_ns();
    let mut acc = 0u32;
    for _ in 0..n / 8 {
        for _ in 0..8 {
            acc = acc.wrapping_add(f());
        }
    }
    black_box(acc);
    (now_ns() - start) as f64 / (n / 8 * 8) as f64
}

fn cpu_bench(r: u32, batch: u64) {
    let names = ["plain_load", "rseq_cpu", "vdso_getcpu", "getcpu_syscall"];
    let vdso = crt0::vdso::GETCPU.get().is_some();
    println!("cpu registered={} vdso={}", percpu::cpu().is_some(), vdso);
    rounds(&names, r, |i| match i {
        0 => per_call(batch, plain_load),
        1 => per_call(batch, || percpu::cpu().unwrap_or(0)),
        2 => per_call(batch, percpu::getcpu),
        _ => per_call(batch / 100, || crt0::syscall::getcpu().map_or(0, |(c, _)| c)),
    });
}

/// One shared counter on a cache line of its own.
#[repr(align(128))]
struct Shared(AtomicU64);

fn pin_to(cpu: usize) {
    let mut mask = [0u64; 16];
    mask[cpu / 64] |= 1 << (cpu % 64);
    // SAFETY: sched_setaffinity reads the mask only.
    let _ = unsafe { raw(nr::SCHED_SETAFFINITY, [0, core::mem::size_of_val(&mask), mask.as_ptr() as usize, 0, 0, 0]) };
}

/// `threads` threads (thread i on CPU i) each run `op` `ops` times, started
/// together; returns ns per op per thread (the slowest thread's time over
/// `ops`). Each thread times itself, and waits for the start yielding, so
/// that the main thread, which shares a CPU with one of them, gets to give
/// the signal at once.
fn parallel<F: Fn() + Copy + Send + 'static>(threads: usize, ops: u64, op: F) -> f64 {
    static GO: AtomicBool = AtomicBool::new(false);
    static READY: AtomicU64 = AtomicU64::new(0);
    GO.store(false, SeqCst);
    READY.store(0, SeqCst);
    let handles: Vec<_> = (0..threads)
        .map(|i| {
            crt0::thread::spawn(move || {
                pin_to(i);
                READY.fetch_add(1, SeqCst);
                while !GO.load(Relaxed) {
                    crt0::thread::yield_now();
                }
                let start = now_ns();
                for _ in 0..ops {
                    op();
                }
                now_ns() - start
            })
        })
        .collect();
    while READY.load(SeqCst) < threads as u64 {
        crt0::thread::yield_now();
    }
    GO.store(true, SeqCst);
    let slowest = handles.into_iter().map(|h| h.join()).max().unwrap();
    slowest as f64 / ops as f64
}

fn counter_bench(r: u32, ops: u64) {
    let counter: &'static Counter = alloc::boxed::Box::leak(alloc::boxed::Box::new(Counter::new()));
    let fallback: &'static Counter = alloc::boxed::Box::leak(alloc::boxed::Box::new(Counter::new()));
    static SHARED: Shared = Shared(AtomicU64::new(0));
    let names = [
        "percpu_counter_1t",
        "shared_atomic_1t",
        "fallback_counter_1t",
        "percpu_counter_2t",
        "shared_atomic_2t",
        "fallback_counter_2t",
    ];
    println!("counter registered={}", percpu::cpu().is_some());
    rounds(&names, r, |i| {
        let threads = if i < 3 { 1 } else { 2 };
        match i % 3 {
            0 => parallel(threads, ops, move || {
                counter.add(1);
            }),
            1 => parallel(threads, ops, || {
                SHARED.0.fetch_add(1, Relaxed);
            }),
            _ => parallel(threads, ops, move || {
                fallback.fallback_add(1);
            }),
        }
    });
    // Every add counted: 3 ops per thread per round.
    let expected = (r as u64 * ops * 3) as i64;
    let exact = counter.sum() == expected && SHARED.0.load(Relaxed) as i64 == expected && fallback.sum() == expected;
    println!("counter_sums exact={} each={}", exact, expected);
}

#[no_mangle]
pub extern "C" fn main(_: i32, _: *const *const u8, _: *const *const u8) -> i32 {
    let args: Vec<&[u8]> = crt0::args().iter().map(|a| a.to_bytes()).collect();
    let num = |i: usize, default: u64| {
        args.get(i).and_then(|a| core::str::from_utf8(a).ok()).and_then(|s| s.parse().ok()).unwrap_or(default)
    };
    match args.get(1).copied() {
        Some(b"cpu") => cpu_bench(num(2, 11) as u32, num(3, 10_000_000)),
        Some(b"counter") => counter_bench(num(2, 11) as u32, num(3, 10_000_000)),
        _ => {
            crt0::eprintln!("usage: percpu_bench cpu|counter [ROUNDS [BATCH]]");
            return 2;
        }
    }
    0
}
