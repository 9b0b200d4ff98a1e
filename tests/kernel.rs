//! crt0 under real Linux kernels, from the oldest Debian ships to the newest, on x86_64,
//! aarch64 and riscv64: each test boots one pinned kernel (vm/kernels.txt) under qemu-system with the
//! project's runner (crt0-vm, vm/) and runs one configuration's programs there, where rseq
//! really registers (qemu-user answers ENOSYS). A boot costs seconds, so one boot per
//! (configuration, kernel) runs every check: the `kernel` test program reports the kernel,
//! its auxv and crt0's registration, pins itself to each CPU, then runs the other programs
//! as children (`child SPEC` ... `child exit=STATUS`).
//!
//! The children come in groups ([`GROUPS`]): each names its programs, its children and the
//! checks on their output, so a new check on every kernel is one more group. One group runs
//! a C program built against glibc next to the same program built with crt0 (the rseq
//! consumers), to compare the two runtimes where rseq really registers.
//!
//! The matrix ([`MATRIX`] below, one `#[test]` each, 23 boots) runs every configuration on
//! the newest kernel and two per architecture on each older one, in about 5 minutes on two
//! cores once the programs are built; every boot also runs a static-PIE program under the
//! kernel's ASLR.

mod common;
use common::*;

use crt0_vm::{Kernel, Status};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

/// One VM at a time: the machine has two cores, and each VM uses both.
static VM: Mutex<()> = Mutex::new(());

/// What a kernel gives crt0, from its version (include/uapi/linux/rseq.h and kernel/rseq.c
/// of each release; measured on Debian's kernels).
struct Expect {
    /// AT_RSEQ_FEATURE_SIZE and AT_RSEQ_ALIGN (0: absent, before 6.3).
    at_feature_size: u64,
    at_align: u64,
    /// The length crt0 registers, `__rseq_size` and `__rseq_offset`.
    len: usize,
    rseq_size: u32,
    rseq_offset: isize,
    /// `node_id` and `mm_cid` are there (6.3+).
    extended: bool,
    /// 7.0+: a registration longer than 32 bytes is in the kernel's strict mode.
    strict: bool,
}

fn expect(cfg: Config, kernel: &Kernel) -> Expect {
    let (at_feature_size, at_align, len, rseq_size) = match kernel.series() {
        v if v < (6, 3) => (0, 0, 32, 20),
        (6, _) => (28, 32, 32, 28),
        // Linux 7.0 added slice_ctrl (u32 at 28) and a reserved byte: 33 bytes, 64-aligned.
        _ => (33, 64, 33, 33),
    };
    // x86_64: after the 64-byte TCB and crt0's 16 bytes, rounded up to the area's alignment;
    // aarch64: just below the 16-byte TCB at TP, at the area's alignment; riscv64: below the
    // 16-byte TCB that ends at TP, so one alignment further down.
    let align = at_align.max(32) as isize;
    let rseq_offset = match cfg.arch() {
        Arch::X86_64 => (80 + align - 1) / align * align,
        Arch::Aarch64 => -align,
        Arch::Riscv64 => -2 * align,
    };
    Expect { at_feature_size, at_align, len, rseq_size, rseq_offset, extended: at_feature_size != 0, strict: kernel.series() >= (7, 0) }
}

/// A configuration on a kernel, and what the checks need to know.
struct Boot {
    cfg: Config,
    kernel: &'static Kernel,
    expect: Expect,
}

/// Programs copied next to the `kernel` program: (binary, name in the guest).
type Programs = Vec<(PathBuf, &'static str)>;

/// A set of children every boot runs, and what their output must show.
struct Group {
    programs: fn(Config) -> Programs,
    children: &'static [&'static str],
    check: fn(&Boot, &str),
}

const GROUPS: &[Group] = &[
    Group { programs: owner_programs, children: &OWNER_CHILDREN, check: check_owner },
    Group { programs: percpu_programs, children: &PERCPU_CHILDREN, check: check_percpu },
    Group { programs: thread_programs, children: &THREAD_CHILDREN, check: check_threads },
    Group { programs: image_programs, children: &IMAGE_CHILDREN, check: check_image },
    Group { programs: strict_programs, children: &STRICT_CHILDREN, check: check_strict },
    Group { programs: consumer_programs, children: &CONSUMER_CHILDREN, check: check_consumers },
    Group { programs: signal_programs, children: &SIGNAL_CHILDREN, check: check_signals },
];

