//! The smallest crt0 program: one write, exit status 0. The benchmarks
//! measure its size, system calls and instructions.
#![no_std]
#![no_main]

extern crate crt0;

#[no_mangle]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8, _envp: *const *const u8) -> i32 {
    let _ = crt0::io::write_all(1, b"hello\n");
    0
}
