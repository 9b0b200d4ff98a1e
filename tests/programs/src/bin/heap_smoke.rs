//! The heap from Rust, one mode per argument; each prints `ok <mode>` (and
//! some figures) and exits 0, unless a check fails (exit 1, what failed on
//! stdout).
//!
//! - `alloc`: Vec, String, BTreeMap, Box<dyn Trait>, sizes from 0 to 8 MiB
//!   with their contents checked across growth, over-aligned layouts, and
//!   C's malloc family called from Rust (calloc zeroing and overflow,
//!   realloc of NULL and to 0, posix_memalign errors, 2^50 bytes);
//! - `nobrk`: a mapping placed right above the break, so the heap must
//!   grow in mapped regions instead; 64 MiB allocated, freed, again;
//! - `atexit`: 101 atexit handlers (the first 32 in crt0's static table,
//!   the rest on the heap) run last registered first, then print
//!   `atexit: 100 handlers ran, last registered first: true`;
//! - `try`: `try_reserve` of 2^50 bytes fails and the program goes on;
//! - `oom`: `Vec::with_capacity` of 2^50 bytes: crt0 prints
//!   `crt0: fatal: out of memory allocating 1125899906842624 bytes`, status 127.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::alloc::Layout;
use core::hint::black_box;
use core::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use crt0::println;

extern "C" {
    fn malloc(n: usize) -> *mut u8;
    fn calloc(n: usize, size: usize) -> *mut u8;
    fn realloc(p: *mut u8, n: usize) -> *mut u8;
    fn free(p: *mut u8);
    fn posix_memalign(out: *mut *mut u8, align: usize, n: usize) -> i32;
    fn aligned_alloc(align: usize, n: usize) -> *mut u8;
    fn malloc_usable_size(p: *mut u8) -> usize;
    fn __errno_location() -> *mut i32;
}

const ENOMEM: i32 = 12;
const EINVAL: i32 = 22;

static FAILED: AtomicUsize = AtomicUsize::new(0);

fn check(ok: bool, what: &str) {
    if !ok && FAILED.fetch_add(1, Relaxed) < 10 {
        println!("FAILED: {what}");
    }
}

trait Shape {
    fn area(&self) -> u64;
}
struct Square(u64);
struct Rect(u64, u64);
impl Shape for Square {
    fn area(&self) -> u64 {
        self.0 * self.0
    }
}
impl Shape for Rect {
    fn area(&self) -> u64 {
        self.0 * self.1
    }
}

fn collections() {
    let mut v: Vec<u64> = Vec::new();
    for i in 0..1_000_000u64 {
        v.push(i * 3);
    }
    check(v.iter().enumerate().all(|(i, &x)| x == i as u64 * 3), "Vec of 10^6 survives growth");
    v.truncate(10);
    v.shrink_to_fit();
    check(v == [0, 3, 6, 9, 12, 15, 18, 21, 24, 27], "Vec shrinks");

    let mut s = String::new();
    for i in 0..10_000 {
        s.push_str(if i % 2 == 0 { "crt0" } else { "heap" });
    }
    check(s.len() == 40_000 && s.starts_with("crt0heapcrt0"), "String grows");

    let mut m = BTreeMap::new();
    for i in 0..20_000u32 {
        m.insert(i.wrapping_mul(2_654_435_761), i);
    }
    for i in (0..20_000u32).step_by(2) {
        m.remove(&i.wrapping_mul(2_654_435_761));
    }
    check(m.len() == 10_000 && m.values().all(|v| v % 2 == 1), "BTreeMap inserts and removes");

    let shapes: Vec<Box<dyn Shape>> = (1..=100).map(|i| if i % 2 == 0 { Box::new(Square(i)) as Box<dyn Shape> } else { Box::new(Rect(i, 2)) }).collect();
    let total: u64 = shapes.iter().map(|s| s.area()).sum();
    check(total == (1..=100u64).map(|i| if i % 2 == 0 { i * i } else { 2 * i }).sum(), "Box<dyn Shape>");
}