/// Boots `suite`'s kernel for `cfg`'s architecture, runs every group and checks it all.
fn check(cfg: Config, suite: &str) {
    let kernel = crt0_vm::pins::find(cfg.arch().name(), suite).unwrap_or_else(|e| panic!("{e}"));
    let boot = Boot { cfg, kernel, expect: expect(cfg, kernel) };
    let mut programs = Programs::new();
    let mut children = Vec::new();
    for g in GROUPS {
        programs.extend((g.programs)(cfg));
        children.extend(g.children.iter().map(|c| c.to_string()));
    }
    let out = run_boot(&boot, &programs, children);
    check_kernel(&boot, &out);
    for g in GROUPS {
        (g.check)(&boot, &out);
    }
}

/// One boot of the `kernel` program with `children`; its output.
fn run_boot(boot: &Boot, programs: &Programs, children: Vec<String>) -> String {
    let mut guest = crt0_vm::Guest::new(boot.kernel, rust("kernel", boot.cfg));
    guest.files = programs.iter().map(|(p, n)| (p.clone(), n.to_string())).collect();
    guest.args = children;
    guest.timeout = Duration::from_secs(600);
    let _one = VM.lock().unwrap_or_else(|e| e.into_inner());
    let outcome = crt0_vm::run(&guest).unwrap_or_else(|e| panic!("{} on {}: {e}", boot.cfg.name(), boot.kernel.describe()));
    eprintln!(
        "{} on {}: boot {:.1} s, programs {:.1} s",
        boot.cfg.name(),
        boot.kernel.describe(),
        outcome.boot_time.as_secs_f64(),
        outcome.run_time.as_secs_f64()
    );
    assert_eq!(outcome.status, Status::Exited(0), "the kernel program failed:\n{}", outcome.output);
    outcome.output
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

fn line<'a>(out: &'a str, prefix: &str) -> &'a str {
    out.lines().find(|l| l.starts_with(prefix)).unwrap_or_else(|| panic!("no line {prefix:?} in:\n{out}"))
}

/// The kernel booted is the pinned one, its auxv is what its version promises, and crt0
/// registered with the length, `__rseq_size` and `__rseq_offset` that follow; cpu_id is
/// the CPU getcpu names, and follows sched_setaffinity to each CPU.
fn check_kernel(b: &Boot, out: &str) {
    let e = &b.expect;
    let l = line(out, "uname ");
    assert_eq!(field(l, "release").unwrap(), b.kernel.release(), "{l}");
    assert_eq!(field(l, "at_rseq_feature_size").unwrap(), e.at_feature_size.to_string(), "{l}");
    assert_eq!(field(l, "at_rseq_align").unwrap(), e.at_align.to_string(), "{l}");
    let l = line(out, "kernel ");
    assert_eq!(field(l, "owner").unwrap(), "LIBC", "{l}");
    assert_eq!(field(l, "cpu_id"), field(l, "getcpu"), "{l}");
    assert_eq!(field(l, "registered_len").unwrap(), e.len.to_string(), "{l}");
    assert_eq!(field(l, "rseq_size").unwrap(), e.rseq_size.to_string(), "{l}");
    assert_eq!(field(l, "rseq_offset").unwrap(), e.rseq_offset.to_string(), "{l}");
    for cpu in ["0", "1"] {
        let l = line(out, &format!("pinned cpu={cpu} "));
        assert_eq!(field(l, "ok").unwrap(), "true", "{l}");
        assert_eq!(field(l, "cpu_id").unwrap(), cpu, "cpu_id follows the pinning: {l}");
        assert_eq!(field(l, "getcpu").unwrap(), cpu, "{l}");
    }
}

// ---------------------------------------------------------------- the owner sequences

const OWNER_CHILDREN: [&str; 5] = ["@order:3", "CLAIM=ctor@claim", "CRT0_RSEQ=0+CLAIM=ctor@claim", "CLAIM=ctor@claim_c", "@order_c"];

fn owner_programs(cfg: Config) -> Programs {
    vec![
        (rust("claim", cfg), "claim"),
        (rust("order", cfg), "order"),
        (c_program("tests/c/claim.c", "claim", &[], cfg), "claim_c"),
        (c_program("tests/c/order.c", "order", &[], cfg), "order_c"),
    ]
}

