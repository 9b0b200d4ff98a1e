//! Sequence 3 of the rseq owner protocol: a preloaded library overrides a
//! runtime that supports rseq. Its constructor runs while the owner is
//! PREINIT, claims OVERRIDE and registers its own area; crt0's phase 6 then
//! finds the owner is no longer PREINIT and does not register.
//!
//! ```sh
//! CRT0_TRACE=1 cargo run -q --release -p crt0-examples --bin seq_override
//! ```
#![no_std]
#![no_main]

#[path = "../preloaded.rs"]
mod preloaded;
use preloaded::{report, take_over, Policy};

type Init = extern "C" fn(i32, *const *const u8, *const *const u8);

extern "C" fn library(_: i32, _: *const *const u8, _: *const *const u8) {
    take_over(Policy::Always);
}
#[used]
#[link_section = ".init_array"]
static LIBRARY: Init = library;

fn main(_: crt0::Args) {
    // crt0's own area stays at -1: `__rseq_size` 0 tells other code that
    // the C library did not register, so it must not use crt0's area.
    report("main");
    crt0::eprintln!("  [main] library_area cpu_id={}", preloaded::own_cpu_id());
}

crt0::main!(main);
