//! The Rust twin of the `mixed` heap workload, on crt0's global allocator:
//! `heap_mixed [OPS]` prints the C program's result line.
#![no_std]
#![no_main]

extern crate alloc;

use core::fmt::Write;

#[path = "../mixed.rs"]
mod mixed;

fn main(args: crt0::Args) -> i32 {
    let ops = args.iter().nth(1).and_then(|a| a.to_str().ok()?.parse().ok()).unwrap_or(1_000_000);
    let report = mixed::run(ops);
    let mut out = crt0::io::BufWriter::<256>::new(1);
    if write!(out, "{report}").is_err() {
        return 2;
    }
    i32::from(report.failures != 0)
}
crt0::main!(main);
