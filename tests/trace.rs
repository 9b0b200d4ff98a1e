//! CRT0_TRACE=1: one line per phase, in order, in the documented format;
//! and without it, no trace and no extra system call.

mod common;
use common::*;

const PHASES: [&str; 12] = [
    "args",
    "tls",
    "preinit",
    "irelative",
    "resolvers",
    "publish",
    "relro",
    "preinit_array",
    "init_array",
    "rseq",
    "main",
    "exit",
];

/// Checks one trace line's shape and returns (phase, keys in order).
fn parse(line: &str) -> (String, Vec<(String, String)>) {
    let rest = line.strip_prefix("crt0: phase=").unwrap_or_else(|| panic!("bad prefix: {line:?}"));
    let mut words = rest.split(' ');
    let phase = words.next().unwrap().to_string();
    assert!(!phase.is_empty() && phase.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{line:?}");
    let pairs: Vec<(String, String)> = words
        .map(|w| {
            let (k, v) = w.split_once('=').unwrap_or_else(|| panic!("not key=value: {w:?} in {line:?}"));
            assert!(!k.is_empty() && k.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{line:?}");
            assert!(!v.is_empty(), "{line:?}");
            (k.to_string(), v.to_string())
        })
        .collect();
    let n = pairs.len();
    assert!(n >= 2, "{line:?}");
    assert_eq!(pairs[n - 2].0, "owner", "{line:?}");
    assert!(["UNSET", "PREINIT", "LIBC", "OVERRIDE"].contains(&pairs[n - 2].1.as_str()), "{line:?}");
    assert_eq!(pairs[n - 1].0, "rseq", "{line:?}");
    assert!(["no-tls", "unregistered", "registered", "failed", "disabled"].contains(&pairs[n - 1].1.as_str()), "{line:?}");
    (phase, pairs)
}

fn trace_lines(r: &Run) -> Vec<(String, Vec<(String, String)>)> {
    r.stderr.lines().filter(|l| l.starts_with("crt0: ")).map(parse).collect()
}

fn get<'a>(pairs: &'a [(String, String)], key: &str) -> &'a str {
    &pairs.iter().find(|(k, _)| k == key).unwrap_or_else(|| panic!("no {key} in {pairs:?}")).1
}

