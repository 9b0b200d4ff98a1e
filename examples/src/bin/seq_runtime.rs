//! Sequence 1 of the rseq owner protocol: the runtime owns rseq. crt0
//! moves the owner UNSET -> PREINIT once TLS exists, runs the resolvers and
//! constructors with rseq unregistered, then (no one having claimed it)
//! moves PREINIT -> LIBC and registers the main thread's area before
//! `main`. Shown in docs/STARTUP.md:
//!
//! ```sh
//! CRT0_TRACE=1 cargo run -q --release -p crt0-examples --bin seq_runtime
//! ```
#![no_std]
#![no_main]

#[path = "../preloaded.rs"]
mod preloaded;
use preloaded::report;

type Init = extern "C" fn(i32, *const *const u8, *const *const u8);

extern "C" fn constructor(_: i32, _: *const *const u8, _: *const *const u8) {
    report("constructor");
}
#[used]
#[link_section = ".init_array"]
static CONSTRUCTOR: Init = constructor;

fn main(_: crt0::Args) {
    report("main");
}

crt0::main!(main);
