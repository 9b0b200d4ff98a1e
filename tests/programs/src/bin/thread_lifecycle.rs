//! The thread lifecycle: CYCLES (argument; default 10,000) create/join
//! cycles with up to 32 threads alive at once, then up to 1,000 detached
//! threads in bursts. Every thread checks that its thread-locals start at
//! their initial values (`.tdata`) and zero (`.tbss`) however often its
//! memory was reused, reports its rseq cpu_id and uses the heap. At the
//! end, with crt0's stack cache emptied, the process must have exactly the
//! mappings it had before the first thread.
#![no_std]
#![no_main]
#![feature(thread_local)]

extern crate alloc;

use alloc::vec::Vec;
use core::cell::Cell;
use core::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use crt0::println;
use crt0::thread::{self, JoinHandle};
use crt0_test_programs::{cpu_id, maps, parse};

const ALIVE: usize = 32;
const INITIAL: u64 = 0x5eed_5eed_5eed;

#[thread_local]
static SEED: Cell<u64> = Cell::new(INITIAL);
#[thread_local]
static ZEROES: Cell<[u64; 16]> = Cell::new([0; 16]);

/// What one thread saw.
#[derive(Clone, Copy)]
struct Report {
    i: u64,
    fresh: bool,
    cpu_id: i32,
    sum: u64,
}

fn probe(i: u64) -> Report {
    let fresh = SEED.get() == INITIAL && ZEROES.get() == [0; 16];
    // Dirty the thread-locals for whoever gets this memory next.
    SEED.set(i);
    ZEROES.set([i | 1; 16]);
    let v: Vec<u64> = (0..(i % 64)).collect();
    Report { i, fresh, cpu_id: cpu_id(), sum: v.iter().sum() }
}

/// Counts the reports.
#[derive(Default)]
struct Tally {
    threads: usize,
    fresh: usize,
    registered: usize,
    min_cpu: i32,
    max_cpu: i32,
    bad_sums: usize,
}

impl Tally {
    fn add(&mut self, r: Report) {
        if self.threads == 0 {
            (self.min_cpu, self.max_cpu) = (r.cpu_id, r.cpu_id);
        }
        self.threads += 1;
        self.fresh += r.fresh as usize;
        self.registered += (r.cpu_id >= 0) as usize;
        self.min_cpu = self.min_cpu.min(r.cpu_id);
        self.max_cpu = self.max_cpu.max(r.cpu_id);
        let n = r.i % 64;
        self.bad_sums += (r.sum != n * n.saturating_sub(1) / 2) as usize;
    }
}

static DETACHED_DONE: AtomicUsize = AtomicUsize::new(0);
static DETACHED_FRESH: AtomicUsize = AtomicUsize::new(0);
static DETACHED_REGISTERED: AtomicUsize = AtomicUsize::new(0);

/// Waits, yielding, until `done()`; false after about ten seconds' worth of tries.
fn wait_for(mut done: impl FnMut() -> bool) -> bool {
    for _ in 0..2_000_000 {
        if done() {
            return true;
        }
        thread::yield_now();
    }
    false
}

#[no_mangle]
pub extern "C" fn main(_: i32, _: *const *const u8, _: *const *const u8) -> i32 {
    let cycles = crt0::args().get(1).and_then(|a| parse(a.to_bytes())).unwrap_or(10_000) as u64;
    // The heap's own mappings first, so that only threads' count below.
    let mut ring: Vec<Option<JoinHandle<Report>>> = (0..ALIVE).map(|_| None).collect();
    let before = maps::count();

    let mut joined = Tally::default();
    let mut most_alive = 0;
    for i in 0..cycles {
        let slot = &mut ring[(i % ALIVE as u64) as usize];
        if let Some(h) = slot.take() {
            joined.add(h.join());
        }
        *slot = Some(thread::spawn(move || probe(i)));
        most_alive = most_alive.max(ring.iter().filter(|h| h.as_ref().is_some_and(|h| h.tid() != 0)).count());
    }
    for h in ring.iter_mut().filter_map(Option::take) {
        joined.add(h.join());
    }
    println!(
        "joined threads={} fresh={} registered={} min_cpu={} max_cpu={} bad_sums={} most_alive={}",
        joined.threads, joined.fresh, joined.registered, joined.min_cpu, joined.max_cpu, joined.bad_sums, most_alive
    );

    // Detached, in bursts of up to 32 in flight (fewer: thread creation
    // costs a millisecond under qemu-user).
    let detached = cycles.min(1000) as usize;
    for i in 0..detached {
        if i >= ALIVE && !wait_for(|| DETACHED_DONE.load(Relaxed) + ALIVE > i) {
            println!("detached threads stopped finishing");
            return 1;
        }
        thread::spawn(move || {
            let r = probe(i as u64);
            DETACHED_FRESH.fetch_add(r.fresh as usize, Relaxed);
            DETACHED_REGISTERED.fetch_add((r.cpu_id >= 0) as usize, Relaxed);
            DETACHED_DONE.fetch_add(1, Relaxed);
        })
        .detach();
    }
    wait_for(|| DETACHED_DONE.load(Relaxed) == detached);
    // The last detached threads may still be on their way out: their
    // mappings go once they have exited.
    let unmapped = wait_for(|| {
        thread::free_cached_stacks();
        maps::count() == before
    });
    println!(
        "detached threads={} done={} fresh={} registered={}",
        detached,
        DETACHED_DONE.load(Relaxed),
        DETACHED_FRESH.load(Relaxed),
        DETACHED_REGISTERED.load(Relaxed)
    );
    println!("maps before={} after={} unmapped={}", before, maps::count(), unmapped);
    0
}
