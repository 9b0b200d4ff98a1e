//! crt0::percpu on one thread: each operation's result on the rseq path
//! (when registered) and on the fallback path, including from a
//! constructor (PREINIT, never registered), whose values main then sees.
//! Prints `key=value` lines the test checks.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicPtr, Ordering::Relaxed};

use crt0::percpu::{self, Counter, Node, Stack, Words};
use crt0::println;
use crt0_test_programs::{getcpu, pin_to};

static EARLY_COUNTER: AtomicPtr<Counter> = AtomicPtr::new(core::ptr::null_mut());
static EARLY_STACK: AtomicPtr<Stack<u32>> = AtomicPtr::new(core::ptr::null_mut());

extern "C" fn ctor(_: i32, _: *const *const u8, _: *const *const u8) {
    // On main's CPU, whose list main then pops.
    pin_to(0);
    let c = Box::new(Counter::new());
    c.add(5);
    c.add(-2);
    let s = Box::new(Stack::new());
    s.push(Node::new(41));
    s.push(Node::new(42));
    println!("ctor cpu={:?} sum={} empty={}", percpu::cpu(), c.sum(), s.is_empty());
    EARLY_COUNTER.store(Box::into_raw(c), Relaxed);
    EARLY_STACK.store(Box::into_raw(s), Relaxed);
}
#[used]
#[link_section = ".init_array"]
static CTOR: extern "C" fn(i32, *const *const u8, *const *const u8) = ctor;

fn counter_checks(cpu: u32) {
    let c = Counter::new();
    let mut used = 0;
    for i in 1..=1000 {
        used = c.add(i);
    }
    let f = c.fallback_add(7);
    println!("counter sum={} slot={} on_cpu={} fallback_slot={} slots={}", c.sum(), used == cpu, c.on_cpu(cpu), f == cpu, c.slots());
    c.add(-500_507);
    println!("counter back_to_zero={}", c.sum() == 0);
}

fn words_checks(cpu: u32) {
    let w = Words::new(7);
    let (here, v) = w.current();
    let ok = w.compare_and_store(7, 8);
    let stale = w.compare_and_store(7, 9);
    let others_untouched = w.iter().enumerate().all(|(i, v)| v == if i as u32 == cpu { 8 } else { 7 });
    println!(
        "words current_cpu={} current={} store={:?} stale={:?} load={} others={}",
        here == cpu,
        v,
        ok.map(|c| c == cpu),
        stale.map_err(|(c, v)| (c == cpu, v)),
        w.load(cpu),
        others_untouched
    );
    let f_ok = w.fallback_compare_and_store(8, 10);
    let f_stale = w.fallback_compare_and_store(8, 11);
    println!("words fallback_store={:?} fallback_stale={:?} load={}", f_ok.map(|c| c == cpu), f_stale.map_err(|(_, v)| v), w.load(cpu));
}

fn stack_checks(cpu: u32) {
    let mut s = Stack::new();
    for i in 1..=100u32 {
        s.push(Node::new(i));
    }
    let mut order = Vec::new();
    while let Some(n) = s.pop() {
        order.push(n.value);
    }
    let lifo = order.iter().copied().eq((1..=100).rev());
    let other = (cpu + 1) % percpu::possible_cpus();
    let stolen_empty = s.pop_from(other).is_none();
    // The fallback paths on a registered thread: the slot's lock (and
    // membarrier, since sections may run) against the critical sections.
    s.fallback_push(Node::new(7));
    s.push(Node::new(8));
    let a = s.fallback_pop().map(|n| n.value);
    let b = s.pop_from(cpu).map(|n| n.value);
    s.push(Node::new(9));
    s.push(Node::new(10));
    let drained: Vec<u32> = s.drain().into_iter().map(|n| n.value).collect();
    println!(
        "stack lifo={} popped={} empty_after={} stolen_empty={} mixed={:?},{:?} drained={:?}",
        lifo,
        order.len(),
        s.pop().is_none(),
        stolen_empty,
        a,
        b,
        drained
    );
}

extern "C" {
    // The linker's bounds of the descriptor section.
    static __start___rseq_cs: [u64; 4];
    static __stop___rseq_cs: [u64; 4];
}

/// Every `struct rseq_cs` the program has: version and flags 0, the
/// abort handler outside the section, preceded by the signature.
fn check_descriptors() {
    // SAFETY: the linker defines both symbols around the section, which
    // holds whole 32-byte descriptors.
    let all = unsafe {
        let start = &raw const __start___rseq_cs;
        let n = (&raw const __stop___rseq_cs).offset_from(start) as usize;
        core::slice::from_raw_parts(start, n)
    };
    let ok = all.iter().all(|&[version_flags, start_ip, post_commit_offset, abort_ip]| {
        // SAFETY: abort_ip is in this program's code, 4 bytes after the signature.
        let sig = unsafe { ((abort_ip - 4) as *const u32).read_unaligned() };
        version_flags == 0
            && post_commit_offset > 0
            && !(start_ip..start_ip + post_commit_offset).contains(&abort_ip)
            && sig == crt0::rseq::SIG
    });
    println!("descriptors aligned={} ok={} any={}", all.as_ptr() as usize % 32 == 0, ok, !all.is_empty());
}

#[no_mangle]
pub extern "C" fn main(_: i32, _: *const *const u8, _: *const *const u8) -> i32 {
    // Pinned, so that every operation below stays on one CPU and the slot
    // it reports can be checked.
    let pinned = pin_to(0);
    let cpu = percpu::current_cpu();
    println!(
        "main pinned={} rseq_cpu={:?} current_cpu={} getcpu={} possible={} node_id={:?} mm_cid={:?}",
        pinned,
        percpu::cpu(),
        cpu,
        getcpu(),
        percpu::possible_cpus(),
        percpu::node_id(),
        percpu::mm_cid()
    );
    // SAFETY: written by the constructor, which ran before main.
    let (c, s) = unsafe { (&*EARLY_COUNTER.load(Relaxed), &mut *EARLY_STACK.load(Relaxed)) };
    c.add(10);
    let popped = s.pop().map(|n| n.value);
    let next = s.pop().map(|n| n.value);
    println!("early sum={} popped={:?},{:?}", c.sum(), popped, next);
    counter_checks(cpu);
    words_checks(cpu);
    stack_checks(cpu);
    // The area points at the last section's descriptor (32-aligned, in
    // the static `__rseq_cs` section, so never freed), or at nothing once
    // the kernel has cleared it after a preemption outside the section.
    let area = crt0::rseq::area().expect("TLS is ready");
    let added = Counter::new();
    added.add(1);
    // SAFETY: this thread's area; the kernel also writes it, hence volatile.
    let rseq_cs = unsafe { (&raw const (*area).rseq_cs).read_volatile() };
    println!("rseq_cs aligned={}", rseq_cs % 32 == 0);
    check_descriptors();
    0
}
