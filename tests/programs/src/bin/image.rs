//! Where the image runs, and the stored pointers crt0 relocates in a
//! static-PIE one: a table of functions and of strings (RELATIVE, read-only
//! after start-up) and a `dyn` call through a vtable. Prints `main=ADDR`
//! (two static-PIE runs must differ) and what the pointers led to.
#![no_std]
#![no_main]

use crt0::println;

fn answer() -> u32 {
    42
}
static TABLE: [fn() -> u32; 1] = [answer];
static WORDS: [&str; 2] = ["relocated", "strings"];

trait Shape {
    fn sides(&self) -> u32;
}
struct Square;
impl Shape for Square {
    fn sides(&self) -> u32 {
        4
    }
}
static SHAPE: &(dyn Shape + Sync) = &Square;

fn main(_: crt0::Args) {
    // Through a volatile read, so the compiler cannot fold the table away.
    // SAFETY: TABLE is a valid, initialised static.
    let f = unsafe { core::ptr::read_volatile(&TABLE[0]) };
    println!("main={:#x} table={} words={} {} sides={}", main as usize, f(), WORDS[0], WORDS[1], SHAPE.sides());
}

crt0::main!(main);
