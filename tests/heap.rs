//! The heap: Rust's collections on crt0's global allocator, C's malloc
//! family under a long random stress and at its edges, allocation failure,
//! atexit past the 32 handlers that fit without a heap, and laziness (a
//! program that never allocates makes no heap system call).

mod common;
use common::*;

// The same workload the `collections` program runs, here under std.
#[path = "programs/src/workload.rs"]
mod workload;

for_each_config! {
    fn rust_collections_report_what_std_reports(cfg: Config) {
        let r = run(cfg, &rust("collections", cfg), &[], &[]);
        r.assert_exit(0);
        let mut expected = String::new();
        workload::report(&mut expected).unwrap();
        assert_eq!(r.stdout, expected);
        // Facts that do not depend on running the workload twice.
        assert_eq!(r.value("vec", "primes"), "17984", "pi(200,000)");
        assert_eq!(r.value("vec", "sorted"), "true");
        assert_eq!(r.value("string", "ok"), "true");
        assert_eq!(r.value("btree", "total"), "200000");
        assert_eq!(r.value("dyn", "shapes"), "3000");
    }
}

/// Operations of the C stress run, on every configuration: about 1.7 s
/// natively and 5 s under qemu-user.
const STRESS_OPS: u64 = 1_000_000;

for_each_config! {
    fn c_stress_keeps_every_block_intact(cfg: Config) {
        let ops = STRESS_OPS;
        let p = c_program("tests/c/stress.c", "stress", &[], cfg);
        let r = run(cfg, &p, &["1", &ops.to_string()], &[]);
        r.assert_exit(0);
        let count = |key: &str| r.value("ops", key).parse::<u64>().unwrap();
        assert_eq!(count("failures"), 0, "{}", r.stdout);
        assert_eq!(count("ops"), ops);
        assert_eq!(count("malloc") + count("calloc") + count("realloc") + count("free"), ops);
        // Every kind of operation ran often, over the whole range of sizes.
        for kind in ["malloc", "calloc", "realloc", "free"] {
            assert!(count(kind) > ops / 20, "{kind}: {}", r.stdout);
        }
        assert_eq!((count("min_size"), count("max_size")), (1, 1 << 20));
        assert!(count("max_live") > 10 << 20, "{}", r.stdout);
    }
}

for_each_config! {
    fn c_malloc_family_at_its_edges(cfg: Config) {
        // -fno-builtin: gcc must not reason about malloc's results (it may
        // assume two blocks differ, or fold a failed call away).
        let p = c_program("tests/c/heap_edges.c", "heap_edges", &["-fno-builtin"], cfg);
        let r = run(cfg, &p, &[], &[]);
        r.assert_exit(0);
        assert_eq!(r.line("checks"), "checks=203 failures=0 ");
        // Zero sizes, as crt/crt0.h documents them: malloc(0), calloc(0, n)
        // and aligned_alloc(a, 0) give a unique minimum-size block that free
        // accepts; realloc(p, 0) frees p and returns such a block (glibc
        // returns NULL instead; both are allowed), leaving errno alone.
        assert_eq!(r.line("malloc0"), "malloc0=1 calloc0=1 realloc0=1 realloc0_errno=0 aligned_alloc0=1 ");
        let aligns: Vec<String> = (4..=16).chain([20]).map(|b| format!("align={}", 1u64 << b)).collect();
        assert_eq!(r.line("align="), format!("{} ", aligns.join(" ")));
    }
}

for_each_config! {
    fn rust_allocation_failure_is_fatal_and_names_the_size(cfg: Config) {
        let p = rust("oom", cfg);
        for (mode, bytes) in [("vec", 1u64 << 50), ("zeroed", 1 << 50), ("grow", (1 << 50) + 10)] {
            let r = run(cfg, &p, &[mode], &[]);
            r.assert_exit(127);
            assert_eq!(r.stdout, "before\n", "{mode}");
            assert_eq!(r.stderr, format!("crt0: fatal: out of memory allocating {bytes} bytes\n"), "{mode}");
        }
        // The fallible API reports the failure and the program goes on.
        let r = run(cfg, &p, &["try"], &[]);
        r.assert_exit(0);
        assert_eq!(r.lines(), ["before", "try_reserve failed=true", "then len=1000 sum=7000"]);
    }
}

for_each_config! {
    fn a_thousand_atexit_handlers_run_in_reverse_order(cfg: Config) {
        let runs = [
            ("rust", run(cfg, &rust("atexit_many", cfg), &[], &[])),
            ("c", run(cfg, &c_program("tests/c/atexit_many.c", "atexit_many", &[], cfg), &[], &[])),
        ];
        for (lang, r) in runs {
            r.assert_exit(0);
            let lines: Vec<String> = r.lines().iter().map(|l| l.trim_end().to_string()).collect();
            assert_eq!(lines, ["registered=1001 refused=0", "ran=1000 out_of_order=0 next=-1"], "{lang}");
        }
    }
}

/// The system calls that get or give back memory.
const HEAP_CALLS: [&str; 4] = ["brk", "mmap", "munmap", "mremap"];

for_each_config! {
    fn a_program_that_never_allocates_makes_no_heap_system_call(cfg: Config) {
        let idle = [
            rust("order", cfg),
            example("hello", cfg),
            c_program("examples/c/hello.c", "hello", &[], cfg),
        ];
        for p in &idle {
            let calls = syscalls(cfg, p, &[]);
            assert!(!calls.iter().any(|c| HEAP_CALLS.contains(&c.as_str())), "{}: {calls:?}", p.display());
        }
        // The same trace does see a heap where there is one.
        let busy = [rust("collections", cfg), c_program("tests/c/atexit_many.c", "atexit_many", &[], cfg)];
        for p in &busy {
            let calls = syscalls(cfg, p, &[]);
            assert!(calls.iter().any(|c| HEAP_CALLS.contains(&c.as_str())), "{}: {calls:?}", p.display());
        }
    }
}

for_each_config! {
    fn the_rust_heap_checks_itself_and_grows_past_a_blocked_break(cfg: Config) {
        // `alloc`: collections up to 8 MiB, over-aligned layouts and the C
        // family from Rust, each checked; `nobrk`: a mapping placed right
        // above the break makes brk fail, so the heap must go on in mapped
        // regions (64 MiB allocated, freed, allocated again).
        for mode in ["alloc", "nobrk"] {
            let r = run(cfg, &rust("heap_smoke", cfg), &[mode], &[]);
            r.assert_exit(0);
            assert!(r.stdout.lines().any(|l| l == format!("ok {mode}")), "{mode}: {}", r.stdout);
        }
    }
}
