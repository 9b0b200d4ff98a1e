//! crt0's Rust thread API, by the first argument:
//! - `api` (default): results through `join` (heap values included), each
//!   thread's own TLS (one variable 64 KiB-aligned), the process's canary,
//!   stack sizes honoured by deep recursion, nested threads, detached
//!   threads and dropped handles;
//! - `overflow`: a thread with a 64 KiB stack recurses without end and must
//!   die on its guard page (SIGSEGV), not scribble over other memory;
//! - `cpus`: threads pinned to each CPU in turn report their rseq cpu_id and
//!   getcpu(2) (for the real-kernel test);
//! - `rseq`: each thread's rseq cpu_id and the owner, as it starts.
#![no_std]
#![no_main]
#![feature(thread_local)]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use core::cell::Cell;
use core::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use crt0::println;
use crt0::thread::{self, Builder};
use crt0_test_programs::{canary, cpu_id, getcpu, owner, pin_to};

#[thread_local]
static COUNTER: Cell<u32> = Cell::new(7);
#[thread_local]
static ZEROES: Cell<[u8; 64]> = Cell::new([0; 64]);
/// Aligned beyond a page: each thread's TLS must be placed at that alignment too.
#[repr(C, align(65536))]
struct Aligned([u8; 16]);
#[thread_local]
static ALIGNED: Aligned = Aligned(*b"64 KiB aligned!!");

fn aligned_ok() -> bool {
    let p = &raw const ALIGNED;
    // SAFETY: this thread's own, never written.
    (p as usize).is_multiple_of(65536) && unsafe { (*p).0 } == *b"64 KiB aligned!!"
}

/// Recurses `depth` times through 64 KiB frames; returns the depth reached.
#[inline(never)]
fn deep(depth: u32) -> u32 {
    let mut frame = [0u8; 64 << 10];
    core::hint::black_box(&mut frame);
    let reached = if depth == 0 { 0 } else { 1 + deep(depth - 1) };
    // Used again after the call: every frame stays on the stack all the way down.
    core::hint::black_box(&frame);
    reached
}

fn api() -> i32 {
    // Results through join, heap values included; each thread its own TLS.
    let handles: Vec<_> = (0..8u32)
        .map(|i| {
            thread::spawn(move || {
                let fresh = COUNTER.get() == 7 && ZEROES.get() == [0; 64] && aligned_ok();
                COUNTER.set(100 + i);
                thread::yield_now();
                let own = COUNTER.get() == 100 + i;
                let text: String = alloc::format!("thread {i}");
                (i, fresh && own, canary(), text)
            })
        })
        .collect();
    let mut ok = 0;
    for h in handles {
        let (i, tls_ok, c, text) = h.join();
        ok += (tls_ok && c == canary() && text == alloc::format!("thread {i}")) as u32;
    }
    println!("join results_ok={} main_counter={} main_aligned={}", ok, COUNTER.get(), aligned_ok());

    // Stack sizes: 6 MiB of frames in an 8 MiB stack; 1 MiB in the default 2 MiB.
    let big = Builder::new().stack_size(8 << 20).spawn(|| deep(96)).map(|h| h.join());
    let default = thread::spawn(|| deep(16)).join();
    println!("stack big={} default={}", big.unwrap_or(0), default);

    // A thread that starts a thread.
    let nested = thread::spawn(|| thread::spawn(|| 41u64).join() + 1).join();
    println!("nested result={}", nested);

    // Detached threads, and dropped handles (which detach).
    static DONE: AtomicUsize = AtomicUsize::new(0);
    for i in 0..16 {
        let h = thread::spawn(|| DONE.fetch_add(1, Relaxed));
        if i % 2 == 0 { h.detach() } else { drop(h) }
    }
    let mut spins = 0u64;
    while DONE.load(Relaxed) < 16 && spins < 10_000_000 {
        thread::yield_now();
        spins += 1;
    }
    println!("detached done={}", DONE.load(Relaxed));

    // A detached thread whose result needs dropping: a heap value.
    thread::spawn(|| alloc::vec![1u8; 100]).detach();
    // An error for an impossible stack size, not a crash.
    let refused = Builder::new().stack_size(usize::MAX / 2).spawn(|| 0).is_err();
    println!("huge_stack refused={}", refused);
    0
}

fn overflow() -> i32 {
    let r = Builder::new().stack_size(64 << 10).spawn(|| deep(1000)).map(|h| h.join());
    println!("overflow survived depth={:?}", r.ok());
    0
}

fn cpus() -> i32 {
    for i in 0..8u32 {
        let cpu = i % 2;
        let (pinned, c, g) = thread::spawn(move || {
            let pinned = pin_to(cpu);
            (pinned, cpu_id(), getcpu())
        })
        .join();
        println!("thread {} pinned={} cpu_id={} getcpu={}", i, pinned, c, g);
    }
    0
}

fn rseq() -> i32 {
    let handles: Vec<_> = (0..4).map(|_| thread::spawn(|| (cpu_id(), owner()))).collect();
    for (i, h) in handles.into_iter().enumerate() {
        let (c, o) = h.join();
        println!("thread {} cpu_id={} owner={}", i, c, o);
    }
    println!("main cpu_id={} owner={}", cpu_id(), owner());
    0
}

#[no_mangle]
pub extern "C" fn main(_: i32, _: *const *const u8, _: *const *const u8) -> i32 {
    let mode = crt0::args().get(1).map(|a| a.to_bytes()).unwrap_or(b"api");
    match mode {
        b"api" => api(),
        b"overflow" => overflow(),
        b"cpus" => cpus(),
        b"rseq" => rseq(),
        _ => 2,
    }
}
