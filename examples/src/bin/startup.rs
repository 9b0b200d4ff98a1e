//! The start-up order, shown from inside a program. Every hook a program
//! can have prints what it sees (the rseq owner and this thread's rseq
//! cpu_id) on stderr; run it with `CRT0_TRACE=1` and crt0's own phase lines
//! appear between them, in order:
//!
//! ```sh
//! CRT0_TRACE=1 cargo run -q --release -p crt0-examples --bin startup
//! ```
#![no_std]
#![no_main]

use crt0::{eprintln, ifunc::Features};

fn says(hook: &str) {
    let owner = crt0::rseq::owner::name(crt0::rseq::owner::get());
    eprintln!("  [{}] owner={} cpu_id={}", hook, owner, crt0::rseq::cpu_id().unwrap_or(-1));
}

// An IFUNC-style function: its implementation is chosen once, at start-up.
fn count_hw(x: u64) -> u32 {
    x.count_ones()
}
fn count_sw(mut x: u64) -> u32 {
    let mut n = 0;
    while x != 0 {
        x &= x - 1;
        n += 1;
    }
    n
}
/// The feature behind a population-count instruction: POPCNT on x86_64,
/// CNT (Advanced SIMD) on aarch64, cpop (Zbb) on riscv64.
#[cfg(target_arch = "x86_64")]
const POPCOUNT: Features = Features::POPCNT;
#[cfg(target_arch = "aarch64")]
const POPCOUNT: Features = Features::ASIMD;
#[cfg(target_arch = "riscv64")]
const POPCOUNT: Features = Features::ZBB;
crt0::ifunc! {
    fn count_ones(x: u64) -> u32 = |cpu: &crt0::ifunc::Cpu| {
        says("resolver: picks count_ones by CPU feature");
        if cpu.has(POPCOUNT) { count_hw } else { count_sw }
    };
}

type Init = extern "C" fn(i32, *const *const u8, *const *const u8);

extern "C" fn preinit(_: i32, _: *const *const u8, _: *const *const u8) {
    says(".preinit_array");
}
#[used]
#[link_section = ".preinit_array"]
static PREINIT: Init = preinit;

extern "C" fn constructor(_: i32, _: *const *const u8, _: *const *const u8) {
    says(".init_array: a constructor (it could claim rseq here)");
}
#[used]
#[link_section = ".init_array"]
static CONSTRUCTOR: Init = constructor;

extern "C" fn finaliser() {
    eprintln!("  [.fini_array]");
}
#[used]
#[link_section = ".fini_array"]
static FINALISER: extern "C" fn() = finaliser;

extern "C" fn at_exit() {
    eprintln!("  [atexit handler]");
}

fn main(args: crt0::Args) -> Result<(), &'static str> {
    says("main: crt0 registered rseq");
    eprintln!(
        "  [main] __rseq_offset={} __rseq_size={} count_ones(0xff)={} args={}",
        crt0::rseq::__rseq_offset.load(core::sync::atomic::Ordering::Relaxed),
        crt0::rseq::__rseq_size.load(core::sync::atomic::Ordering::Relaxed),
        count_ones(0xff),
        args.len()
    );
    crt0::exit::atexit(at_exit).map_err(|_| "atexit table full")?;
    Ok(())
}

crt0::main!(main);
