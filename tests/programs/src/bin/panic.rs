//! Panics: crt0's handler prints the message and location, then SIGABRT.
#![no_std]
#![no_main]

extern crate crt0;

#[no_mangle]
pub extern "C" fn main(argc: i32, _: *const *const u8, _: *const *const u8) -> i32 {
    if argc > 0 {
        panic!("the test asked for a panic (argc={})", argc);
    }
    0
}
