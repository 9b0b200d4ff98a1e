//! Why a resolver must not decide anything from rseq. Resolvers (C IFUNC
//! and `crt0::ifunc!`) run in phase 4, while the owner is PREINIT and the
//! area is not registered: cpu_id is -1 and `__rseq_size` 0. A resolver
//! that asked "is rseq usable?" would always hear no and bind the slow path
//! for the whole run; one that indexed a per-CPU table with cpu_id would
//! index it with -1. So this resolver binds a function that looks at
//! cpu_id on every call and falls back to getcpu while it is negative
//! (`crt0::percpu::current_cpu`), and calls it once to show the fallback.
//!
//! ```sh
//! CRT0_TRACE=1 cargo run -q --release -p crt0-examples --bin resolver_rseq
//! ```
#![no_std]
#![no_main]

#[path = "../preloaded.rs"]
mod preloaded;
use crt0::eprintln;
use preloaded::report;

/// Where the calling thread runs: rseq's cpu_id when registered, getcpu
/// otherwise. The check costs one compare of a word already in cache.
fn cpu_checked() -> u32 {
    crt0::percpu::current_cpu()
}

crt0::ifunc! {
    fn this_cpu() -> u32 = |_: &crt0::ifunc::Cpu| {
        report("resolver");
        let registered = crt0::rseq::cpu_id().is_some_and(|c| c >= 0);
        // Binding by `registered` would pick the slow path for good.
        eprintln!(
            "  [resolver] rseq_usable={} binds=cpu_checked cpu_checked()={} (from getcpu)",
            registered,
            crt0::percpu::current_cpu()
        );
        cpu_checked
    };
}

fn main(_: crt0::Args) {
    report("main");
    let from_rseq = crt0::percpu::cpu().is_some();
    eprintln!("  [main] this_cpu()={} from_rseq={}", this_cpu(), from_rseq);
}

crt0::main!(main);
