//! The per-CPU stress test, in the spirit of the kernel's rseq param_test:
//! threads add to a per-CPU counter, increment per-CPU words by
//! compare-and-store, and pop and push nodes of a per-CPU stack, while
//! preemption is provoked by sched_yield, by a per-thread timer whose
//! SIGALRM handler also adds to the counter, and by moving threads between
//! CPUs with sched_setaffinity. At the end the counter's sum and the
//! words' total are exact and every stack node is there exactly once.
//!
//! One argument, `key=value` pairs separated by commas (defaults first):
//! `threads=0` (0: twice the CPUs the process may use: it first widens
//! its affinity to all of them), `iters=10000` per thread,
//! `nodes=64`, `yield=64` (every N iterations; 0 never), `migrate=256`,
//! `steal=512` (pop from a random CPU's list under its lock), `timer=200`
//! (microseconds between each thread's signals; 0: no timer), `mixed=0`
//! (1: odd threads take the fallback paths even when registered).
//! Prints `key=value` lines and `stress ok=true|false`; exits 1 on failure.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::vec::Vec;
use core::sync::atomic::{AtomicPtr, AtomicU32, AtomicU64, Ordering::{Relaxed, SeqCst}};

use crt0::percpu::{self, Counter, Node, Stack, Words};
use crt0::println;
use crt0::signal;
use crt0_test_programs::parse;
use crt0_test_programs::sched::{self, Mask, Rng, ThreadTimer};

#[derive(Clone, Copy)]
struct Params {
    threads: u32,
    iters: u32,
    nodes: u32,
    yield_every: u32,
    migrate_every: u32,
    steal_every: u32,
    timer_us: u32,
    mixed: bool,
}

fn params() -> Params {
    let mut p = Params { threads: 0, iters: 10_000, nodes: 64, yield_every: 64, migrate_every: 256, steal_every: 512, timer_us: 200, mixed: false };
    let arg = crt0::args().iter().nth(1);
    for kv in arg.iter().flat_map(|a| a.to_bytes().split(|&b| b == b',')) {
        let Some(eq) = kv.iter().position(|&b| b == b'=') else { continue };
        let v = parse(&kv[eq + 1..]).filter(|&v| v >= 0).unwrap_or_else(|| panic!("bad value in {:?}", kv)) as u32;
        match &kv[..eq] {
            b"threads" => p.threads = v,
            b"iters" => p.iters = v,
            b"nodes" => p.nodes = v,
            b"yield" => p.yield_every = v,
            b"migrate" => p.migrate_every = v,
            b"steal" => p.steal_every = v,
            b"timer" => p.timer_us = v,
            b"mixed" => p.mixed = v != 0,
            _ => panic!("unknown parameter {:?}", kv),
        }
    }
    p
}

/// A stack node: which one, and how often it was popped.
struct Item {
    id: u32,
    pops: u32,
}

struct Shared {
    p: Params,
    counter: Counter,
    words: Words,
    stack: Stack<Item>,
    mask: Mask,
    cpus: Vec<u32>,
    ready: AtomicU32,
}

#[derive(Default)]
struct Stats {
    added: i64,
    pops: u64,
    empty: u64,
    steals: u64,
    retries: u64,
    migrations: u64,
    yields: u64,
    timers: u64,
}

/// What the SIGALRM handler adds to, and how often it did.
static COUNTER: AtomicPtr<Counter> = AtomicPtr::new(core::ptr::null_mut());
static HANDLER_ADDS: AtomicU64 = AtomicU64::new(0);

extern "C" fn on_alarm(_: i32) {
    let c = COUNTER.load(Relaxed);
    if !c.is_null() {
        // SAFETY: the counter outlives every thread that gets the signal.
        unsafe { (*c).add(1) };
        HANDLER_ADDS.fetch_add(1, Relaxed);
    }
}

fn worker(s: &'static Shared, index: u32) -> Stats {
    let p = s.p;
    let fallback = p.mixed && index % 2 == 1;
    let mut st = Stats::default();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (index as u64 + 1).wrapping_mul(0x2545_f491_4f6c_dd1d));
    s.ready.fetch_add(1, SeqCst);
    while s.ready.load(SeqCst) < p.threads {
        sched::yield_now();
    }
    // qemu-user has room for 32 timers: threads beyond go without.
    let timer = if p.timer_us > 0 { ThreadTimer::start(signal::SIGALRM, p.timer_us as u64 * 1000) } else { None };
    st.timers = timer.is_some() as u64;
    for i in 1..=p.iters {
        let k = (i % 7 + 1) as i64;
        if fallback { s.counter.fallback_add(k) } else { s.counter.add(k) };
        st.added += k;

        loop {
            let (_, v) = s.words.current();
            let r = if fallback { s.words.fallback_compare_and_store(v, v + 1) } else { s.words.compare_and_store(v, v + 1) };
            if r.is_ok() {
                break;
            }
            st.retries += 1;
        }

        let node = if p.steal_every > 0 && i % p.steal_every == 0 {
            st.steals += 1;
            s.stack.pop_from(s.cpus[rng.next_u64() as usize % s.cpus.len()])
        } else if fallback {
            s.stack.fallback_pop()
        } else {
            s.stack.pop()
        };
        match node {
            Some(mut n) => {
                n.pops += 1;
                st.pops += 1;
                if rng.next_u64().is_multiple_of(8) {
                    // Hold the node across a reschedule: it may land on another CPU's list.
                    sched::yield_now();
                }
                if fallback { s.stack.fallback_push(n) } else { s.stack.push(n) };
            }
            None => st.empty += 1,
        }

        if p.yield_every > 0 && i % p.yield_every == 0 {
            sched::yield_now();
            st.yields += 1;
        }
        if p.migrate_every > 0 && i % p.migrate_every == 0 {
            let mut m = [0u64; 16];
            if rng.next_u64().is_multiple_of(4) {
                m = s.mask;
            } else {
                let cpu = s.cpus[rng.next_u64() as usize % s.cpus.len()];
                m[(cpu / 64) as usize] = 1 << (cpu % 64);
            }
            st.migrations += sched::set_affinity(&m) as u64;
        }
    }
    st
}