/// The three sequences of the owner protocol, from Rust and from C.
fn check_owner(b: &Boot, out: &str) {
    let size = b.expect.rseq_size.to_string();
    // Sequence 1, the order program: hooks in PREINIT unregistered, main registered.
    let (lines, status) = child(out, "@order:3");
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
    assert_eq!(field(rseq, "size").unwrap(), size);

    // Sequence 3: a constructor claims from PREINIT and registers its own area.
    let (lines, status) = child(out, "CLAIM=ctor@claim");
    assert_eq!(status, "0");
    assert_eq!(lines[0], "ctor claim before=PREINIT claimed=true registered=true after=OVERRIDE");
    let main = lines[1];
    assert_eq!(field(main, "owner").unwrap(), "OVERRIDE");
    assert_eq!(field(main, "crt0_cpu_id").unwrap(), "-1");
    assert!(field(main, "own_cpu_id").unwrap().parse::<i32>().unwrap() >= 0, "{main}");
    assert_eq!(field(main, "rseq_size").unwrap(), "0");

    // Sequence 2: no rseq in the runtime; a constructor claims from UNSET.
    let (lines, _) = child(out, "CRT0_RSEQ=0+CLAIM=ctor@claim");
    assert_eq!(lines[0], "ctor claim before=UNSET claimed=true registered=true after=OVERRIDE");

    // The same from C.
    let (lines, _) = child(out, "CLAIM=ctor@claim_c");
    assert_eq!(lines[0], "ctor before=PREINIT claimed=1 registered=1 after=OVERRIDE");
    let (lines, _) = child(out, "@order_c");
    let main = lines.iter().find(|l| l.starts_with("main ")).unwrap();
    assert_eq!(field(main, "owner").unwrap(), "LIBC");
    assert!(field(main, "cpu_id").unwrap().parse::<i32>().unwrap() >= 0, "{main}");
    let sizes = lines.iter().find(|l| l.starts_with("rseq_size")).unwrap();
    assert_eq!(field(sizes, "rseq_size").unwrap(), size);
    assert_eq!(field(sizes, "area_at_offset").unwrap(), "1");
    // Its IFUNC resolver got glibc's arguments; on riscv64 the `__riscv_hwprobe` crt0 passed
    // reaches the kernel's riscv_hwprobe (6.4+: every riscv64 pin), which reports IMA.
    let add = lines.iter().find(|l| l.starts_with("add=")).unwrap();
    assert_eq!(field(add, "simd").unwrap(), "1", "{add}");
    if b.cfg.arch() == Arch::Riscv64 {
        assert_eq!(field(add, "hwprobe").unwrap(), "0", "{add}");
    }
}

// ---------------------------------------------------------------- libraries written for glibc

/// tests/c/rseq_consumers.c (see tests/rseq_consumers.rs) built with crt0 and against glibc,
/// run side by side: by default, with rseq off in either runtime, and with a seccomp filter
/// failing rseq (ENOSYS, EPERM), the two must print the same, now that rseq really
/// registers; crt0 alone for its dlsym and for a library that claims OVERRIDE. The first
/// eight children are (crt0, glibc) pairs.
const CONSUMER_CHILDREN: [&str; 10] = [
    "CONSUMER_ITERS=20000@consumer",
    "CONSUMER_ITERS=20000@consumer_glibc",
    "CRT0_RSEQ=0+GLIBC_TUNABLES=glibc.pthread.rseq=0+CONSUMER_ITERS=20000@consumer",
    "CRT0_RSEQ=0+GLIBC_TUNABLES=glibc.pthread.rseq=0+CONSUMER_ITERS=20000@consumer_glibc",
    "SECCOMP_DENY_RSEQ=38+CONSUMER_ITERS=20000@consumer",
    "SECCOMP_DENY_RSEQ=38+CONSUMER_ITERS=20000@consumer_glibc",
    "SECCOMP_DENY_RSEQ=1+CONSUMER_ITERS=20000@consumer",
    "SECCOMP_DENY_RSEQ=1+CONSUMER_ITERS=20000@consumer_glibc",
    "CONSUMER_LOOKUP=dlsym+CONSUMER_ITERS=20000@consumer",
    "CONSUMER_ITERS=20000@consumer_override",
];

fn consumer_programs(cfg: Config) -> Programs {
    let (program, library) = ("tests/c/rseq_consumers.c", "tests/c/consumer/rseq_consumer.c");
    vec![
        (c_program(program, "rseq_consumers", &[library], cfg), "consumer"),
        (glibc_program(program, "rseq_consumers", &[library], cfg), "consumer_glibc"),
        (c_program(program, "rseq_consumers_override", &[library, "-DPROTOCOL_AWARE"], cfg), "consumer_override"),
    ]
}

