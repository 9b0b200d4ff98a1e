//! Prints one line from every start-up hook, in the order crt0 runs them,
//! with the rseq owner and cpu_id each one sees. The test checks the order
//! and the states. `order STATUS` exits with STATUS.
#![no_std]
#![no_main]

use crt0::println;
use crt0_test_programs::{cpu_id, getcpu, owner, parse, pin_to, POPCOUNT};

type Init = extern "C" fn(i32, *const *const u8, *const *const u8);

extern "C" fn preinit(argc: i32, _: *const *const u8, _: *const *const u8) {
    println!("preinit_array argc={} owner={} cpu_id={}", argc, owner(), cpu_id());
}
#[used]
#[link_section = ".preinit_array"]
static PREINIT: Init = preinit;

#[no_mangle]
extern "C" fn _init() {
    println!("_init owner={}", owner());
}

extern "C" fn ctor_101(argc: i32, _: *const *const u8, _: *const *const u8) {
    println!("init_array priority=101 argc={} owner={} cpu_id={}", argc, owner(), cpu_id());
}
extern "C" fn ctor_102(_: i32, _: *const *const u8, _: *const *const u8) {
    println!("init_array priority=102 owner={}", owner());
}
extern "C" fn ctor_default(_: i32, _: *const *const u8, _: *const *const u8) {
    println!("init_array priority=default owner={} cpu_id={}", owner(), cpu_id());
}
// Listed in the source in the wrong order: the linker sorts by priority.
#[used]
#[link_section = ".init_array"]
static CTOR_DEFAULT: Init = ctor_default;
#[used]
#[link_section = ".init_array.00102"]
static CTOR_102: Init = ctor_102;
#[used]
#[link_section = ".init_array.00101"]
static CTOR_101: Init = ctor_101;

extern "C" fn fini_1() {
    println!("fini_array 1");
}
extern "C" fn fini_2() {
    println!("fini_array 2");
}
#[used]
#[link_section = ".fini_array"]
static FINI: [extern "C" fn(); 2] = [fini_1, fini_2];

#[no_mangle]
extern "C" fn _fini() {
    println!("_fini");
}

fn popcount_hw(x: u64) -> u32 {
    x.count_ones()
}
fn popcount_sw(mut x: u64) -> u32 {
    let mut n = 0;
    while x != 0 {
        x &= x - 1;
        n += 1;
    }
    n
}

crt0::ifunc! {
    /// Resolved once during PREINIT; the resolver reports what it sees.
    fn popcount(x: u64) -> u32 = |cpu: &crt0::ifunc::Cpu| {
        let hw = cpu.has(POPCOUNT);
        println!("resolver owner={} cpu_id={} popcnt={}", owner(), cpu_id(), hw);
        if hw { popcount_hw } else { popcount_sw }
    };
}

extern "C" fn atexit_1() {
    println!("atexit 1");
}
extern "C" fn atexit_2() {
    println!("atexit 2");
}
extern "C" fn atexit_3() {
    println!("atexit 3");
}

#[no_mangle]
pub extern "C" fn main(argc: i32, _argv: *const *const u8, _envp: *const *const u8) -> i32 {
    let args = crt0::args();
    let cpu = getcpu();
    let pinned = cpu >= 0 && pin_to(cpu as u32);
    // After pinning, the kernel updates cpu_id on the next return to user
    // space, which the pin syscall itself provides.
    println!(
        "main argc={} owner={} cpu_id={} getcpu={} pinned={} popcount={}",
        argc, owner(), cpu_id(), getcpu(), pinned, popcount(0xf0f0)
    );
    println!(
        "rseq offset={} size={} flags={} registered_len={}",
        crt0::rseq::__rseq_offset.load(core::sync::atomic::Ordering::Relaxed),
        crt0::rseq::__rseq_size.load(core::sync::atomic::Ordering::Relaxed),
        crt0::rseq::__rseq_flags.load(core::sync::atomic::Ordering::Relaxed),
        crt0::rseq::registered_len()
    );
    for (i, a) in args.iter().enumerate() {
        println!("arg {}={}", i, a.to_str().unwrap_or("?"));
    }
    if let Some(v) = crt0::var("ORDER_ENV") {
        println!("env ORDER_ENV={}", v.to_str().unwrap_or("?"));
    }
    println!("cpuid_runs={}", crt0::ifunc::cpuid_runs());
    for f in [atexit_1, atexit_2, atexit_3] {
        crt0::exit::atexit(f).expect("atexit");
    }
    println!("main returns");
    args.get(1).and_then(|s| parse(s.to_bytes())).unwrap_or(0)
}
