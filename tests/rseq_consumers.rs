//! Code written for glibc's rseq ABI, unmodified, on crt0: a library that
//! decides in a constructor (or lazily, at its first allocation inside one)
//! from glibc's `__rseq_offset`/`__rseq_size` whether the C library
//! registers rseq, and registers an area of its own only when it does not
//! (tests/c/consumer). The same program is built against glibc (`gcc
//! -static`) and with crt0, and must print the same verdicts and results
//! wherever the two runtimes are in the same state: by default, with rseq
//! turned off (`CRT0_RSEQ=0` / `glibc.pthread.rseq=0`), and under a seccomp
//! filter that fails rseq. What only crt0 has (a `dlsym` that finds the
//! symbols in a static program, the owner protocol) is checked on crt0.

mod common;
use common::*;

const PROGRAM: &str = "tests/c/rseq_consumers.c";
const LIBRARY: &str = "tests/c/consumer/rseq_consumer.c";

/// Fewer iterations under qemu-user, whose threads are slow.
fn iterations(cfg: Config) -> &'static str {
    if cfg.native() { "100000" } else { "20000" }
}

/// What the library decides where the C library registers (natively) and
/// where rseq fails with ENOSYS (qemu-user).
fn default_verdict(cfg: Config) -> &'static str {
    if cfg.native() { "libc" } else { "none" }
}

fn check_results(r: &Run, verdict: &str) {
    r.assert_exit(0);
    assert_eq!(r.value("decided", "verdict"), verdict, "{}", r.stdout);
    let registered = if verdict == "none" { "0" } else { "1" };
    assert_eq!(r.value("main", "registered"), registered, "{}", r.stdout);
    assert_eq!(r.value("main", "cpu_matches"), registered, "cpu_id is getcpu's: {}", r.stdout);
    assert_eq!(r.value("ctor_thread", "registered"), registered, "{}", r.stdout);
    let n = r.value("threads", "n");
    assert_eq!(r.value("threads", "registered"), if verdict == "none" { "0" } else { &n }, "{}", r.stdout);
    assert_eq!(r.value("threads", "signals_at_least_100"), "1", "{}", r.stdout);
    assert_eq!(r.value("threads", "exact"), "1", "no add lost: {}", r.stdout);
}

for_each_config! {
    fn a_library_written_for_glibc_sees_the_c_library_own_rseq_as_under_glibc(cfg: Config) {
        for init in ["ctor", "lazy"] {
            let env = [("CONSUMER_INIT", init), ("CONSUMER_ITERS", iterations(cfg))];
            let r = differential(cfg, PROGRAM, &[LIBRARY], &[], &env, b"");
            check_results(&r, default_verdict(cfg));
            let published = if cfg.native() { "1" } else { "0" };
            assert_eq!(r.value("preinit", "size_published"), published);
            assert_eq!(r.value("decided", "size_published"), published);
            assert_eq!(r.value("decided", "lookup"), "weak");
            assert_eq!(r.value("decided", "first_use"), if init == "lazy" { "alloc" } else { "ctor" });
        }
    }
}

for_each_config! {
    fn with_rseq_off_in_the_runtime_the_library_registers_its_own_as_under_glibc(cfg: Config) {
        let env = [("CRT0_RSEQ", "0"), ("GLIBC_TUNABLES", "glibc.pthread.rseq=0"), ("CONSUMER_ITERS", iterations(cfg))];
        let r = differential(cfg, PROGRAM, &[LIBRARY], &[], &env, b"");
        check_results(&r, if cfg.native() { "own" } else { "none" });
        assert_eq!(r.value("preinit", "size_published"), "0");
    }
}

for_each_native_config! {
    fn when_a_filter_fails_rseq_the_library_sees_size_0_before_any_constructor_as_under_glibc(cfg: Config) {
        let glibc = glibc_program(PROGRAM, "rseq_consumers", &[LIBRARY], cfg);
        let crt0 = c_program(PROGRAM, "rseq_consumers", &[LIBRARY], cfg);
        for errno in [38, 1] {
            let env = [("CONSUMER_ITERS", "20000")];
            let theirs = run_without_rseq(&glibc, &[], &env, errno);
            let ours = run_without_rseq(&crt0, &[], &env, errno);
            assert_same_run(&format!("{PROGRAM} with rseq failing with errno {errno}"), &ours, &theirs);
            check_results(&ours, "none");
            assert_eq!(ours.value("decided", "errno"), errno.to_string());
            assert_eq!(ours.value("preinit", "size_published"), "0");
        }
    }
}

