//! 1000 atexit handlers, far past the 32 that fit without a heap: plain
//! ones (every tenth) and ones with an argument (their registration index).
//! At exit each checks that it runs in reverse registration order; the
//! handler registered first runs last and prints what it saw.
#![no_std]
#![no_main]

use core::sync::atomic::{AtomicIsize, AtomicUsize, Ordering::Relaxed};

const HANDLERS: usize = 1000;

/// The index of the handler that must run next.
static NEXT: AtomicIsize = AtomicIsize::new(HANDLERS as isize - 1);
static RAN: AtomicUsize = AtomicUsize::new(0);
static OUT_OF_ORDER: AtomicUsize = AtomicUsize::new(0);

fn ran(index: isize) {
    if NEXT.fetch_sub(1, Relaxed) != index {
        OUT_OF_ORDER.fetch_add(1, Relaxed);
    }
    RAN.fetch_add(1, Relaxed);
}

/// Registered at the multiples of ten, which is all it can check.
extern "C" fn plain() {
    let next = NEXT.load(Relaxed);
    ran(if next % 10 == 0 { next } else { -1 });
}

unsafe extern "C" fn with_index(arg: *mut u8) {
    ran(arg as isize);
}

extern "C" fn report() {
    crt0::println!("ran={} out_of_order={} next={}", RAN.load(Relaxed), OUT_OF_ORDER.load(Relaxed), NEXT.load(Relaxed));
}

fn main(_: crt0::Args) -> i32 {
    let mut refused = 0;
    refused += crt0::exit::atexit(report).is_err() as usize;
    for i in 0..HANDLERS {
        let r = if i % 10 == 0 {
            crt0::exit::atexit(plain)
        } else {
            // The index travels as the argument pointer; it is never dereferenced.
            crt0::exit::atexit_with_arg(with_index, i as *mut u8)
        };
        refused += r.is_err() as usize;
    }
    crt0::println!("registered={} refused={refused}", HANDLERS + 1 - refused);
    0
}
crt0::main!(main);
