//! Vec, String, BTreeMap and Box<dyn Trait> on crt0's heap: prints the
//! report of `workload`, which tests/heap.rs compares with the same code
//! run under std.
#![no_std]
#![no_main]

#[path = "../workload.rs"]
mod workload;

fn main(_: crt0::Args) -> i32 {
    let mut out = crt0::io::BufWriter::<4096>::new(1);
    match workload::report(&mut out) {
        Ok(()) => 0,
        Err(_) => 1,
    }
}
crt0::main!(main);