fn check_consumers(b: &Boot, out: &str) {
    let run = |spec: &str, verdict: &str| {
        let (lines, status) = child(out, spec);
        assert_eq!(status, "0", "{spec}: {lines:?}");
        let get = |prefix: &str, key: &str| field(line(&lines.join("\n"), prefix), key).unwrap();
        assert_eq!(get("decided", "verdict"), verdict, "{spec}: {lines:?}");
        let registered = if verdict == "none" { "0" } else { "1" };
        for (prefix, key) in [("main", "registered"), ("main", "cpu_matches"), ("ctor_thread", "registered")] {
            assert_eq!(get(prefix, key), registered, "{spec}: {lines:?}");
        }
        let n = get("threads", "n");
        assert_eq!(get("threads", "registered"), if verdict == "none" { "0" } else { &n }, "{spec}: {lines:?}");
        assert_eq!(get("threads", "exact"), "1", "{spec}: {lines:?}");
        lines
    };
    for pair in CONSUMER_CHILDREN[..8].chunks(2) {
        let verdict = match &pair[0][..9] {
            "CRT0_RSEQ" => "own",
            "SECCOMP_D" => "none",
            _ => "libc",
        };
        // glibc registers rseq on riscv only from 2.41 (its riscv bits/rseq.h); Debian's
        // cross glibc is 2.36, which publishes __rseq_size 0, so by default its consumer
        // registers an area of its own where crt0's finds the runtime's. The other pairs
        // (rseq off, rseq denied) still agree.
        if b.cfg.arch() == Arch::Riscv64 && verdict == "libc" {
            run(pair[0], "libc");
            run(pair[1], "own");
            continue;
        }
        assert_eq!(run(pair[0], verdict), run(pair[1], verdict), "crt0 and glibc disagree: {pair:?}");
    }
    let lines = run(CONSUMER_CHILDREN[8], "libc");
    assert!(lines.iter().any(|l| l.contains("lookup=dlsym")), "{lines:?}");
    let lines = run(CONSUMER_CHILDREN[9], "own");
    assert!(lines.iter().any(|l| l.contains("claimed=1")), "{lines:?}");
}

// ---------------------------------------------------------------- signals

/// tests/c/libc/signals.c (see tests/libc_posix.rs) on the real kernel: an `sa_mask` really
/// blocks a signal while the handler runs. qemu-user 7.2 cannot show it on riscv64, where
/// it reads the mask from the wrong word of the kernel's sigaction (glibc's build fails the
/// same way there); the kernel reads it where crt0 puts it.
const SIGNAL_CHILDREN: [&str; 1] = ["@signals_c"];

fn signal_programs(cfg: Config) -> Programs {
    vec![(c_program("tests/c/libc/signals.c", "signals", &[], cfg), "signals_c")]
}

fn check_signals(_: &Boot, out: &str) {
    let (lines, status) = child(out, "@signals_c");
    assert_eq!(status, "signal15", "SIGTERM's default action ends it: {lines:?}");
    for want in ["order 10 100 12", "reset_to_dfl=1", "ticks=5 sigsuspend_eintr=1", "sleep_interrupted=2"] {
        assert!(lines.iter().any(|l| l.contains(want)), "{want:?} missing: {lines:?}");
    }
}

// ---------------------------------------------------------------- static-PIE and ASLR

/// Where the image runs, twice per program: Rust (`image`), C (`tests/c/pie.c`) and, when
/// the configuration is not static-PIE, the C program built as static-PIE anyway, so that
/// every kernel loads a static-PIE program at random addresses. The arguments only tell
/// the runs apart.
const IMAGE_CHILDREN: [&str; 6] = ["@image:1", "@image:2", "@pie_c:1", "@pie_c:2", "@pie_c_pie:1", "@pie_c_pie:2"];

fn image_programs(cfg: Config) -> Programs {
    let pie = cfg.pie_variant();
    vec![
        (rust("image", cfg), "image"),
        (c_program("tests/c/pie.c", "pie", &[], cfg), "pie_c"),
        (c_program("tests/c/pie.c", "pie", &[], pie), "pie_c_pie"),
    ]
}

