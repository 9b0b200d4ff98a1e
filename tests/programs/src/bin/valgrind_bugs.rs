//! Heap bugs planted one at a time in Rust, for valgrind's memcheck to find through crt0's
//! global allocator: `valgrind_bugs MODE` with MODE clean (Vec, String, Box, BTreeMap and
//! over-aligned layouts used correctly), use_after_free, overflow, double_free, uninit or
//! leak. Each bug is in a function of its own, so valgrind's stacks name it.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::alloc::{alloc, dealloc, Layout};
use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::hint::black_box;
use core::ptr;

fn layout(n: usize) -> Layout {
    Layout::from_size_align(n, 8).expect("a valid layout")
}

#[inline(never)]
fn use_after_free() -> u8 {
    let b = Box::new([7u8; 40]);
    let p: *const u8 = b.as_ptr();
    drop(b);
    // SAFETY: none: the planted bug (a read of freed memory).
    unsafe { ptr::read_volatile(p.add(8)) }
}

#[inline(never)]
fn overflow() {
    // SAFETY: the write one byte past the block is the planted bug.
    unsafe {
        let p = alloc(layout(40));
        p.write_bytes(1, 40);
        ptr::write_volatile(p.add(40), 1);
        dealloc(p, layout(40));
    }
}

#[inline(never)]
fn double_free() {
    // SAFETY: the second dealloc is the planted bug.
    unsafe {
        // black_box: the compiler may drop an allocation it sees freed unused.
        let p = black_box(alloc(layout(24)));
        dealloc(p, layout(24));
        dealloc(black_box(p), layout(24));
    }
}

#[inline(never)]
fn uninit() {
    // SAFETY: byte 5 was never written: the planted bug is the branch on it.
    unsafe {
        let p = alloc(layout(32));
        p.write(1);
        if ptr::read_volatile(p.add(5)) == 42 {
            crt0::println!("forty-two");
        }
        dealloc(p, layout(32));
    }
}

#[inline(never)]
fn leak() {
    for i in 0..10usize {
        let v: Vec<u8> = black_box(Vec::with_capacity(200 + i));
        core::mem::forget(v);
    }
}

#[inline(never)]
fn clean() -> usize {
    let mut v: Vec<u64> = (0..10_000).collect();
    v.retain(|x| x % 3 != 0);
    let mut s = String::new();
    for i in 0..500 {
        s.push_str(if i % 2 == 0 { "even " } else { "odd " });
    }
    let mut m = BTreeMap::new();
    for i in 0..2000u32 {
        m.insert(i.wrapping_mul(2_654_435_761), Box::new(i));
    }
    let big: Vec<u8> = alloc::vec![9; 300_000];
    // SAFETY: an over-aligned block, written and freed with its layout.
    let aligned = unsafe {
        let l = Layout::from_size_align(1000, 256).expect("a valid layout");
        let p = alloc(l);
        p.write_bytes(3, 1000);
        let ok = p as usize % 256 == 0 && *p.add(999) == 3;
        dealloc(p, l);
        ok
    };
    v.len() + s.len() + m.len() + big.len() + usize::from(aligned)
}

fn main(args: crt0::Args) -> i32 {
    let mode = args.iter().nth(1).and_then(|a| a.to_str().ok()).unwrap_or("clean");
    match mode {
        "clean" => crt0::println!("clean {}", clean()),
        "use_after_free" => crt0::println!("read {}", use_after_free()),
        "overflow" => overflow(),
        "double_free" => double_free(),
        "uninit" => uninit(),
        "leak" => leak(),
        _ => {
            crt0::eprintln!("unknown mode {mode}");
            return 2;
        }
    }
    crt0::println!("done");
    0
}
crt0::main!(main);
