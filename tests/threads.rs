//! Threads: the Rust API and the C pthread API, each thread's own TLS and
//! rseq registration by owner (LIBC registers, OVERRIDE's hooks, UNSET
//! nothing), thread-local destructors, guard pages, and the lifecycle of
//! 10,000 threads without a leaked mapping. Natively rseq registers; under
//! qemu-user (aarch64) it fails with ENOSYS, so threads carry cpu_id -2;
//! tests/kernel.rs checks aarch64 threads under a real kernel.

mod common;
use common::*;

/// A thread's cpu_id where crt0 registered: a CPU natively, -2 (the main
/// thread's registration failed with ENOSYS) under qemu-user.
fn registered(cfg: Config, cpu_id: &str) -> bool {
    let c: i32 = cpu_id.parse().unwrap();
    if cfg.native() { c >= 0 } else { c == -2 }
}

for_each_config! {
    fn rust_threads_return_results_and_honour_stack_sizes(cfg: Config) {
        let r = run(cfg, &rust("thread_api", cfg), &[], &[]);
        r.assert_exit(0);
        assert_eq!(r.line("join"), "join results_ok=8 main_counter=7 main_aligned=true", "own TLS per thread, canary shared");
        assert_eq!(r.line("stack"), "stack big=96 default=16", "6 MiB deep in an 8 MiB stack");
        assert_eq!(r.line("nested"), "nested result=42");
        assert_eq!(r.line("detached"), "detached done=16");
        assert_eq!(r.line("huge_stack"), "huge_stack refused=true");
    }
}

for_each_config! {
    fn a_stack_overflow_stops_at_the_guard_page(cfg: Config) {
        let r = run(cfg, &rust("thread_api", cfg), &["overflow"], &[]);
        assert_eq!(r.signal, Some(11), "SIGSEGV on the guard page: {r:?}");
        assert!(!r.stdout.contains("survived"));
    }
}

for_each_config! {
    fn lifecycle_of_10000_threads_leaks_no_mapping(cfg: Config) {
        let r = run(cfg, &rust("thread_lifecycle", cfg), &[], &[]);
        r.assert_exit(0);
        let joined = r.line("joined");
        for (key, want) in [("threads", "10000"), ("fresh", "10000"), ("bad_sums", "0")] {
            assert_eq!(field(joined, key).unwrap(), want, "{key} in {joined}");
        }
        let alive: usize = field(joined, "most_alive").unwrap().parse().unwrap();
        assert!((2..=32).contains(&alive), "{joined}");
        let detached = r.line("detached");
        for key in ["done", "fresh"] {
            assert_eq!(field(detached, key).unwrap(), "1000", "{key} in {detached}");
        }
        if cfg.native() {
            assert_eq!(field(joined, "registered").unwrap(), "10000", "{joined}");
            assert!(field(joined, "min_cpu").unwrap().parse::<i32>().unwrap() >= 0);
            assert_eq!(field(detached, "registered").unwrap(), "1000", "{detached}");
        } else {
            assert_eq!(field(joined, "min_cpu").unwrap(), "-2", "{joined}");
            assert_eq!(field(joined, "max_cpu").unwrap(), "-2", "{joined}");
        }
        let maps = r.line("maps");
        assert_eq!(field(maps, "before"), field(maps, "after"), "{maps}");
        assert_eq!(field(maps, "unmapped").unwrap(), "true", "{maps}");
    }
}

for_each_config! {
    fn threads_follow_the_rseq_owner(cfg: Config) {
        // LIBC: every thread registered (or -2 after the main thread's ENOSYS).
        let r = run(cfg, &rust("thread_api", cfg), &["rseq"], &[]);
        r.assert_exit(0);
        for i in 0..4 {
            let l = r.line(&format!("thread {i} "));
            assert!(registered(cfg, &field(l, "cpu_id").unwrap()), "{l}");
            assert_eq!(field(l, "owner").unwrap(), "LIBC");
        }
        // UNSET (CRT0_RSEQ=0): threads do nothing; cpu_id stays -1.
        let r = run(cfg, &rust("thread_api", cfg), &["rseq"], &[("CRT0_RSEQ", "0")]);
        r.assert_exit(0);
        for i in 0..4 {
            assert_eq!(r.line(&format!("thread {i} ")), format!("thread {i} cpu_id=-1 owner=UNSET"));
        }
    }
}

for_each_config! {
    fn override_hooks_run_in_every_thread(cfg: Config) {
        let ok = cfg.native().to_string();
        let r = run(cfg, &rust("thread_hooks", cfg), &[], &[]);
        r.assert_exit(0);
        assert_eq!(r.line("ctor"), format!("ctor claimed=true hooks_set=true main_registered={ok}"));
        for i in 0..4 {
            let l = r.line(&format!("thread {i} "));
            assert_eq!(field(l, "hook_first").unwrap(), "true", "the start hook runs before the thread's code: {l}");
            assert_eq!(field(l, "registered").unwrap(), ok, "{l}");
            assert_eq!(field(l, "crt0_cpu_id").unwrap(), "-1", "crt0 leaves rseq to the owner: {l}");
            if cfg.native() {
                assert!(field(l, "own_cpu_id").unwrap().parse::<i32>().unwrap() >= 0, "{l}");
            }
        }
        let unregistered = if cfg.native() { 4 } else { 0 };
        assert_eq!(r.line("hooks"), format!("hooks starts=4 exits=4 unregistered={unregistered} owner=OVERRIDE"));

        // Without a claim the hooks are refused and threads are crt0's.
        let r = run(cfg, &rust("thread_hooks", cfg), &[], &[("HOOKS", "late")]);
        r.assert_exit(0);
        assert_eq!(r.line("main"), "main hooks_set=false owner=LIBC");
        let l = r.line("thread 0 ");
        assert!(l.starts_with("thread 0 hook_first=false registered=false own_cpu_id=-1 "), "{l}");
        assert!(registered(cfg, &field(l, "crt0_cpu_id").unwrap()), "{l}");
        assert_eq!(r.line("hooks"), "hooks starts=0 exits=0 unregistered=0 owner=LIBC");

        // The same from C.
        let r = run(cfg, &c_program("tests/c/thread_hooks.c", "thread_hooks", &[], cfg), &[], &[]);
        r.assert_exit(0);
        assert_eq!(r.line("ctor"), "ctor claimed=1 hooks_set=1 ");
        let n = if cfg.native() { 1 } else { 0 };
        assert_eq!(
            r.line("threads"),
            format!("threads hook_first=1 registered={n} own_cpu_ok={n} crt0_unregistered=1 starts=4 exits=4 unregistered={} set_again=1 ", 4 * n)
        );
    }
}