fn sizes() {
    // Every size class and then some, each block filled and checked.
    let mut blocks: Vec<Vec<u8>> = Vec::new();
    let mut n = 0usize;
    while n <= 8 << 20 {
        blocks.push((0..n).map(|i| (i ^ n) as u8).collect());
        n = if n < 300 { n + 1 } else { n + n / 7 };
    }
    for b in &blocks {
        let n = b.len();
        check(b.iter().enumerate().all(|(i, &x)| x == (i ^ n) as u8), "block contents");
        check((b.as_ptr() as usize).is_multiple_of(16) || n == 0, "16-aligned");
    }
    // Grow one Vec byte by byte past the large threshold, and back.
    let mut v: Vec<u8> = Vec::new();
    for i in 0..(600 << 10) {
        v.push(i as u8);
    }
    check(v.iter().enumerate().all(|(i, &x)| x == i as u8), "Vec<u8> to 600 KiB");
    v.truncate(100);
    v.shrink_to_fit();
    check(v.iter().enumerate().all(|(i, &x)| x == i as u8), "Vec<u8> shrunk to 100");

    for align in [32usize, 64, 4096, 65536, 1 << 20] {
        for size in [1usize, 100, 5000, 200_000] {
            let l = Layout::from_size_align(size, align).unwrap();
            // SAFETY: a non-zero layout; the block is written within it and freed once.
            unsafe {
                let p = alloc::alloc::alloc(l);
                check(!p.is_null() && (p as usize).is_multiple_of(align), "over-aligned layout");
                p.write_bytes(0xa5, size);
                let q = alloc::alloc::realloc(p, l, size * 3);
                check((q as usize).is_multiple_of(align) && *q.add(size - 1) == 0xa5, "over-aligned realloc");
                alloc::alloc::dealloc(q, Layout::from_size_align(size * 3, align).unwrap());
                let z = alloc::alloc::alloc_zeroed(l);
                check(core::slice::from_raw_parts(z, size).iter().all(|&b| b == 0), "alloc_zeroed");
                alloc::alloc::dealloc(z, l);
            }
        }
    }
}

fn c_functions() {
    // SAFETY: the C functions with valid arguments; every block freed once.
    unsafe {
        let p = calloc(1000, 1000);
        check(!p.is_null() && core::slice::from_raw_parts(p, 1_000_000).iter().all(|&b| b == 0), "calloc zeroes");
        free(p);
        let q = malloc(300);
        q.write_bytes(1, 300);
        free(q);
        let r = calloc(300, 1);
        check(core::slice::from_raw_parts(r, 300).iter().all(|&b| b == 0), "calloc zeroes reused memory");
        free(r);
        *__errno_location() = 0;
        // black_box: compilers may assume a malloc whose result is only
        // compared with null succeeds, and drop the call.
        check(black_box(calloc(usize::MAX / 2, 3)).is_null() && *__errno_location() == ENOMEM, "calloc overflow");
        *__errno_location() = 0;
        check(black_box(malloc(1 << 50)).is_null() && *__errno_location() == ENOMEM, "malloc(2^50)");
        let a = realloc(core::ptr::null_mut(), 40);
        check(!a.is_null() && malloc_usable_size(a) >= 40, "realloc(NULL)");
        let b = realloc(a, 0);
        check(!b.is_null(), "realloc(p, 0) gives a minimum block");
        free(b);
        free(core::ptr::null_mut());
        let z = malloc(0);
        check(!z.is_null(), "malloc(0)");
        free(z);
        let mut out = core::ptr::null_mut();
        check(posix_memalign(&mut out, 24, 10) == EINVAL && out.is_null(), "posix_memalign(24)");
        check(posix_memalign(&mut out, 65536, 10) == 0 && (out as usize).is_multiple_of(65536), "posix_memalign(64 KiB)");
        free(out);
        check(posix_memalign(&mut out, 8, 1 << 50) == ENOMEM, "posix_memalign(2^50)");
        let g = aligned_alloc(1 << 21, 3 << 20);
        check(!g.is_null() && (g as usize).is_multiple_of(1 << 21) && malloc_usable_size(g) >= 3 << 20, "aligned_alloc(2 MiB)");
        free(g);
        *__errno_location() = 0;
        check(black_box(aligned_alloc(48, 10)).is_null() && *__errno_location() == EINVAL, "aligned_alloc(48)");
    }
}

