//! aarch64 under a real arm64 Linux kernel (qemu-system, through
//! ../shared/tools/run-aarch64-kernel.sh), where rseq really registers:
//! cpu_id matches getcpu(2) and follows sched_setaffinity across both CPUs,
//! `__rseq_size` is what each kernel supports, and the owner sequences
//! behave as natively. Each boot costs seconds, so one boot per
//! (configuration, kernel) runs every check: the `kernel` test program
//! checks registration and then runs the other programs as children.

mod common;
use common::*;

use std::path::PathBuf;
use std::sync::Mutex;

/// One VM at a time: two cores, and a shared kernel cache on first use.
static VM: Mutex<()> = Mutex::new(());

#[derive(Clone, Copy)]
enum Kernel {
    /// Debian bookworm's 6.1: rseq, but no AT_RSEQ_* auxv entries.
    Linux61,
    /// Debian trixie's 6.12: AT_RSEQ_FEATURE_SIZE 28, AT_RSEQ_ALIGN 32.
    Linux612,
}

fn runner() -> PathBuf {
    root().join("../shared/tools/run-aarch64-kernel.sh")
}

/// Boots `kernel` once and runs the `kernel` program built for `cfg` with
/// `children` (each `[ENV@]PROGRAM[:ARG]`, programs copied next to it).
fn boot(cfg: Config, kernel: Kernel, programs: &[(PathBuf, &str)], children: &[&str]) -> String {
    let _one = VM.lock().unwrap_or_else(|e| e.into_inner());
    let stage = root().join("target/kernel-tests").join(cfg.name());
    std::fs::create_dir_all(&stage).unwrap();
    let mut c = std::process::Command::new(runner());
    for (path, name) in programs {
        let copy = stage.join(name);
        std::fs::copy(path, &copy).unwrap();
        c.arg("-f").arg(copy);
    }
    c.args(["-t", "300"]).arg(rust("kernel", cfg)).args(children);
    if let Kernel::Linux612 = kernel {
        let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
        c.env("AARCH64_DEBIAN_SUITE", "trixie").env("AARCH64_KERNEL_CACHE", format!("{home}/.cache/aarch64-kernel-trixie"));
    }
    let r = run_command(c);
    assert_eq!(r.code, Some(0), "VM run failed:\n{}\n{}", r.stdout, r.stderr);
    r.stdout.replace('\r', "")
}

/// The lines a child printed, between `child SPEC` and `child exit=`.
fn child<'a>(out: &'a str, spec: &str) -> (Vec<&'a str>, String) {
    let mut lines = out.lines().skip_while(|l| *l != format!("child {spec}")).skip(1);
    let mut printed = vec![];
    for l in lines.by_ref() {
        if let Some(status) = l.strip_prefix("child exit=") {
            return (printed, status.to_string());
        }
        printed.push(l);
    }
    panic!("no complete run of {spec} in:\n{out}");
}

