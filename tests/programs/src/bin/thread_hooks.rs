//! The OVERRIDE owner's thread hooks. A constructor claims rseq (as a
//! preloaded rseq library would), registers its own area for the main
//! thread (a thread-local of its own) and sets hooks that register and
//! unregister that area in every new thread. The threads report whether
//! the start hook ran before their body, their own area's cpu_id and
//! crt0's (which must stay -1: crt0 does not register under OVERRIDE).
//! With `HOOKS=late`, nobody claims and `main` tries to set hooks: refused
//! under LIBC, and threads are crt0's.
#![no_std]
#![no_main]
#![feature(thread_local)]

extern crate alloc;

use alloc::vec::Vec;
use core::cell::{Cell, UnsafeCell};
use core::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use crt0::println;
use crt0::rseq::owner::{self, ThreadHooks};
use crt0::thread;
use crt0_test_programs::{cpu_id, owner};

/// The overriding library's rseq area: `struct rseq`, cpu_id -1 until registered.
#[repr(C, align(32))]
struct Area(UnsafeCell<[u32; 8]>);
// SAFETY: #[thread_local]: each thread its own; the kernel writes it.
unsafe impl Sync for Area {}

#[thread_local]
static OWN: Area = Area(UnsafeCell::new([0, u32::MAX, 0, 0, 0, 0, 0, 0]));
#[thread_local]
static REGISTERED: Cell<bool> = Cell::new(false);
#[thread_local]
static STARTED: Cell<bool> = Cell::new(false);

static STARTS: AtomicUsize = AtomicUsize::new(0);
static EXITS: AtomicUsize = AtomicUsize::new(0);
static UNREGISTERED: AtomicUsize = AtomicUsize::new(0);

fn own_rseq(flags: u32) -> bool {
    // SAFETY: this thread's own 32-aligned area, registered only while the
    // thread runs (the exit hook unregisters it before the TLS goes).
    unsafe { crt0::syscall::rseq(OWN.0.get().cast(), 32, flags, crt0::rseq::SIG) }.is_ok()
}

fn own_cpu_id() -> i32 {
    // SAFETY: reads the kernel-written field of this thread's own area.
    unsafe { (OWN.0.get() as *const i32).add(1).read_volatile() }
}

extern "C" fn start_hook() {
    STARTED.set(true);
    REGISTERED.set(own_rseq(0));
    STARTS.fetch_add(1, Relaxed);
}

extern "C" fn exit_hook() {
    if REGISTERED.get() && own_rseq(1) {
        UNREGISTERED.fetch_add(1, Relaxed);
    }
    EXITS.fetch_add(1, Relaxed);
}

extern "C" fn ctor(_: i32, _: *const *const u8, _: *const *const u8) {
    if crt0::var("HOOKS").is_some_and(|v| v.to_bytes() == b"late") {
        return;
    }
    let claimed = owner::claim_override();
    let hooks = owner::set_thread_hooks(ThreadHooks { start: Some(start_hook), exit: Some(exit_hook) });
    let registered = claimed && own_rseq(0);
    println!("ctor claimed={} hooks_set={} main_registered={}", claimed, hooks, registered);
}
#[used]
#[link_section = ".init_array"]
static CTOR: extern "C" fn(i32, *const *const u8, *const *const u8) = ctor;

#[no_mangle]
pub extern "C" fn main(_: i32, _: *const *const u8, _: *const *const u8) -> i32 {
    if crt0::var("HOOKS").is_some_and(|v| v.to_bytes() == b"late") {
        let hooks = owner::set_thread_hooks(ThreadHooks { start: Some(start_hook), exit: Some(exit_hook) });
        println!("main hooks_set={} owner={}", hooks, owner());
    }
    let handles: Vec<_> = (0..4)
        .map(|_| thread::spawn(|| (STARTED.get(), REGISTERED.get(), own_cpu_id(), cpu_id())))
        .collect();
    for (i, h) in handles.into_iter().enumerate() {
        let (started, registered, own, crt0) = h.join();
        println!("thread {} hook_first={} registered={} own_cpu_id={} crt0_cpu_id={}", i, started, registered, own, crt0);
    }
    println!(
        "hooks starts={} exits={} unregistered={} owner={}",
        STARTS.load(Relaxed),
        EXITS.load(Relaxed),
        UNREGISTERED.load(Relaxed),
        owner()
    );
    0
}