/// Blocks the break: maps a page where the break would grow to, so brk
/// fails and the heap must map regions.
fn block_the_break() -> bool {
    const MAP_FIXED_NOREPLACE: usize = 0x100000;
    let brk = crt0::syscall::brk(0);
    let at = (brk + 4095) & !4095;
    let args = [at, 4096, 0, 0x22 | MAP_FIXED_NOREPLACE, usize::MAX, 0];
    // SAFETY: a new mapping at a free address (NOREPLACE: never over one).
    unsafe { crt0::syscall::raw(crt0::syscall::nr::MMAP, args) }.is_ok_and(|a| a == at)
}

fn nobrk() {
    check(block_the_break(), "a page mapped above the break");
    let brk = crt0::syscall::brk(0);
    for round in 0..2 {
        let blocks: Vec<Vec<u64>> = (0..1024).map(|i| alloc::vec![i as u64 ^ round; 8 * 1024]).collect();
        check(blocks.iter().enumerate().all(|(i, b)| b.iter().all(|&x| x == i as u64 ^ round)), "64 MiB in regions");
        let small: Vec<Box<u32>> = (0..10_000).map(Box::new).collect();
        check(small.iter().enumerate().all(|(i, b)| **b == i as u32), "small blocks in regions");
    }
    check(crt0::syscall::brk(0) == brk, "the break did not move");
}

static RAN: AtomicUsize = AtomicUsize::new(0);
static IN_ORDER: AtomicUsize = AtomicUsize::new(1);

/// Handler number `k` (1..=100, in registration order) must run as the
/// `101 - k`th.
///
/// # Safety
/// None needed: `k` is a number, never dereferenced (the signature is
/// the one `atexit_with_arg` takes).
unsafe extern "C" fn numbered(k: *mut u8) {
    let ran_before = RAN.fetch_add(1, Relaxed);
    if k as usize + ran_before != 100 {
        IN_ORDER.store(0, Relaxed);
    }
}

/// Registered first, so it runs last.
extern "C" fn last() {
    println!("atexit: {} handlers ran, last registered first: {}", RAN.load(Relaxed), IN_ORDER.load(Relaxed) == 1);
}

fn atexit() {
    check(crt0::exit::atexit(last).is_ok(), "atexit accepted");
    for k in 1..=100usize {
        check(crt0::exit::atexit_with_arg(numbered, k as *mut u8).is_ok(), "atexit accepted");
    }
}

#[no_mangle]
pub extern "C" fn main(_: i32, _: *const *const u8, _: *const *const u8) -> i32 {
    let mode = crt0::args().get(1).map(|a| a.to_bytes()).unwrap_or(b"alloc");
    match mode {
        b"alloc" => {
            collections();
            sizes();
            c_functions();
        }
        b"nobrk" => nobrk(),
        b"atexit" => atexit(),
        b"try" => {
            let mut v: Vec<u8> = Vec::new();
            check(v.try_reserve(1 << 50).is_err(), "try_reserve(2^50) fails");
            v.push(1);
            check(v == [1], "and the program goes on");
        }
        b"oom" => {
            let v: Vec<u8> = Vec::with_capacity(1 << 50);
            println!("FAILED: got {:p}", v.as_ptr());
            return 1;
        }
        _ => {
            println!("unknown mode");
            return 2;
        }
    }
    let failed = FAILED.load(Relaxed);
    if failed == 0 {
        println!("ok {}", core::str::from_utf8(mode).unwrap_or("?"));
    }
    (failed != 0) as i32
}
