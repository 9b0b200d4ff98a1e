//! The owner protocol's other two sequences. With `CLAIM=ctor` a
//! constructor claims rseq registration (OVERRIDE) and registers its own
//! area; with `CLAIM=main`, `main` tries to. Run with or without
//! `CRT0_RSEQ=0` to start from UNSET or from PREINIT.
#![no_std]
#![no_main]

use core::cell::UnsafeCell;
use crt0::println;
use crt0_test_programs::{cpu_id, owner};

/// The overriding library's own rseq area.
#[repr(C, align(32))]
struct Area(UnsafeCell<[u32; 8]>);
// SAFETY: only the main thread uses it; the kernel writes it.
unsafe impl Sync for Area {}
static OWN_AREA: Area = Area(UnsafeCell::new([0, u32::MAX, 0, 0, 0, 0, 0, 0]));

fn claim_and_register(who: &str) {
    let before = owner();
    let claimed = crt0::rseq::owner::claim_override();
    let mut registered = false;
    if claimed {
        // SAFETY: a static, 32-aligned, 32-byte area that lives forever.
        registered = unsafe { crt0::syscall::rseq(OWN_AREA.0.get().cast(), 32, 0, crt0::rseq::SIG) }.is_ok();
    }
    println!("{} claim before={} claimed={} registered={} after={}", who, before, claimed, registered, owner());
}

extern "C" fn ctor(_: i32, _: *const *const u8, _: *const *const u8) {
    if crt0::var("CLAIM").is_some_and(|v| v.to_bytes() == b"ctor") {
        claim_and_register("ctor");
    }
}
#[used]
#[link_section = ".init_array"]
static CTOR: extern "C" fn(i32, *const *const u8, *const *const u8) = ctor;

#[no_mangle]
pub extern "C" fn main(_: i32, _: *const *const u8, _: *const *const u8) -> i32 {
    if crt0::var("CLAIM").is_some_and(|v| v.to_bytes() == b"main") {
        claim_and_register("main");
    }
    // SAFETY: reading the kernel-written field of our own area.
    let own_cpu = unsafe { (OWN_AREA.0.get() as *const i32).add(1).read_volatile() };
    println!(
        "main owner={} crt0_cpu_id={} own_cpu_id={} rseq_size={}",
        owner(),
        cpu_id(),
        own_cpu,
        crt0::rseq::__rseq_size.load(core::sync::atomic::Ordering::Relaxed)
    );
    0
}