fn check(cfg: Config, kernel: Kernel) {
    let programs = [
        (rust("claim", cfg), "claim"),
        (rust("order", cfg), "order"),
        (c_program("tests/c/claim.c", "claim", &[], cfg), "claim_c"),
        (c_program("tests/c/order.c", "order", &[], cfg), "order_c"),
    ];
    let children = ["@order:3", "CLAIM=ctor@claim", "CRT0_RSEQ=0+CLAIM=ctor@claim", "CLAIM=ctor@claim_c", "@order_c"];
    let (programs, children) = with_percpu(cfg, &programs, &children);
    let (programs, children) = with_threads(cfg, &programs, &children);
    let (programs, children) = with_image(cfg, &programs, &children);
    let out = boot(cfg, kernel, &programs, &children);
    let feature_size = match kernel {
        Kernel::Linux61 => "20",
        Kernel::Linux612 => "28",
    };

    // Sequence 1 in the `kernel` program itself: registered, on the CPU getcpu names.
    let l = out.lines().find(|l| l.starts_with("kernel ")).unwrap_or_else(|| panic!("{out}"));
    assert_eq!(field(l, "owner").unwrap(), "LIBC", "{l}");
    assert_eq!(field(l, "cpu_id"), field(l, "getcpu"), "{l}");
    assert_eq!(field(l, "rseq_size").unwrap(), feature_size, "{l}");
    assert_eq!(field(l, "registered_len").unwrap(), "32", "{l}");
    for cpu in ["0", "1"] {
        let l = out.lines().find(|l| l.starts_with(&format!("pinned cpu={cpu} "))).unwrap();
        assert_eq!(field(l, "ok").unwrap(), "true", "{l}");
        assert_eq!(field(l, "cpu_id").unwrap(), cpu, "cpu_id follows the pinning: {l}");
        assert_eq!(field(l, "getcpu").unwrap(), cpu, "{l}");
    }

    // The order program: hooks in PREINIT unregistered, main registered.
    let (lines, status) = child(&out, "@order:3");
    assert_eq!(status, "3");
    let main = lines.iter().find(|l| l.starts_with("main argc")).unwrap();
    assert_eq!(field(main, "owner").unwrap(), "LIBC");
    assert_eq!(field(main, "cpu_id"), field(main, "getcpu"), "{main}");
    for hook in ["resolver", "preinit_array", "init_array priority=101"] {
        let l = lines.iter().find(|l| l.starts_with(hook)).unwrap();
        assert_eq!(field(l, "owner").unwrap(), "PREINIT", "{l}");
        assert_eq!(field(l, "cpu_id").unwrap(), "-1", "{l}");
    }
    let rseq = lines.iter().find(|l| l.starts_with("rseq ")).unwrap();
    assert_eq!(field(rseq, "size").unwrap(), feature_size);

    // Sequence 3: a constructor claims from PREINIT and registers its own area.
    let (lines, status) = child(&out, "CLAIM=ctor@claim");
    assert_eq!(status, "0");
    assert_eq!(lines[0], "ctor claim before=PREINIT claimed=true registered=true after=OVERRIDE");
    let main = lines[1];
    assert_eq!(field(main, "owner").unwrap(), "OVERRIDE");
    assert_eq!(field(main, "crt0_cpu_id").unwrap(), "-1");
    assert!(field(main, "own_cpu_id").unwrap().parse::<i32>().unwrap() >= 0, "{main}");
    assert_eq!(field(main, "rseq_size").unwrap(), "0");

    // Sequence 2: no rseq in the runtime; a constructor claims from UNSET.
    let (lines, _) = child(&out, "CRT0_RSEQ=0+CLAIM=ctor@claim");
    assert_eq!(lines[0], "ctor claim before=UNSET claimed=true registered=true after=OVERRIDE");

    // The same from C.
    let (lines, _) = child(&out, "CLAIM=ctor@claim_c");
    assert_eq!(lines[0], "ctor before=PREINIT claimed=1 registered=1 after=OVERRIDE");
    let (lines, _) = child(&out, "@order_c");
    let main = lines.iter().find(|l| l.starts_with("main ")).unwrap();
    assert_eq!(field(main, "owner").unwrap(), "LIBC");
    assert!(field(main, "cpu_id").unwrap().parse::<i32>().unwrap() >= 0, "{main}");
    let sizes = lines.iter().find(|l| l.starts_with("rseq_size")).unwrap();
    assert_eq!(field(sizes, "rseq_size").unwrap(), feature_size);
    assert_eq!(field(sizes, "area_at_offset").unwrap(), "1");

    check_percpu(&out, kernel);
    check_threads(&out);
    check_image(cfg, &out);
}

/// Where the image runs, twice per program: Rust (`image`) and C
/// (`tests/c/pie.c`). The arguments only tell the runs apart.
const IMAGE_CHILDREN: [&str; 4] = ["@image:1", "@image:2", "@pie_c:1", "@pie_c:2"];

