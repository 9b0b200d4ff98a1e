//! Exit paths. `exit nested`: 33 atexit handlers (the 33rd goes past the 32
//! that fit without a heap), the 30th registered calls exit(7); every
//! handler still runs exactly once.
//! `exit _exit`: handlers registered, then _exit(5) skips them.
//! `exit abort`: abort() ends the process with SIGABRT.
#![no_std]
#![no_main]

use core::sync::atomic::{AtomicUsize, Ordering::Relaxed};

static RAN: AtomicUsize = AtomicUsize::new(0);

extern "C" fn count() {
    RAN.fetch_add(1, Relaxed);
}
extern "C" fn nested_exit() {
    crt0::println!("handler calls exit(7) after {} handlers", RAN.load(Relaxed));
    RAN.fetch_add(1, Relaxed);
    crt0::exit::exit(7);
}
extern "C" fn last() {
    crt0::println!("last handler: {} ran before it", RAN.load(Relaxed));
}

#[no_mangle]
pub extern "C" fn main(_: i32, _: *const *const u8, _: *const *const u8) -> i32 {
    let mode = crt0::args().get(1).map(|a| a.to_bytes()).unwrap_or(b"");
    match mode {
        b"nested" => {
            // Registered first, so it runs last.
            crt0::exit::atexit(last).unwrap();
            for i in 1..crt0::exit::ATEXIT_MAX {
                let f = if i == 3 { nested_exit } else { count };
                crt0::exit::atexit(f).unwrap();
            }
            crt0::println!("33rd accepted={}", crt0::exit::atexit(count).is_ok());
            0
        }
        b"_exit" => {
            crt0::exit::atexit(last).unwrap();
            crt0::exit::exit_now(5)
        }
        b"abort" => crt0::exit::abort(),
        _ => 0,
    }
}
