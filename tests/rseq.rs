//! rseq(2) and the registration owner protocol: the three start-up
//! sequences of the 2019 proposal, registration failures, and what is
//! published in `__rseq_offset`/`__rseq_size`/`__rseq_flags`. Natively the
//! kernel registers; under qemu-user (aarch64) rseq fails with ENOSYS, and
//! tests/kernel.rs checks aarch64 registration under a real kernel.

mod common;
use common::*;

/// The kernel's feature size for this machine (AT_RSEQ_FEATURE_SIZE), or
/// 20 (the original ABI) when it reports none.
fn kernel_feature_size() -> String {
    let auxv = std::fs::read("/proc/self/auxv").unwrap();
    let words: Vec<u64> = auxv.chunks(8).map(|c| u64::from_ne_bytes(c.try_into().unwrap())).collect();
    words.chunks(2).find(|p| p[0] == 27).map_or("20".into(), |p| p[1].to_string())
}

/// What `registered=` says after an overriding library's own rseq call.
fn own_registration(cfg: Config) -> &'static str {
    if cfg.native() { "true" } else { "false" }
}

for_each_config! {
    fn sequence_1_crt0_registers_after_the_constructors(cfg: Config) {
        let r = run(cfg, &rust("claim", cfg), &[], &[]);
        r.assert_exit(0);
        assert_eq!(r.value("main", "owner"), "LIBC");
        let cpu: i32 = r.value("main", "crt0_cpu_id").parse().unwrap();
        if cfg.native() {
            assert!(cpu >= 0);
            assert_eq!(r.value("main", "rseq_size"), kernel_feature_size());
        } else {
            assert_eq!(cpu, -2, "ENOSYS under qemu-user: RSEQ_CPU_ID_REGISTRATION_FAILED");
            assert_eq!(r.value("main", "rseq_size"), "0");
        }
        // A claim after LIBC fails and changes nothing.
        let r = run(cfg, &rust("claim", cfg), &[], &[("CLAIM", "main")]);
        assert_eq!(r.line("main claim"), "main claim before=LIBC claimed=false registered=false after=LIBC");
        assert_eq!(r.value("main owner", "owner"), "LIBC");
    }
}

for_each_config! {
    fn sequence_2_runtime_without_rseq_and_a_constructor_claims_from_unset(cfg: Config) {
        let p = rust("claim", cfg);
        let ok = own_registration(cfg);
        let r = run(cfg, &p, &[], &[("CRT0_RSEQ", "0"), ("CLAIM", "ctor")]);
        r.assert_exit(0);
        assert_eq!(r.line("ctor"), format!("ctor claim before=UNSET claimed=true registered={ok} after=OVERRIDE"));
        let main = r.line("main");
        assert_eq!(field(main, "owner").unwrap(), "OVERRIDE");
        assert_eq!(field(main, "crt0_cpu_id").unwrap(), "-1", "crt0 left its area alone");
        if cfg.native() {
            assert!(field(main, "own_cpu_id").unwrap().parse::<i32>().unwrap() >= 0, "the owner's area is live");
        }
        assert_eq!(field(main, "rseq_size").unwrap(), "0");
        // Nobody claims: the owner stays UNSET for the whole run.
        let r = run(cfg, &p, &[], &[("CRT0_RSEQ", "0")]);
        assert_eq!(r.line("main"), "main owner=UNSET crt0_cpu_id=-1 own_cpu_id=-1 rseq_size=0");
        // ... so main itself may still take over.
        let r = run(cfg, &p, &[], &[("CRT0_RSEQ", "0"), ("CLAIM", "main")]);
        assert_eq!(r.line("main claim"), format!("main claim before=UNSET claimed=true registered={ok} after=OVERRIDE"));
    }
}

