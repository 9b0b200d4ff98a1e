//! Fault injection (issue 6, item 3): a seccomp filter, installed before the
//! exec, makes one system call fail for the program's whole life. Where
//! start-up needs the call, crt0 must stop with its fatal error (one line on
//! stderr, status 127, no hook run); where it does not, the program must run
//! as if nothing were denied. rseq denials, which are not fatal, are in
//! tests/rseq.rs.
//!
//! x86_64 only: under qemu-user (aarch64) a filter would judge qemu's own
//! system calls (its loader's mmaps, its signal set-up), not the guest's, and
//! the guest's thread pointer is set without a system call anyway.

mod common;
use common::*;

const EPERM: i32 = 1;
const ENOMEM: i32 = 12;
const HWCAP2_FSGSBASE: u64 = 1 << 1;

fn deny(nr: i64, errno: i32) -> [Deny; 1] {
    [Deny { nr, errno }]
}

/// AT_HWCAP2 as this machine's kernel hands it to every program.
fn hwcap2() -> u64 {
    // SAFETY: getauxval only reads the auxiliary vector.
    unsafe { libc::getauxval(libc::AT_HWCAP2) }
}

/// The auxv edit that takes FSGSBASE out of AT_HWCAP2 and leaves its other
/// bits: what a CPU or kernel without it (before Linux 5.9) reports.
fn without_fsgsbase() -> [(u64, (u64, u64)); 1] {
    [(AT_HWCAP2, (AT_HWCAP2, hwcap2() & !HWCAP2_FSGSBASE))]
}

/// Checks a run that start-up stopped with `crt0: fatal: {what}`.
fn assert_fatal(r: &Run, what: &str, context: &str) {
    assert_eq!(r.stderr, format!("crt0: fatal: {what}\n"), "{context}; stdout:\n{}", r.stdout);
    assert_eq!(r.code, Some(127), "{context}: status; signal {:?}", r.signal);
    assert_eq!(r.stdout, "", "{context}: no hook or main may have run");
}

for_each_native_config! {
    fn arch_prctl_refused_without_fsgsbase_is_fatal(cfg: Config) {
        // order prints from its IFUNC resolver and every constructor: an
        // empty stdout shows that start-up stopped before any of them.
        let programs = [rust("order", cfg), c_program("examples/c/hello.c", "hello", &[], cfg)];
        for p in &programs {
            for errno in [EPERM, libc::EINVAL] {
                let denied = deny(libc::SYS_arch_prctl, errno);
                let r = run_with_auxv_denying(p, &[], &[], &without_fsgsbase(), &denied);
                assert_fatal(&r, "cannot set the thread pointer", &format!("{} errno {errno}", p.display()));
            }
        }
    }
}

for_each_native_config! {
    fn with_fsgsbase_start_up_needs_no_arch_prctl(cfg: Config) {
        if hwcap2() & HWCAP2_FSGSBASE == 0 {
            eprintln!("skipped: this kernel or CPU offers no FSGSBASE, so arch_prctl is the only way");
            return;
        }
        let denied = deny(libc::SYS_arch_prctl, EPERM);
        let r = run_denying(&rust("order", cfg), &[], &[("CRT0_TRACE", "1")], &denied);
        r.assert_exit(0);
        assert_eq!(r.value("main", "owner"), "LIBC");
        let tls = r.stderr.lines().find(|l| l.starts_with("crt0: phase=tls")).unwrap();
        assert_eq!(field(tls, "tp").unwrap(), "wrfsbase", "{}", r.stderr);
        let r = run_denying(&c_program("examples/c/hello.c", "hello", &[], cfg), &[], &[], &denied);
        r.assert_exit(0);
        assert_eq!(r.stdout, "hello\n");
    }
}

for_each_native_config! {
    fn mmap_refused_for_a_large_tls_block_is_fatal(cfg: Config) {
        // Too big for the static area (1 MiB), aligned past it (64 KiB), and
        // 4096-aligned C `__thread` data that with the TCB overflows it.
        let programs = [rust("tls_1mib", cfg), rust("tls_65536", cfg), c_program("tests/c/tls.c", "tls", &[], cfg)];
        for p in &programs {
            for errno in [ENOMEM, EPERM] {
                let r = run_denying(p, &[], &[], &deny(libc::SYS_mmap, errno));
                assert_fatal(&r, "cannot map memory for TLS", &format!("{} errno {errno}", p.display()));
            }
        }
    }
}

for_each_native_config! {
    fn a_small_tls_block_needs_no_mmap(cfg: Config) {
        // mmap is refused for the whole run: these programs never call it,
        // start-up included, so they print what they print unfiltered.
        let denied = deny(libc::SYS_mmap, ENOMEM);
        let programs = [rust("tls_64", cfg), c_program("examples/c/hello.c", "hello", &[], cfg)];
        for p in &programs {
            let free = run(cfg, p, &[], &[("CRT0_TRACE", "1")]);
            free.assert_exit(0);
            let r = run_denying(p, &[], &[("CRT0_TRACE", "1")], &denied);
            r.assert_exit(0);
            assert_eq!(r.stdout, free.stdout, "{}", p.display());
            let tls = r.stderr.lines().find(|l| l.starts_with("crt0: phase=tls")).unwrap();
            assert_eq!(field(tls, "block").unwrap(), "static", "{}: {tls}", p.display());
        }
    }
}

for_each_native_config! {
    fn every_listed_call_is_denied_wherever_it_stands(cfg: Config) {
        // The filter's jumps depend on the list's length and each entry's
        // place: rseq's denial (not fatal) must show first or last.
        let rseq = Deny { nr: libc::SYS_rseq, errno: libc::EINVAL };
        let other = Deny { nr: libc::SYS_mmap, errno: ENOMEM };
        for list in [[rseq, other], [other, rseq]] {
            let r = run_denying(&rust("order", cfg), &[], &[("CRT0_TRACE", "1")], &list);
            r.assert_exit(0);
            assert_eq!(r.value("main", "cpu_id"), "-2", "{list:?}");
            let trace = r.stderr.lines().find(|l| l.starts_with("crt0: phase=rseq ")).unwrap();
            assert_eq!(field(trace, "errno").unwrap(), "22", "{list:?}");
        }
    }
}
