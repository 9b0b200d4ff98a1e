//! Sequence 2 of the rseq owner protocol: a preloaded library owns rseq
//! because the runtime has no rseq support. `CRT0_RSEQ=0` makes crt0 such
//! a runtime (the owner stays UNSET, as in a C library that predates the
//! protocol); the constructor stands in for the preloaded library, which
//! takes over only when it sees UNSET. Run without `CRT0_RSEQ=0`, the same
//! library sees PREINIT and leaves registration to crt0 (sequence 1).
//!
//! ```sh
//! CRT0_TRACE=1 CRT0_RSEQ=0 cargo run -q --release -p crt0-examples --bin seq_preloaded_no_runtime
//! ```
#![no_std]
#![no_main]

#[path = "../preloaded.rs"]
mod preloaded;
use preloaded::{report, take_over, Policy};

type Init = extern "C" fn(i32, *const *const u8, *const *const u8);

extern "C" fn library(_: i32, _: *const *const u8, _: *const *const u8) {
    take_over(Policy::IfUnset);
}
#[used]
#[link_section = ".init_array"]
static LIBRARY: Init = library;

fn main(_: crt0::Args) {
    report("main");
    crt0::eprintln!("  [main] library_area cpu_id={}", preloaded::own_cpu_id());
}

crt0::main!(main);