for_each_config! {
    fn trace_has_one_line_per_phase_in_order(cfg: Config) {
        let r = run(cfg, &rust("order", cfg), &["9", "x"], &[("CRT0_TRACE", "1"), ("A", "1")]);
        r.assert_exit(9);
        let t = trace_lines(&r);
        let phases: Vec<&str> = t.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(phases, PHASES, "{}", r.stderr);
        let by = |p: &str| &t.iter().find(|(q, _)| q == p).unwrap().1;
        assert_eq!(get(by("args"), "argc"), "3");
        assert_eq!(get(by("args"), "envc"), "2");
        assert_eq!(get(by("args"), "rseq"), "no-tls");
        assert_eq!(get(by("tls"), "owner"), "UNSET");
        let tp = match cfg.arch() {
            Arch::X86_64 if has_fsgsbase() => "wrfsbase",
            Arch::X86_64 => "arch_prctl",
            Arch::Aarch64 => "msr",
            Arch::Riscv64 => "mv",
        };
        assert_eq!(get(by("tls"), "tp"), tp);
        assert_eq!(get(by("preinit"), "owner"), "PREINIT");
        assert_eq!(get(by("preinit"), "rseq"), "unregistered");
        assert_eq!(get(by("resolvers"), "count"), "1");
        // x86_64 runs CPUID 4 times for the first feature question; aarch64
        // reads its features from AT_HWCAP/AT_HWCAP2 and runs nothing;
        // riscv64 asks riscv_hwprobe once (ENOSYS under qemu-user 7.2).
        let detections = match cfg.arch() {
            Arch::X86_64 => "4",
            Arch::Aarch64 => "0",
            Arch::Riscv64 => "1",
        };
        assert_eq!(get(by("resolvers"), "cpuid"), detections);
        // Every program crt0 links has RELRO (at least the constructor
        // arrays), a whole number of pages once rounded.
        // The promise is published before `.preinit_array`, after one probe
        // (the program has constructors): the feature size natively, and
        // under qemu-user, which has no rseq, nothing.
        let publish = by("publish");
        assert_eq!(get(publish, "owner"), "PREINIT");
        assert_eq!(get(publish, "rseq"), "unregistered");
        assert_eq!(get(publish, "offset"), get(by("tls"), "rseq_offset"));
        if cfg.native() {
            assert_eq!(get(publish, "probe"), "passed");
            assert_eq!(get(publish, "size"), get(by("rseq"), "size"));
            assert_ne!(get(publish, "size"), "0");
        } else {
            assert_eq!(get(publish, "probe"), "failed");
            assert_eq!(get(publish, "errno"), "38");
            assert_eq!(get(publish, "size"), "0");
        }
        let relro: usize = get(by("relro"), "size").parse().unwrap();
        assert!(relro > 0 && relro % 4096 == 0, "relro size {relro}");
        assert_eq!(get(by("relro"), "owner"), "PREINIT");
        assert_eq!(get(by("preinit_array"), "count"), "1");
        assert_eq!(get(by("init_array"), "count"), init_array_count(cfg, 3));
        assert_eq!(get(by("init_array"), "init"), "1");
        let rseq = by("rseq");
        assert_eq!(get(rseq, "owner"), "LIBC");
        if cfg.native() {
            assert_eq!(get(rseq, "rseq"), "registered");
            assert!(get(rseq, "cpu").parse::<u32>().is_ok());
            assert_eq!(get(rseq, "len"), "32");
        } else {
            assert_eq!(get(rseq, "rseq"), "failed");
            assert_eq!(get(rseq, "cpu"), "-2");
            assert_eq!(get(rseq, "errno"), "38");
        }
        assert_eq!(get(by("exit"), "status"), "9");
        assert_eq!(get(by("exit"), "fini_array"), "2");
    }
}

for_each_config! {
    fn trace_shows_ifunc_counts_for_c(cfg: Config) {
        let r = run(cfg, &c_program("tests/c/order.c", "order", &[], cfg), &[], &[("CRT0_TRACE", "1")]);
        let t = trace_lines(&r);
        let by = |p: &str| &t.iter().find(|(q, _)| q == p).unwrap().1;
        assert_eq!(get(by("irelative"), "count"), "1");
        assert_eq!(get(by("irelative"), "owner"), "PREINIT");
        assert_eq!(get(by("resolvers"), "cpuid"), "0", "no crt0 resolver asked for a CPU feature");
        // Three constructors of the program, and on x86_64 libgcc's
        // __cpu_indicator_init, which __builtin_cpu_init pulls in.
        let program = if cfg.arch() == Arch::X86_64 { 4 } else { 3 };
        assert_eq!(get(by("init_array"), "count"), init_array_count(cfg, program));
        assert_eq!(r.value("rseq_size", "cpuid_runs"), "0");
    }
}

for_each_config! {
    fn disabled_state_shows_in_the_trace(cfg: Config) {
        let r = run(cfg, &rust("order", cfg), &[], &[("CRT0_TRACE", "1"), ("CRT0_RSEQ", "0")]);
        let t = trace_lines(&r);
        assert_eq!(t.len(), PHASES.len());
        for (phase, pairs) in t.iter().skip(1) {
            assert_eq!(get(pairs, "owner"), "UNSET", "{phase}");
            assert_eq!(get(pairs, "rseq"), "disabled", "{phase}");
        }
        // Nothing promised, nothing probed.
        let publish = &t.iter().find(|(p, _)| p == "publish").unwrap().1;
        assert_eq!((get(publish, "size"), get(publish, "probe")), ("0", "none"));
    }
}

