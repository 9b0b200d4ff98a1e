//! `cargo run -p demos --example hello`
#![no_std]
#![no_main]

fn main(_: crt0::Args) {
    crt0::println!("hello from an example, rseq owner {:?}", crt0::rseq::owner::get());
}
crt0::main!(main);