/// A static-PIE program runs relocated, at a new address on each run (the real kernel's
/// ASLR, which qemu-user does not have); one linked at a fixed address runs where it was
/// linked, every time.
fn check_image(b: &Boot, out: &str) {
    for pair in IMAGE_CHILDREN.chunks(2) {
        let mains: Vec<String> = pair
            .iter()
            .map(|spec| {
                let (lines, status) = child(out, spec);
                assert_eq!(status, "0", "{spec}: {lines:?}");
                assert!(lines[0].contains("table=42"), "{spec}: {lines:?}");
                lines[0].split_whitespace().find_map(|w| w.strip_prefix("main=")).unwrap().to_string()
            })
            .collect();
        if b.cfg.pie() || pair[0].starts_with("@pie_c_pie") {
            assert_ne!(mains[0], mains[1], "{pair:?}: the same load address twice");
        } else {
            assert_eq!(mains[0], mains[1], "{pair:?}");
        }
    }
}

// ---------------------------------------------------------------- threads

/// Threads pinned to each CPU, the lifecycle (fewer cycles than natively: the kernel is
/// emulated), and the C pthreads.
const THREAD_CHILDREN: [&str; 3] = ["@thread_api:cpus", "@thread_lifecycle:1000", "@pthread_c"];

fn thread_programs(cfg: Config) -> Programs {
    vec![
        (rust("thread_api", cfg), "thread_api"),
        (rust("thread_lifecycle", cfg), "thread_lifecycle"),
        (c_program("tests/c/pthread.c", "pthread", &[], cfg), "pthread_c"),
    ]
}