/// `.init_array` entries of a program with `program` constructors: on
/// aarch64-unknown-linux-gnu, Rust's compiler_builtins adds two (priority
/// 90) that detect LSE atomics for its out-of-line atomics; they run in
/// PREINIT like any constructor and read AT_HWCAP through crt0's getauxval.
fn init_array_count(cfg: Config, program: usize) -> String {
    let runtime = if cfg.base() == Config::Aarch64Host { 2 } else { 0 };
    (program + runtime).to_string()
}

fn has_fsgsbase() -> bool {
    std::fs::read_to_string("/proc/cpuinfo").unwrap().split_whitespace().any(|w| w == "fsgsbase")
}

for_each_config! {
    fn without_trace_hello_makes_only_the_necessary_system_calls(cfg: Config) {
        let hello = c_program("examples/c/hello.c", "hello", &[], cfg);
        let calls = syscalls(cfg, &hello, &[]);
        // x86_64 sets the thread pointer with wrfsbase where the kernel
        // allows it, else arch_prctl; aarch64 with msr, no system call.
        // Then one mprotect makes RELRO read-only, except in C programs
        // GNU ld links for aarch64-none: without .got.plt its aarch64
        // script lets RELRO run into .data's page, which must stay writable
        // (static-PIE has .dynamic in RELRO, which fills the page).
        // The rseq call is phase 6's registration, except on the aarch64
        // host target: there Rust's precompiled compiler_builtins brings two
        // constructors (LSE atomics, CPU features), so crt0 probes before
        // publishing its promise, and under qemu-user, where the probe
        // fails with ENOSYS, phase 6 makes no second attempt.
        let probe = cfg.base() == Config::Aarch64Host;
        let mut expected = vec!["execve"];
        if cfg.arch() == Arch::X86_64 && !has_fsgsbase() {
            expected.push("arch_prctl");
        }
        if probe {
            expected.push("rseq");
        }
        if cfg != Config::Aarch64None {
            expected.push("mprotect");
        }
        if !probe {
            expected.push("rseq");
        }
        expected.extend(["write", "exit_group"]);
        assert_eq!(calls, expected);
        // No constructor, so no code can read `__rseq_size` before crt0
        // registers: the promise is published without a probe.
        let t = trace_lines(&run(cfg, &hello, &[], &[("CRT0_TRACE", "1")]));
        let publish = &t.iter().find(|(p, _)| p == "publish").unwrap().1;
        assert_eq!(get(publish, "probe"), if probe { "failed" } else { "skipped" });
        // Tracing writes once per phase to stderr and nothing else.
        let calls = syscalls(cfg, &hello, &[("CRT0_TRACE", "1")]);
        let writes = calls.iter().filter(|c| *c == "write").count();
        assert_eq!(writes, 1 + PHASES.len(), "{calls:?}");
    }
}

for_each_native_config! {
    fn without_fsgsbase_the_thread_pointer_is_set_with_arch_prctl(cfg: Config) {
        let clear = [(AT_HWCAP2, (AT_HWCAP2, 0))];
        for p in [rust("order", cfg), c_program("tests/c/tls.c", "tls", &[], cfg)] {
            let r = run_with_auxv(&p, &[], &[("CRT0_TRACE", "1")], &clear);
            r.assert_exit(0);
            let tls = r.stderr.lines().find(|l| l.starts_with("crt0: phase=tls")).unwrap();
            assert_eq!(field(tls, "tp").unwrap(), "arch_prctl", "{}", r.stderr);
        }
        // And TLS works through it.
        let r = run_with_auxv(&c_program("tests/c/tls.c", "tls", &[], cfg), &[], &[], &clear);
        assert_eq!(r.value("counter", "counter_after"), "43");
    }
}

for_each_native_config! {
    fn a_failed_registration_shows_in_the_trace(cfg: Config) {
        let r = run_without_rseq(&rust("order", cfg), &[], &[("CRT0_TRACE", "1")], 38);
        let t = trace_lines(&r);
        assert_eq!(get(&t.iter().find(|(q, _)| q == "main").unwrap().1, "rseq"), "failed");
    }
}
