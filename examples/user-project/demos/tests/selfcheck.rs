//! An integration test that is itself a crt0 program (`harness = false`):
//! `cargo test` runs it and reads its exit status.
#![no_std]
#![no_main]

fn main(_: crt0::Args) -> Result<(), &'static str> {
    let counts = tally::tally(["b", "a", "b"]);
    if tally::render(&counts) != "2 b\n1 a\n" {
        return Err("tally::render");
    }
    // Started by crt0: the owner protocol ran (LIBC once it registered, or
    // tried to; UNSET only with CRT0_RSEQ=0).
    if crt0::rseq::owner::get() != 2 {
        return Err("rseq owner");
    }
    crt0::println!("selfcheck: ok");
    Ok(())
}
crt0::main!(main);