for_each_config! {
    fn between_publication_and_registration_cpu_id_reads_minus_1(cfg: Config) {
        // The one place crt0 differs from glibc on purpose: a constructor
        // sees the promise (size > 0) but no CPU yet, and the library's
        // per-CPU add falls back; the size it saw is what crt0 registers.
        let p = c_program(PROGRAM, "rseq_consumers", &[LIBRARY], cfg);
        let r = run(cfg, &p, &[], &[("CONSUMER_VERBOSE", "1"), ("CONSUMER_ITERS", "1000"), ("CRT0_TRACE", "1")]);
        check_results(&r, default_verdict(cfg));
        let publish = r.stderr.lines().find(|l| l.starts_with("crt0: phase=publish")).unwrap();
        let registered = r.stderr.lines().find(|l| l.starts_with("crt0: phase=rseq")).unwrap();
        assert_eq!(field(publish, "owner").unwrap(), "PREINIT");
        if cfg.native() {
            assert_eq!(r.value("verbose", "decide_cpu_id"), "-1");
            assert_eq!(field(publish, "size"), field(registered, "size"), "the promise is what was registered");
            assert_eq!(r.value("verbose", "rseq_size_now"), field(registered, "size").unwrap());
        } else {
            assert_eq!(r.value("verbose", "decide_cpu_id"), "-2", "the probe failed: registration failed");
            assert_eq!(field(publish, "probe").unwrap(), "failed");
        }
    }
}

for_each_config! {
    fn dlsym_finds_glibc_s_rseq_symbols_in_a_static_program(cfg: Config) {
        // librseq's way: only dlsym(RTLD_NEXT, ...). glibc's static dlsym
        // cannot ("RTLD_NEXT used in code not dynamically loaded"); crt0's can.
        let p = c_program(PROGRAM, "rseq_consumers", &[LIBRARY], cfg);
        let r = run(cfg, &p, &[], &[("CONSUMER_LOOKUP", "dlsym"), ("CONSUMER_ITERS", iterations(cfg))]);
        check_results(&r, default_verdict(cfg));
        assert_eq!(r.value("decided", "lookup"), "dlsym");

        let r = run(cfg, &c_program("tests/c/dlfcn.c", "dlfcn", &[], cfg), &[], &[]);
        r.assert_exit(0);
        assert!(!r.stdout.contains("WRONG"), "{}", r.stdout);
        assert_eq!(r.line("after finding them"), "after finding them: (none)");
        assert_eq!(r.line("dlerror again"), "dlerror again: (none)", "dlerror clears the message");
        let errors: Vec<&str> = r.lines().into_iter().filter(|l| l.starts_with("dlerror: ")).collect();
        assert_eq!(
            errors,
            [
                "dlerror: dlsym: symbol not found: a static crt0 program has no dynamic symbol table (dlsym knows __rseq_offset, __rseq_size and __rseq_flags)",
                "dlerror: dlsym: invalid handle: a static crt0 program has only RTLD_DEFAULT, RTLD_NEXT and dlopen(NULL)",
                "dlerror: dlopen: a static crt0 program cannot load shared objects",
                "dlerror: dlclose: invalid handle",
            ]
        );
    }
}

for_each_config! {
    fn a_protocol_aware_library_claims_override_and_the_promise_is_withdrawn(cfg: Config) {
        let p = c_program(PROGRAM, "rseq_consumers_override", &[LIBRARY, "-DPROTOCOL_AWARE"], cfg);
        for init in ["ctor", "lazy"] {
            let env = [("CONSUMER_INIT", init), ("CONSUMER_ITERS", iterations(cfg)), ("CRT0_TRACE", "1"), ("CONSUMER_VERBOSE", "1")];
            let r = run(cfg, &p, &[], &env);
            // The preinit entry saw the promise; the claim withdrew it, so
            // the library registered its own area, and crt0 left its own alone.
            assert_eq!(r.value("preinit", "size_published"), if cfg.native() { "1" } else { "0" });
            assert_eq!(r.value("decided", "claimed"), "1");
            assert_eq!(r.value("decided", "size_published"), "0");
            assert_eq!(r.value("verbose", "rseq_size_now"), "0");
            check_results(&r, if cfg.native() { "own" } else { "none" });
            let registered = r.stderr.lines().find(|l| l.starts_with("crt0: phase=rseq")).unwrap();
            assert_eq!(field(registered, "owner").unwrap(), "OVERRIDE");
            assert_eq!(field(registered, "len").unwrap(), "0");
            assert_eq!(field(registered, "size").unwrap(), "0");
        }
    }
}

for_each_config! {
    fn the_promise_costs_one_probe_only_where_code_runs_before_registration(cfg: Config) {
        // claim.c has a constructor: one probe, then the registration; under
        // qemu-user the probe's ENOSYS is the registration's answer too.
        let p = c_program("tests/c/claim.c", "claim", &[], cfg);
        let rseq_calls = |env: &[(&str, &str)]| syscalls(cfg, &p, env).iter().filter(|c| *c == "rseq").count();
        assert_eq!(rseq_calls(&[]), if cfg.native() { 2 } else { 1 });
        assert_eq!(rseq_calls(&[("CRT0_RSEQ", "0")]), 0);
    }
}