/// `programs` and `children` with the image ones added.
fn with_image(cfg: Config, programs: &[(PathBuf, &'static str)], children: &[&'static str]) -> (Vec<(PathBuf, &'static str)>, Vec<&'static str>) {
    let mut programs = programs.to_vec();
    programs.extend([(rust("image", cfg), "image"), (c_program("tests/c/pie.c", "pie", &[], cfg), "pie_c")]);
    (programs, children.iter().chain(&IMAGE_CHILDREN).copied().collect())
}

/// A static-PIE program runs relocated, at a new address on each run
/// (the real kernel's ASLR, which qemu-user does not have); one linked at
/// a fixed address runs where it was linked, every time.
fn check_image(cfg: Config, out: &str) {
    for pair in IMAGE_CHILDREN.chunks(2) {
        let mains: Vec<&str> = pair
            .iter()
            .map(|spec| {
                let (lines, status) = child(out, spec);
                assert_eq!(status, "0", "{spec}: {lines:?}");
                assert!(lines[0].contains("table=42"), "{spec}: {lines:?}");
                lines[0].split_whitespace().find_map(|w| w.strip_prefix("main=")).unwrap()
            })
            .collect();
        if cfg.pie() {
            assert_ne!(mains[0], mains[1], "{pair:?}: the same load address twice");
        } else {
            assert_eq!(mains[0], mains[1], "{pair:?}");
        }
    }
}

/// The thread children: threads pinned to each CPU, the lifecycle (fewer
/// cycles than natively: the kernel is emulated), and the C pthreads.
const THREAD_CHILDREN: [&str; 3] = ["@thread_api:cpus", "@thread_lifecycle:1000", "@pthread_c"];

/// `programs` and `children` with the thread ones added.
fn with_threads(cfg: Config, programs: &[(PathBuf, &'static str)], children: &[&'static str]) -> (Vec<(PathBuf, &'static str)>, Vec<&'static str>) {
    let mut programs = programs.to_vec();
    programs.extend([
        (rust("thread_api", cfg), "thread_api"),
        (rust("thread_lifecycle", cfg), "thread_lifecycle"),
        (c_program("tests/c/pthread.c", "pthread", &[], cfg), "pthread_c"),
    ]);
    (programs, children.iter().chain(&THREAD_CHILDREN).copied().collect())
}

/// Every new thread registers its own area: its cpu_id is the CPU getcpu
/// names, including after pinning it to each CPU; every thread of the
/// lifecycle registered, and its mappings all went.
fn check_threads(out: &str) {
    let (lines, status) = child(out, "@thread_api:cpus");
    assert_eq!(status, "0", "{lines:?}");
    for i in 0..8 {
        let l = lines.iter().find(|l| l.starts_with(&format!("thread {i} "))).unwrap();
        let cpu = (i % 2).to_string();
        assert_eq!(field(l, "pinned").unwrap(), "true", "{l}");
        assert_eq!(field(l, "cpu_id").unwrap(), cpu, "{l}");
        assert_eq!(field(l, "getcpu").unwrap(), cpu, "{l}");
    }
    let (lines, status) = child(out, "@thread_lifecycle:1000");
    assert_eq!(status, "0", "{lines:?}");
    let joined = lines.iter().find(|l| l.starts_with("joined ")).unwrap();
    for key in ["threads", "fresh", "registered"] {
        assert_eq!(field(joined, key).unwrap(), "1000", "{key} in {joined}");
    }
    let detached = lines.iter().find(|l| l.starts_with("detached ")).unwrap();
    assert_eq!(field(detached, "registered").unwrap(), "1000", "{detached}");
    let maps = lines.iter().find(|l| l.starts_with("maps ")).unwrap();
    assert_eq!(field(maps, "before"), field(maps, "after"), "{maps}");
    let (lines, status) = child(out, "@pthread_c");
    assert_eq!(status, "0", "{lines:?}");
    assert!(lines.contains(&"join sum=140 fresh=8 own=8 registered=8 failed=0 main_tls=42 "), "{lines:?}");
}

/// The per-CPU children: `percpu` (one thread, both paths) and the stress
/// test on rseq, mixed with the fallback, and on the fallback alone.
const PERCPU_CHILDREN: [&str; 5] = [
    "@percpu",
    "@percpu_stress:iters=20000,timer=200",
    "@percpu_stress:threads=64,iters=1000,timer=1000,nodes=256",
    "@percpu_stress:iters=5000,mixed=1",
    "CRT0_RSEQ=0@percpu_stress:iters=5000",
];

/// `programs` and `children` with the per-CPU ones added.
fn with_percpu(cfg: Config, programs: &[(PathBuf, &'static str)], children: &[&'static str]) -> (Vec<(PathBuf, &'static str)>, Vec<&'static str>) {
    let mut programs = programs.to_vec();
    programs.extend([(rust("percpu", cfg), "percpu"), (rust("percpu_stress", cfg), "percpu_stress")]);
    (programs, children.iter().chain(&PERCPU_CHILDREN).copied().collect())
}

/// Registered threads take the critical sections: the operations give what
/// they give natively, the node and concurrency IDs appear with 6.12's
/// feature size, and every stress run adds up.
fn check_percpu(out: &str, kernel: Kernel) {
    let (lines, status) = child(out, "@percpu");
    assert_eq!(status, "0", "{lines:?}");
    let main = lines.iter().find(|l| l.starts_with("main ")).unwrap();
    assert_eq!(field(main, "rseq_cpu").unwrap(), "Some(0)", "{main}");
    let extended = match kernel {
        Kernel::Linux61 => "None",
        Kernel::Linux612 => "Some(0)",
    };
    assert_eq!(field(main, "node_id").unwrap(), extended, "{main}");
    assert_eq!(field(main, "mm_cid").unwrap(), extended, "{main}");
    for expected in [
        "ctor cpu=None sum=3 empty=false",
        "early sum=13 popped=Some(42),Some(41)",
        "rseq_cs aligned=true",
        "descriptors aligned=true ok=true any=true",
    ] {
        assert!(lines.contains(&expected), "{expected:?} in {lines:?}");
    }
    for spec in &PERCPU_CHILDREN[1..] {
        let (lines, status) = child(out, spec);
        assert_eq!(status, "0", "{spec}: {lines:?}");
        assert!(lines.contains(&"stress ok=true"), "{spec}: {lines:?}");
        let head = lines.iter().find(|l| l.starts_with("stress threads")).unwrap();
        let registered = !spec.starts_with("CRT0_RSEQ=0");
        assert_eq!(field(head, "registered").unwrap(), registered.to_string(), "{head}");
    }
}

#[test]
fn aarch64_host_on_linux_6_1() {
    check(Config::Aarch64Host, Kernel::Linux61);
}

#[test]
fn aarch64_host_on_linux_6_12() {
    check(Config::Aarch64Host, Kernel::Linux612);
}

#[test]
fn aarch64_none_on_linux_6_1() {
    check(Config::Aarch64None, Kernel::Linux61);
}

#[test]
fn aarch64_none_on_linux_6_12() {
    check(Config::Aarch64None, Kernel::Linux612);
}

/// Static-PIE with RELA (GNU ld, C) and the host target's Rust (GNU ld).
#[test]
fn aarch64_host_pie_on_linux_6_1() {
    check(Config::Aarch64HostPie, Kernel::Linux61);
}

/// Static-PIE with RELR (rust-lld, Rust) and RELA (GNU ld, C).
#[test]
fn aarch64_none_pie_on_linux_6_12() {
    check(Config::Aarch64NonePie, Kernel::Linux612);
}