for_each_config! {
    fn sequence_3_a_constructor_claims_from_preinit_and_crt0_does_not_register(cfg: Config) {
        let r = run(cfg, &rust("claim", cfg), &[], &[("CLAIM", "ctor")]);
        r.assert_exit(0);
        let ok = own_registration(cfg);
        assert_eq!(r.line("ctor"), format!("ctor claim before=PREINIT claimed=true registered={ok} after=OVERRIDE"));
        let main = r.line("main");
        assert_eq!(field(main, "owner").unwrap(), "OVERRIDE");
        assert_eq!(field(main, "crt0_cpu_id").unwrap(), "-1", "crt0 did not even try");
        if cfg.native() {
            assert!(field(main, "own_cpu_id").unwrap().parse::<i32>().unwrap() >= 0);
        }
        assert_eq!(field(main, "rseq_size").unwrap(), "0");
    }
}

/// Checks a run whose registration failed with `errno`.
fn assert_registration_failed(r: &Run, errno: i32) {
    r.assert_exit(3);
    assert_eq!(r.value("main", "owner"), "LIBC", "errno {errno}");
    assert_eq!(r.value("main", "cpu_id"), "-2", "RSEQ_CPU_ID_REGISTRATION_FAILED, errno {errno}");
    let size = if r.stdout.contains("rseq offset") { r.value("rseq", "size") } else { r.value("rseq_size", "rseq_size") };
    assert_eq!(size, "0", "errno {errno}");
    let trace = r.stderr.lines().find(|l| l.starts_with("crt0: phase=rseq ")).unwrap();
    assert_eq!(field(trace, "errno").unwrap(), errno.to_string());
    assert_eq!(field(trace, "rseq").unwrap(), "failed");
}

for_each_native_config! {
    fn registration_failure_is_not_fatal(cfg: Config) {
        // ENOSYS (38): no rseq, as under qemu-user or an old kernel; EPERM (1)
        // and EINVAL (22): a policy or ABI mismatch. Denied by seccomp.
        for errno in [38, 1, 22] {
            for p in [rust("order", cfg), c_program("tests/c/order.c", "order", &[], cfg)] {
                assert_registration_failed(&run_without_rseq(&p, &["3"], &[("CRT0_TRACE", "1")], errno), errno);
            }
        }
    }
}

#[test]
fn registration_failure_under_qemu_user_is_not_fatal() {
    for cfg in [Config::Aarch64Host, Config::Aarch64None] {
        for p in [rust("order", cfg), c_program("tests/c/order.c", "order", &[], cfg)] {
            assert_registration_failed(&run(cfg, &p, &["3"], &[("CRT0_TRACE", "1")]), 38);
        }
    }
}

for_each_config! {
    fn crt0_rseq_0_leaves_the_owner_unset(cfg: Config) {
        let r = run(cfg, &rust("order", cfg), &[], &[("CRT0_RSEQ", "0")]);
        r.assert_exit(0);
        for hook in ["resolver", "preinit_array", "init_array priority=101", "main"] {
            assert_eq!(r.value(hook, "owner"), "UNSET", "{hook}");
            assert_eq!(r.value(hook, "cpu_id"), "-1", "{hook}");
        }
        assert_eq!(r.value("rseq", "size"), "0");
        assert_eq!(r.value("rseq", "registered_len"), "0");
    }
}

for_each_config! {
    fn published_offset_points_at_the_area(cfg: Config) {
        let r = run(cfg, &c_program("tests/c/order.c", "order", &[], cfg), &[], &[]);
        assert_eq!(r.value("rseq_size", "area_at_offset"), "1", "thread pointer + __rseq_offset = the area");
        if cfg.arch() == Arch::X86_64 {
            // The 64-byte TCB, crt0's 16 bytes, then the 32-aligned area.
            assert_eq!(r.value("rseq_size", "rseq_offset"), "96");
            assert_eq!(r.value("rseq_size", "rseq_size"), kernel_feature_size());
        }
    }
}

