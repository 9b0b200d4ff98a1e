//! Static TLS: alignment honoured exactly, `.tdata` copied, `.tbss` zeroed,
//! the static area used when the block fits and mmap when it does not; C
//! `__thread`; the stack-protector canary.

mod common;
use common::*;

for_each_config! {
    fn rust_tls_alignments_and_sizes(cfg: Config) {
        for (name, align, size, block) in [
            ("tls_64", "64", "100", "static"),
            ("tls_4096", "4096", "100", "mmap"),
            ("tls_65536", "65536", "100", "mmap"),
            ("tls_1mib", "64", "1048576", "mmap"),
            ("tls_64mib", "64", "67108864", "mmap"),
        ] {
            let r = run(cfg, &rust(name, cfg), &[], &[("CRT0_TRACE", "1")]);
            r.assert_exit(0);
            let l = r.line("tls ");
            assert_eq!(field(l, "align").unwrap(), align, "{name}");
            assert_eq!(field(l, "size").unwrap(), size, "{name}");
            for key in ["data_mod", "zeroes_mod"] {
                assert_eq!(field(l, key).unwrap(), "0", "{name}: {key} in {l}");
            }
            for key in ["tdata", "tbss", "writes"] {
                assert_eq!(field(l, key).unwrap(), "true", "{name}: {key} in {l}");
            }
            let trace = r.stderr.lines().find(|l| l.starts_with("crt0: phase=tls")).unwrap();
            assert_eq!(field(trace, "block").unwrap(), block, "{name}: {trace}");
            assert_eq!(field(trace, "align").unwrap(), align, "{name}: {trace}");
        }
    }
}

for_each_config! {
    fn c_thread_variables(cfg: Config) {
        let r = run(cfg, &c_program("tests/c/tls.c", "tls", &[], cfg), &[], &[]);
        r.assert_exit(0);
        let l = r.line("counter");
        for (key, want) in [
            ("counter", "42"),
            ("message_ok", "1"),
            ("tbss_zero", "1"),
            ("align4096", "0"),
            ("align64", "0"),
            ("big_align0", "120"),
            ("counter_after", "43"),
        ] {
            assert_eq!(field(l, key).unwrap(), want, "{key} in {l}");
        }
    }
}

fn canary(cfg: Config) -> u64 {
    let r = run(cfg, &rust("canary", cfg), &[], &[]);
    r.assert_exit(0);
    u64::from_str_radix(r.value("canary", "canary").trim_start_matches("0x"), 16).unwrap()
}

for_each_config! {
    fn canary_comes_from_at_random_with_a_zero_low_byte(cfg: Config) {
        let runs: Vec<u64> = (0..4).map(|_| canary(cfg)).collect();
        for c in &runs {
            assert_eq!(c & 0xff, 0, "low byte zero: {c:#x}");
            assert_ne!(c >> 8, 0, "the rest is random: {c:#x}");
        }
        let mut distinct = runs.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), runs.len(), "differs between runs: {runs:x?}");
    }
}

for_each_config! {
    fn stack_protector_stops_an_overflow(cfg: Config) {
        let p = c_program("tests/c/smash.c", "smash", &["-fstack-protector-all"], cfg);
        // Within bounds: runs normally.
        let r = run(cfg, &p, &[], &[]);
        r.assert_exit(0);
        assert!(r.stdout.contains("returned normally"));
        // 64 bytes into a 16-byte buffer: the canary check fires before return.
        let r = run(cfg, &p, &["overflow"], &[]);
        assert_eq!(r.signal, Some(6), "SIGABRT; {r:?}");
        assert_eq!(r.stderr, "crt0: fatal: stack smashing detected\n");
        assert!(!r.stdout.contains("returned normally"));
    }
}

for_each_native_config! {
    fn without_at_random_the_canary_still_varies(cfg: Config) {
        let hide = [(AT_RANDOM, (AT_IGNORE, 0))];
        let canaries: Vec<u64> = (0..3)
            .map(|_| {
                let r = run_with_auxv(&rust("canary", cfg), &[], &[], &hide);
                r.assert_exit(0);
                u64::from_str_radix(r.value("canary", "canary").trim_start_matches("0x"), 16).unwrap()
            })
            .collect();
        for c in &canaries {
            assert_eq!(c & 0xff, 0);
            assert_ne!(*c, 0);
        }
        assert_ne!(canaries[0], canaries[1], "stack ASLR varies it: {canaries:x?}");
    }
}