/// Every new thread registers its own area: its cpu_id is the CPU getcpu names, including
/// after pinning it to each CPU; every thread of the lifecycle registered, and its
/// mappings all went.
fn check_threads(_: &Boot, out: &str) {
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

// ---------------------------------------------------------------- per-CPU operations

/// `percpu` (one thread, both paths) and the stress test on rseq (with timer signals and
/// migrations between the CPUs), mixed with the fallback, and on the fallback alone.
const PERCPU_CHILDREN: [&str; 5] = [
    "@percpu",
    "@percpu_stress:iters=20000,timer=200",
    "@percpu_stress:threads=64,iters=1000,timer=1000,nodes=256",
    "@percpu_stress:iters=5000,mixed=1",
    "CRT0_RSEQ=0@percpu_stress:iters=5000",
];

fn percpu_programs(cfg: Config) -> Programs {
    vec![(rust("percpu", cfg), "percpu"), (rust("percpu_stress", cfg), "percpu_stress")]
}

/// Registered threads take the critical sections: the operations give what they give
/// natively, the node and concurrency IDs appear where the feature size covers them, and
/// every stress run adds up. On Linux 7.x these runs are in the kernel's strict mode, which
/// kills a process that wrote an id field of its area once the ids change: the migrations
/// make them change all the time, so these runs also show that crt0 writes none of them.
fn check_percpu(b: &Boot, out: &str) {
    let (lines, status) = child(out, "@percpu");
    assert_eq!(status, "0", "{lines:?}");
    let main = lines.iter().find(|l| l.starts_with("main ")).unwrap();
    assert_eq!(field(main, "rseq_cpu").unwrap(), "Some(0)", "{main}");
    let extended = if b.expect.extended { "Some(0)" } else { "None" };
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

// ---------------------------------------------------------------- the kernel's strict mode

/// A deliberate write to `cpu_id` of crt0's registered area, then a signal or a migration
/// (tests/programs/src/bin/rseq_strict.rs); and the same with an area of 32 bytes.
const STRICT_CHILDREN: [&str; 3] = ["@rseq_strict:crt0", "@rseq_strict:crt0,migrate", "CRT0_RSEQ=0@rseq_strict:own32,migrate"];

fn strict_programs(cfg: Config) -> Programs {
    vec![(rust("rseq_strict", cfg), "rseq_strict")]
}

/// Up to 6.x the kernel rewrites the ids at every signal delivery and migration, so a
/// written `cpu_id` is repaired. From 7.0 crt0 registers 33 bytes, which puts its area in
/// the strict mode: the kernel writes the ids only when they change (after a signal on the
/// same CPU the written value stays), and when they change it first checks that user space
/// left them alone, killing the process with SIGSEGV if not. A 32-byte area keeps the old
/// mode on the same kernel. The SIGSEGV shows that the check is in force for crt0's
/// registration, so the stress runs with migrations above would catch crt0 writing an id.
fn check_strict(b: &Boot, out: &str) {
    let (lines, status) = child(out, "@rseq_strict:crt0");
    let l = lines.iter().find(|l| l.starts_with("strict ")).unwrap_or_else(|| panic!("{lines:?}"));
    assert_eq!(field(l, "area").unwrap(), "crt0", "{l}");
    assert_eq!(field(l, "len").unwrap(), b.expect.len.to_string(), "{l}");
    let survived = lines.iter().find(|l| l.starts_with("survived ")).unwrap_or_else(|| panic!("{lines:?}"));
    let repaired = !b.expect.strict;
    assert_eq!(field(survived, "repaired").unwrap(), repaired.to_string(), "after a signal: {lines:?}");
    assert_eq!(status, if repaired { "0" } else { "1" }, "{lines:?}");

    let (lines, status) = child(out, "@rseq_strict:crt0,migrate");
    if b.expect.strict {
        assert_eq!(status, "signal11", "the kernel must kill a process that wrote cpu_id of a strict area: {lines:?}");
    } else {
        assert_eq!(status, "0", "{lines:?}");
        assert!(lines.iter().any(|l| l.ends_with("repaired=true")), "{lines:?}");
    }

    let (lines, status) = child(out, "CRT0_RSEQ=0@rseq_strict:own32,migrate");
    assert_eq!(status, "0", "a 32-byte area is repaired on every kernel: {lines:?}");
    assert!(lines.iter().any(|l| l.starts_with("strict area=own len=32 ")), "{lines:?}");
}

// ---------------------------------------------------------------- the matrix

/// One test per (configuration, Debian suite): every configuration on the newest kernel
/// (7.x changed the area's size and alignment, which moves it in each configuration's TLS
/// layout, and brought the strict mode), and two of each architecture's configurations on
/// each older one, so that every (architecture, kernel) pair has a host-target and a
/// freestanding or static-PIE build.
macro_rules! matrix {
    ($($name:ident => ($cfg:ident, $suite:literal),)*) => {
        $(
            #[test]
            fn $name() {
                check(Config::$cfg, $suite);
            }
        )*
        /// The matrix as data, for the test that checks its coverage.
        const MATRIX: &[(Config, &str)] = &[$((Config::$cfg, $suite)),*];
    };
}

matrix! {
    x86_64_host_on_bookworm => (X86_64Host, "bookworm"),
    x86_64_none_pie_on_bookworm => (X86_64NonePie, "bookworm"),
    x86_64_host_gnu_ld_on_trixie => (X86_64HostGnuLd, "trixie"),
    x86_64_host_pie_on_trixie => (X86_64HostPie, "trixie"),
    x86_64_host_on_unstable => (X86_64Host, "unstable"),
    x86_64_host_gnu_ld_on_unstable => (X86_64HostGnuLd, "unstable"),
    x86_64_none_on_unstable => (X86_64None, "unstable"),
    x86_64_host_pie_on_unstable => (X86_64HostPie, "unstable"),
    x86_64_none_pie_on_unstable => (X86_64NonePie, "unstable"),
    aarch64_host_on_bookworm => (Aarch64Host, "bookworm"),
    aarch64_none_pie_on_bookworm => (Aarch64NonePie, "bookworm"),
    aarch64_none_on_trixie => (Aarch64None, "trixie"),
    aarch64_host_pie_on_trixie => (Aarch64HostPie, "trixie"),
    aarch64_host_on_unstable => (Aarch64Host, "unstable"),
    aarch64_none_on_unstable => (Aarch64None, "unstable"),
    aarch64_host_pie_on_unstable => (Aarch64HostPie, "unstable"),
    aarch64_none_pie_on_unstable => (Aarch64NonePie, "unstable"),
    riscv64_host_on_trixie => (Riscv64Host, "trixie"),
    riscv64_none_pie_on_trixie => (Riscv64NonePie, "trixie"),
    riscv64_host_on_unstable => (Riscv64Host, "unstable"),
    riscv64_none_on_unstable => (Riscv64None, "unstable"),
    riscv64_host_pie_on_unstable => (Riscv64HostPie, "unstable"),
    riscv64_none_pie_on_unstable => (Riscv64NonePie, "unstable"),
}

/// The matrix keeps its promise: every configuration on the newest kernel, and every
/// pinned kernel of each architecture booted.
#[test]
fn the_matrix_covers_every_configuration_and_kernel() {
    for cfg in CONFIGS {
        assert!(MATRIX.contains(&(cfg, "unstable")), "{} is not booted on the newest kernel", cfg.name());
    }
    for k in crt0_vm::pins::all() {
        let arch = Arch::from_name(k.arch.name);
        assert!(MATRIX.iter().any(|(c, s)| c.arch() == arch && *s == k.suite), "{} is booted by no test", k.describe());
    }
}