for_each_native_config! {
    fn kernels_without_rseq_auxv_entries_get_the_original_32_byte_area(cfg: Config) {
        // Before Linux 6.3 there is no AT_RSEQ_FEATURE_SIZE/AT_RSEQ_ALIGN.
        let hide = [(AT_RSEQ_FEATURE_SIZE, (AT_IGNORE, 0)), (AT_RSEQ_ALIGN, (AT_IGNORE, 0))];
        let r = run_with_auxv(&rust("order", cfg), &[], &[("CRT0_TRACE", "1")], &hide);
        r.assert_exit(0);
        assert_eq!(r.value("main", "owner"), "LIBC");
        assert!(r.value("main", "cpu_id").parse::<i32>().unwrap() >= 0);
        assert_eq!(r.value("rseq", "registered_len"), "32");
        assert_eq!(r.value("rseq", "size"), "20", "the original ABI's 20 bytes of fields");
        assert_eq!(r.value("rseq", "offset"), "96");
    }
}

for_each_native_config! {
    fn a_larger_rseq_alignment_moves_the_area_and_still_registers(cfg: Config) {
        // What newer kernels report: feature size 33, alignment 64. crt0 aligns
        // the area to 64 and registers 33 bytes, which this kernel accepts (any
        // length >= its own feature size, suitably aligned).
        let edits = [(AT_RSEQ_FEATURE_SIZE, (AT_RSEQ_FEATURE_SIZE, 33)), (AT_RSEQ_ALIGN, (AT_RSEQ_ALIGN, 64))];
        let r = run_with_auxv(&rust("order", cfg), &[], &[], &edits);
        r.assert_exit(0);
        assert_eq!(r.value("rseq", "offset"), "128", "round_up(64 + 16, 64)");
        assert_eq!(r.value("rseq", "registered_len"), "33");
        assert_eq!(r.value("rseq", "size"), "33");
        assert!(r.value("main", "cpu_id").parse::<i32>().unwrap() >= 0, "{}", r.stdout);
        // A 128-byte alignment moves the area again.
        let edits = [(AT_RSEQ_ALIGN, (AT_RSEQ_ALIGN, 128))];
        let r = run_with_auxv(&rust("order", cfg), &[], &[], &edits);
        assert_eq!(r.value("rseq", "offset"), "128");
        assert!(r.value("main", "cpu_id").parse::<i32>().unwrap() >= 0, "{}", r.stdout);
    }
}

for_each_config! {
    fn the_c_api_claims_like_the_rust_one(cfg: Config) {
        let p = c_program("tests/c/claim.c", "claim", &[], cfg);
        let ok = if cfg.native() { 1 } else { 0 };
        let r = run(cfg, &p, &[], &[("CLAIM", "ctor")]);
        r.assert_exit(0);
        assert_eq!(r.line("ctor"), format!("ctor before=PREINIT claimed=1 registered={ok} after=OVERRIDE"));
        assert!(r.line("main").starts_with("main owner=OVERRIDE crt0_cpu_id=-1 own_cpu_id="));
        assert_eq!(r.value("main", "rseq_size"), "0");
        let r = run(cfg, &p, &[], &[("CLAIM", "main")]);
        assert_eq!(r.line("main before"), "main before=LIBC claimed=0 registered=0 after=LIBC");
        let r = run(cfg, &p, &[], &[("CLAIM", "ctor"), ("CRT0_RSEQ", "0")]);
        assert_eq!(r.line("ctor"), format!("ctor before=UNSET claimed=1 registered={ok} after=OVERRIDE"));
    }
}

for_each_config! {
    fn getauxval_and_errno_from_c(cfg: Config) {
        let r = run(cfg, &c_program("tests/c/claim.c", "claim", &[], cfg), &[], &[]);
        let l = r.line("pagesz");
        assert_eq!(field(l, "pagesz").unwrap(), "4096");
        assert_eq!(field(l, "missing").unwrap(), "0");
        assert_eq!(field(l, "enoent").unwrap(), "1", "getauxval sets ENOENT for a missing entry");
        assert_eq!(field(l, "syscall_errno").unwrap(), "1", "syscall() returns -1 and sets errno");
    }
}