#[no_mangle]
pub extern "C" fn main(_: i32, _: *const *const u8, _: *const *const u8) -> i32 {
    let mut p = params();
    // Every CPU the process may use (the kernel keeps those of its cpuset),
    // whatever the parent pinned it to.
    sched::set_affinity(&[u64::MAX; 16]);
    let mask = sched::affinity();
    let mut cpus = [0u32; 1024];
    let ncpus = sched::cpus_in(&mask, &mut cpus);
    if p.threads == 0 {
        p.threads = 2 * ncpus as u32;
    }
    let shared = alloc::boxed::Box::into_raw(alloc::boxed::Box::new(Shared {
        p,
        counter: Counter::new(),
        words: Words::new(0),
        stack: Stack::new(),
        mask,
        cpus: cpus[..ncpus].to_vec(),
        ready: AtomicU32::new(0),
    }));
    // SAFETY: freed only at the end, once every thread is joined.
    let s: &'static Shared = unsafe { &*shared };
    // Spread the nodes over the CPUs' lists.
    for id in 0..p.nodes {
        let mut m = [0u64; 16];
        let cpu = s.cpus[id as usize % ncpus];
        m[(cpu / 64) as usize] = 1 << (cpu % 64);
        sched::set_affinity(&m);
        s.stack.push(Node::new(Item { id, pops: 0 }));
    }
    sched::set_affinity(&mask);
    COUNTER.store(&raw const s.counter as *mut Counter, Relaxed);
    signal::set_handler(signal::SIGALRM, on_alarm, signal::Flags::RESTART).expect("sigaction");
    println!(
        "stress threads={} iters={} nodes={} cpus={} possible={} registered={} mixed={} timer_us={}",
        p.threads,
        p.iters,
        p.nodes,
        ncpus,
        percpu::possible_cpus(),
        percpu::cpu().is_some(),
        p.mixed,
        p.timer_us
    );

    let handles: Vec<_> = (0..p.threads)
        .map(|i| crt0::thread::Builder::new().stack_size(128 * 1024).spawn(move || worker(s, i)).expect("spawn"))
        .collect();
    let mut total = Stats::default();
    for h in handles {
        let st = h.join();
        total.added += st.added;
        total.pops += st.pops;
        total.empty += st.empty;
        total.steals += st.steals;
        total.retries += st.retries;
        total.migrations += st.migrations;
        total.yields += st.yields;
        total.timers += st.timers;
    }
    COUNTER.store(core::ptr::null_mut(), Relaxed);
    // SAFETY: every thread has been joined and the handler no longer uses
    // the counter: nothing else refers to the shared state now.
    let mut shared = unsafe { alloc::boxed::Box::from_raw(shared) };
    let handler_adds = HANDLER_ADDS.load(Relaxed);
    let expected = total.added + handler_adds as i64;
    let counter_ok = shared.counter.sum() == expected;
    println!("counter expected={} sum={} handler_adds={} ok={}", expected, shared.counter.sum(), handler_adds, counter_ok);

    let words_total: u64 = shared.words.iter().map(|w| w as u64).sum();
    let words_expected = p.threads as u64 * p.iters as u64;
    let words_ok = words_total == words_expected;
    println!("words expected={} total={} retries={} ok={}", words_expected, words_total, total.retries, words_ok);

    let mut seen = alloc::vec![0u32; p.nodes as usize];
    let (mut pops, mut unknown) = (0u64, 0u32);
    for n in shared.stack.drain() {
        match seen.get_mut(n.id as usize) {
            Some(c) => *c += 1,
            None => unknown += 1,
        }
        pops += n.pops as u64;
    }
    let missing = seen.iter().filter(|&&c| c == 0).count();
    let duplicates = seen.iter().filter(|&&c| c > 1).count();
    let stack_ok = missing == 0 && duplicates == 0 && unknown == 0 && pops == total.pops;
    println!(
        "stack nodes={} missing={} duplicates={} pops={} node_pops={} empty={} steals={} ok={}",
        p.nodes, missing, duplicates, total.pops, pops, total.empty, total.steals, stack_ok
    );
    println!(
        "events aborts={} yields={} migrations={} timers={}",
        percpu::aborts(),
        total.yields,
        total.migrations,
        total.timers
    );
    let ok = counter_ok && words_ok && stack_ok;
    println!("stress ok={}", ok);
    if ok { 0 } else { 1 }
}
