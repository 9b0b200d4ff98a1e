//! crt0::percpu: the operations on one thread (rseq path natively, the
//! fallback under qemu-user, with `CRT0_RSEQ=0` and under a seccomp filter,
//! and from a constructor), the C API, and the stress test (tests/programs
//! percpu_stress) with 2x the CPUs and with 64 threads, under timer
//! signals, sched_yield and affinity changes, on the rseq path, the
//! fallback, and both at once. tests/kernel.rs runs the stress under a
//! real arm64 kernel.

mod common;
use common::*;

/// Checks what the `percpu` program printed; `registered` says which path
/// main took.
fn check_single_thread(r: &Run, registered: bool) {
    r.assert_exit(0);
    assert_eq!(r.line("ctor"), "ctor cpu=None sum=3 empty=false", "constructors run unregistered: the fallback");
    let main = r.line("main");
    assert_eq!(field(main, "pinned").unwrap(), "true");
    assert_eq!(field(main, "current_cpu").unwrap(), "0", "{main}");
    assert_eq!(field(main, "getcpu").unwrap(), "0", "{main}");
    assert_eq!(field(main, "rseq_cpu").unwrap(), if registered { "Some(0)" } else { "None" }, "{main}");
    let possible: u32 = field(main, "possible").unwrap().parse().unwrap();
    assert!((1..=4096).contains(&possible), "{main}");
    if !registered {
        assert_eq!(field(main, "node_id").unwrap(), "None");
        assert_eq!(field(main, "mm_cid").unwrap(), "None");
    }
    // What the constructor left on the fallback path, main finds on its own.
    assert_eq!(r.line("early"), "early sum=13 popped=Some(42),Some(41)");
    assert_eq!(r.line("counter sum"), format!("counter sum=500507 slot=true on_cpu=500507 fallback_slot=true slots={possible}"));
    assert_eq!(r.line("counter back"), "counter back_to_zero=true");
    assert_eq!(
        r.line("words current"),
        "words current_cpu=true current=7 store=Ok(true) stale=Err((true, 8)) load=8 others=true"
    );
    assert_eq!(r.line("words fallback"), "words fallback_store=Ok(true) fallback_stale=Err(10) load=10");
    assert_eq!(
        r.line("stack"),
        "stack lifo=true popped=100 empty_after=true stolen_empty=true mixed=Some(8),Some(7) drained=[10, 9]"
    );
    assert_eq!(r.line("rseq_cs"), "rseq_cs aligned=true", "the area points at a descriptor or nothing");
    assert_eq!(r.line("descriptors"), "descriptors aligned=true ok=true any=true", "signature before every abort handler");
}

for_each_config! {
    fn operations_on_one_thread(cfg: Config) {
        let p = rust("percpu", cfg);
        check_single_thread(&run(cfg, &p, &[], &[]), cfg.native());
        check_single_thread(&run(cfg, &p, &[], &[("CRT0_RSEQ", "0")]), false);
        if cfg.native() {
            // A container's seccomp policy: registration fails, the fallback runs.
            check_single_thread(&run_without_rseq(&p, &[], &[], libc::ENOSYS), false);
        }
    }
}

for_each_config! {
    fn c_api(cfg: Config) {
        let p = c_program("tests/c/percpu.c", "percpu", &[], cfg);
        for env in [&[][..], &[("CRT0_RSEQ", "0")][..]] {
            let r = run(cfg, &p, &[], env);
            r.assert_exit(0);
            let possible = r.value("cpu=", "possible");
            assert_eq!(r.lines()[0].trim_end(), format!("cpu=0 possible={possible} ctor_cpu_id=-1 early_sum=150"));
            assert_eq!(r.lines()[1].trim_end(), "store_cpu_ok=1 seen=5 stale_seen=6 load=6 load_bad_cpu=0");
            assert_eq!(r.lines()[2].trim_end(), "popped=50 lifo=1 pop_from_other=0 pop_from_own=1");
        }
    }
}

/// Runs the stress program with `iters` iterations per thread (5x more
/// natively than under qemu-user, where every instruction is emulated) and
/// the other parameters `rest`, and checks that everything added up.
fn stress(cfg: Config, iters: u32, rest: &str, env: &[(&str, &str)], registered: bool) -> Run {
    let iters = if cfg.native() { 5 * iters } else { iters };
    let args = &format!("iters={iters},{rest}");
    let r = run(cfg, &rust("percpu_stress", cfg), &[args], env);
    assert!(r.stdout.contains("stress ok=true"), "{args}:\n{}\n{}", r.stdout, r.stderr);
    r.assert_exit(0);
    assert_eq!(r.value("stress threads", "registered"), registered.to_string(), "{}", r.stdout);
    let signals: u64 = r.value("counter", "handler_adds").parse().unwrap();
    assert!(signals > 0, "the timers fired: {}", r.stdout);
    r
}

for_each_config! {
    fn stress_with_twice_as_many_threads_as_cpus(cfg: Config) {
        let r = stress(cfg, 20000, "timer=100", &[], cfg.native());
        let threads: usize = r.value("stress", "threads").parse().unwrap();
        let cpus: usize = r.value("stress", "cpus").parse().unwrap();
        assert_eq!(threads, 2 * cpus);
        assert_eq!(r.value("events", "timers"), threads.to_string());
    }
}

for_each_config! {
    fn stress_with_64_threads(cfg: Config) {
        stress(cfg, 2000, "threads=64,timer=500,nodes=256", &[], cfg.native());
    }
}

for_each_config! {
    fn stress_mixing_the_rseq_path_and_the_fallback(cfg: Config) {
        // Odd threads take the fallback paths on the same structures as the
        // registered even ones: the lock and membarrier keep them apart.
        stress(cfg, 10000, "mixed=1,timer=200", &[], cfg.native());
    }
}

for_each_config! {
    fn stress_on_the_fallback_with_crt0_rseq_0(cfg: Config) {
        let r = stress(cfg, 20000, "timer=100", &[("CRT0_RSEQ", "0")], false);
        assert_eq!(r.value("events", "aborts"), "0", "no critical section ran");
        let r = stress(cfg, 2000, "threads=64,timer=500", &[("CRT0_RSEQ", "0")], false);
        assert_eq!(r.value("events", "aborts"), "0");
    }
}
