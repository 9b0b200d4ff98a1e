//! Destructors of Rust thread-locals (`#[thread_local]` values with `Drop`,
//! registered with `crt0::thread::drop_at_thread_exit`): they run when the
//! thread ends, newest first, while its TLS is still there, including one
//! registered by another destructor; a detached thread runs its own; the
//! main thread runs its own at exit, before the atexit handlers.
#![no_std]
#![no_main]
#![feature(thread_local)]

use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicBool, Ordering::Relaxed};

use crt0::println;
use crt0::thread;

/// Prints its name when dropped, and what its thread-local slot held then.
struct Noisy(&'static str, u32);

impl Drop for Noisy {
    fn drop(&mut self) {
        println!("drop {} value={}", self.0, self.1);
        if self.0 == "b" {
            // Registered while the thread's destructors run: runs next.
            set(LATE.0.get(), Noisy("late", 4));
        }
    }
}

/// A thread-local slot for one value.
struct Slot(UnsafeCell<Option<Noisy>>);
// SAFETY: #[thread_local]: each thread has its own, used by it alone.
unsafe impl Sync for Slot {}

#[thread_local]
static A: Slot = Slot(UnsafeCell::new(None));
#[thread_local]
static B: Slot = Slot(UnsafeCell::new(None));
#[thread_local]
static C: Slot = Slot(UnsafeCell::new(None));
#[thread_local]
static LATE: Slot = Slot(UnsafeCell::new(None));

/// Stores `v` in the calling thread's `slot` (a pointer: a thread-local
/// cannot be borrowed for 'static) and registers its destructor.
fn set(slot: *mut Option<Noisy>, v: Noisy) {
    // SAFETY: the calling thread's own slot; the destructor drops it once,
    // at thread exit, when nothing else uses it.
    unsafe {
        *slot = Some(v);
        thread::drop_at_thread_exit(slot).expect("registered");
    }
}

static DETACHED_DROPPED: AtomicBool = AtomicBool::new(false);

unsafe extern "C" fn mark_dropped(_: *mut u8) {
    DETACHED_DROPPED.store(true, Relaxed);
}

extern "C" fn at_exit() {
    println!("atexit handler");
}

#[no_mangle]
pub extern "C" fn main(_: i32, _: *const *const u8, _: *const *const u8) -> i32 {
    thread::spawn(|| {
        set(A.0.get(), Noisy("a", 1));
        set(B.0.get(), Noisy("b", 2));
        set(C.0.get(), Noisy("c", 3));
        println!("thread body done");
    })
    .join();
    println!("joined");

    thread::spawn(|| thread::at_thread_exit(mark_dropped, core::ptr::null_mut()).expect("registered")).detach();
    let mut spins = 0u64;
    while !DETACHED_DROPPED.load(Relaxed) && spins < 10_000_000 {
        thread::yield_now();
        spins += 1;
    }
    println!("detached dtor ran={}", DETACHED_DROPPED.load(Relaxed));

    crt0::exit::atexit(at_exit).expect("registered");
    set(A.0.get(), Noisy("main", 5));
    println!("main returns");
    0
}
