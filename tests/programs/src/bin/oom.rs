//! Allocation failure. `oom MODE` prints `before` on stdout, then asks for
//! 2^50 bytes, which no machine grants:
//! - `vec`: Vec::with_capacity (alloc), `zeroed`: vec![0; n] (alloc_zeroed),
//!   `grow`: reserve_exact on a small Vec (realloc to 2^50 + 10 bytes):
//!   each must end the process with crt0's fatal message and status 127;
//! - `try`: try_reserve must fail without ending anything, and the heap
//!   must serve the next request.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::vec::Vec;

const HUGE: usize = 1 << 50;

fn main(args: crt0::Args) -> i32 {
    let mode = args.get(1).map(|a| a.to_bytes()).unwrap_or(b"");
    crt0::println!("before");
    match mode {
        b"vec" => {
            let v: Vec<u8> = Vec::with_capacity(HUGE);
            crt0::println!("granted {}", used(&v));
        }
        b"zeroed" => {
            let v = alloc::vec![0u8; HUGE];
            crt0::println!("granted {}", used(&v));
        }
        b"grow" => {
            let mut v: Vec<u8> = Vec::with_capacity(10);
            v.extend_from_slice(b"0123456789");
            v.reserve_exact(HUGE);
            crt0::println!("granted {}", used(&v));
        }
        b"try" => {
            let mut v: Vec<u8> = Vec::new();
            crt0::println!("try_reserve failed={}", v.try_reserve(HUGE).is_err());
            v.extend_from_slice(&[7; 1000]);
            crt0::println!("then len={} sum={}", v.len(), v.iter().map(|&b| b as u32).sum::<u32>());
        }
        _ => return 2,
    }
    0
}
crt0::main!(main);

/// The capacity, after handing the buffer to an opaque use: the compiler may
/// otherwise drop an allocation nothing reads, and with it the failure.
fn used(v: &Vec<u8>) -> usize {
    core::hint::black_box(v.as_ptr());
    v.capacity()
}