for_each_config! {
    fn thread_local_destructors_run_newest_first(cfg: Config) {
        let r = run(cfg, &rust("thread_dtors", cfg), &[], &[]);
        r.assert_exit(0);
        assert_eq!(
            r.lines(),
            [
                "thread body done",
                "drop c value=3",
                "drop b value=2",
                "drop late value=4",
                "drop a value=1",
                "joined",
                "detached dtor ran=true",
                "main returns",
                "drop main value=5",
                "atexit handler",
            ]
        );
    }
}

for_each_config! {
    fn c_pthreads(cfg: Config) {
        let p = c_program("tests/c/pthread.c", "pthread", &[], cfg);
        let r = run(cfg, &p, &[], &[]);
        r.assert_exit(0);
        let (reg, failed) = if cfg.native() { (8, 0) } else { (0, 8) };
        assert_eq!(r.line("join"), format!("join sum=140 fresh=8 own=8 registered={reg} failed={failed} main_tls=42 "));
        assert_eq!(r.line("self"), "self matches=8 join_self=1 ");
        assert_eq!(r.line("stack"), "stack default=2097152 too_small=1 set=8388608 depth=96 ");
        assert_eq!(r.line("detached"), "detached state=1 done=10 detach_running=0 detach_finished=0 ");
        let tail: Vec<&str> = r.lines().into_iter().skip_while(|l| !l.starts_with("thread registered")).collect();
        assert_eq!(
            tail,
            ["thread registered dtors", "dtor third", "dtor second", "dtor first", "exit value=7 ", "main returns", "dtor main", "atexit handler"]
        );

        // main leaves with pthread_exit: the last thread's end exits 0.
        let r = run(cfg, &p, &["mainexit"], &[]);
        r.assert_exit(0);
        assert_eq!(r.lines(), ["main calls pthread_exit", "dtor main", "last thread ends", "atexit handler"]);
    }
}

for_each_native_config! {
    fn a_thread_whose_registration_fails_ends_the_process(cfg: Config) {
        let r = run(cfg, &c_program("tests/c/thread_rseq_denied.c", "thread_rseq_denied", &[], cfg), &[], &[]);
        assert_eq!(r.code, Some(127), "{r:?}");
        assert!(r.line("main").ends_with("denied=1 "), "{r:?}");
        assert_eq!(r.stderr, "crt0: fatal: rseq registration failed in a new thread, errno 1\n");
        assert!(!r.stdout.contains("thread ran") && !r.stdout.contains("survived"));
    }
}

for_each_native_config! {
    fn each_thread_registers_first_and_unregisters_last(cfg: Config) {
        // strace -f: every thread's first system call registers its area,
        // its last before exit unregisters it (flag 1, the same length).
        let log = std::env::temp_dir().join(format!("crt0-threads-strace-{}-{}", std::process::id(), cfg.name()));
        let mut c = std::process::Command::new("strace");
        c.args(["-f", "-qq", "-o"]).arg(&log).arg(rust("thread_api", cfg)).arg("rseq").env_clear();
        run_command(c).assert_exit(0);
        let text = std::fs::read_to_string(&log).unwrap();
        std::fs::remove_file(&log).ok();
        let mut calls: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
        for l in text.lines() {
            let (pid, call) = l.split_once(' ').unwrap();
            calls.entry(pid).or_default().push(call.trim_start());
        }
        let main_pid = text.lines().next().unwrap().split(' ').next().unwrap();
        let threads: Vec<_> = calls.iter().filter(|(pid, _)| **pid != main_pid).collect();
        assert_eq!(threads.len(), 4, "{text}");
        // "rseq(AREA, LEN, FLAGS, SIG..." -> (AREA, LEN, FLAGS)
        let args = |call: &str| -> Option<(String, String, String)> {
            let mut a = call.strip_prefix("rseq(")?.split(", ").map(str::to_string);
            Some((a.next()?, a.next()?, a.next()?))
        };
        for (pid, calls) in threads {
            let (area, len, flags) = args(calls[0]).unwrap_or_else(|| panic!("thread {pid} starts with {:?}", calls[0]));
            assert_eq!(flags, "0", "thread {pid} registers first: {:?}", calls[0]);
            let last = calls.iter().rev().find(|c| !c.starts_with("exit(") && !c.starts_with("<...")).unwrap();
            assert_eq!(args(last), Some((area, len, "0x1".to_string())), "thread {pid} ends with {last:?}: {calls:?}");
        }
    }
}
