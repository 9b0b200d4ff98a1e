//! crt0-cc as a toolchain wrapper, the way users run it: a Makefile project
//! ([`tests/c/make-project`](c/make-project)) built with `make CC=.../crt0-cc`,
//! with `CC=gcc make` where the Makefile sets `CC = crt0-cc` (make hands
//! either to the commands it runs, so crt0-cc finds itself in CC), through
//! a symlink, from an installed copy with no cargo and no source tree, with
//! clang (static, static-PIE, aarch64), each run against the same project
//! built by gcc with glibc. A compiler that calls crt0-cc again must stop at
//! once with a message. Every command runs watched: a recursion (the chain
//! of processes `make CC=crt0-cc` used to start) is killed, and the test
//! fails, as soon as more than a make's few processes run at once, within
//! a second instead of hundreds of processes later.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// What the program reads: the counts, ties broken alphabetically, and the
/// length statistics through printf's %f and %e and libm.
const INPUT: &str = "The quick brown fox jumps over the lazy dog.\n\
    A dog, a fox; the dog sleeps and the fox runs.\n\
    Numbers 42 and 7 count as words, and so do UPPER and lower case.\n";

/// Seconds for a make or compile once the runtime is built: a handful of
/// compiler runs.
const QUICK: u64 = 120;

fn scratch_dir() -> PathBuf {
    root().join("target/cc-wrapper")
}

/// A fresh copy of the project under target/cc-wrapper/NAME.
fn project(name: &str) -> PathBuf {
    let dir = scratch_dir().join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for e in std::fs::read_dir(root().join("tests/c/make-project")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
    }
    dir
}

/// More processes at once than a make of this project runs (make, a shell,
/// crt0-cc, the compiler driver and its cc1, as and ld): a wrapper that
/// runs itself passes it within a second.
const MAX_PROCESSES: usize = 40;

/// Runs `c` in a process group of its own, watching it: fails, killing the
/// group, when it has more than [`MAX_PROCESSES`] processes at once or runs
/// longer than `secs`. Returns its status, stdout and stderr, and how long
/// it took.
fn watched(mut c: Command, secs: u64) -> (Option<i32>, String, String, Duration) {
    use std::io::Read;
    use std::os::unix::process::CommandExt;
    use std::process::Stdio;
    c.process_group(0).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = c.spawn().unwrap_or_else(|e| panic!("{c:?} does not run: {e} (Debian: apt-get install make gcc clang gcc-aarch64-linux-gnu; cargo xtask test installs them)"));
    let read = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = r.read_to_end(&mut v);
            String::from_utf8_lossy(&v).into_owned()
        })
    };
    let (out, err) = (read(Box::new(child.stdout.take().unwrap())), read(Box::new(child.stderr.take().unwrap())));
    let group = child.id() as i32;
    let (mut most, mut why) = (0, None);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        let n = processes_in(group);
        most = most.max(n);
        if n > MAX_PROCESSES {
            why = Some(format!("{n} processes at once"));
        } else if start.elapsed() > Duration::from_secs(secs) {
            why = Some(format!("more than {secs} s"));
        }
        if why.is_some() {
            // SAFETY: kill(2) on the group the child leads.
            unsafe { libc::kill(-group, libc::SIGKILL) };
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let (out, err) = (out.join().unwrap(), err.join().unwrap());
    if let Some(why) = why {
        panic!("{c:?} was stopped after {why} (at most {most} seen):\n{out}{err}");
    }
    (status.code(), out, err, start.elapsed())
}

/// How many processes are in process group `group` (from /proc).
fn processes_in(group: i32) -> usize {
    let Ok(dir) = std::fs::read_dir("/proc") else { return 0 };
    dir.filter_map(|e| std::fs::read_to_string(e.ok()?.path().join("stat")).ok())
        .filter(|stat| {
            // pid (comm) state ppid pgrp ...; comm may hold anything.
            let after = &stat[stat.rfind(')').map_or(0, |i| i + 1)..];
            after.split_whitespace().nth(2).and_then(|g| g.parse::<i32>().ok()) == Some(group)
        })
        .count()
}

/// `make ARGS` in `dir` (with `env`), which must succeed within [`QUICK`].
fn make(dir: &Path, args: &[&str], env: &[(&str, &str)]) {
    let mut c = Command::new("make");
    c.arg("-s").args(args).current_dir(dir).envs(env.iter().copied());
    let (code, out, err, _) = watched(c, QUICK);
    assert_eq!(code, Some(0), "make {args:?} in {} failed:\n{out}{err}", dir.display());
}

/// The program's run on [`INPUT`] with argument 6.
fn wordstats(cfg: Config, dir: &Path) -> Run {
    run_input(cfg, &dir.join("wordstats"), &["6"], &[], INPUT.as_bytes())
}

/// The project built against glibc with gcc -static (the reference).
fn glibc(cfg: Config) -> &'static Run {
    static RUNS: [OnceLock<Run>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    RUNS[cfg.arch() as usize].get_or_init(|| {
        let dir = project(&format!("glibc-{}", cfg.name()));
        match cfg.arch() {
            Arch::X86_64 => make(&dir, &["CC=gcc", "LDFLAGS=-static"], &[]),
            Arch::Aarch64 => make(&dir, &["CC=aarch64-linux-gnu-gcc", "AR=aarch64-linux-gnu-ar", "LDFLAGS=-static"], &[]),
            Arch::Riscv64 => make(&dir, &["CC=riscv64-linux-gnu-gcc", "AR=riscv64-linux-gnu-ar", "LDFLAGS=-static"], &[]),
        }
        let run = wordstats(cfg, &dir);
        run.assert_exit(0);
        assert!(run.stdout.contains("    4 the\n") && run.stdout.ends_with("bye\n"), "{run:?}");
        run
    })
}

/// Builds the project in `dir` with `make ARGS` and checks the program
/// against glibc's build.
fn check_build(cfg: Config, dir: &Path, args: &[&str], env: &[(&str, &str)]) {
    make(dir, args, env);
    assert_same_run(&format!("make {args:?} {env:?} on {}", cfg.name()), &wordstats(cfg, dir), glibc(cfg));
}

/// A directory holding only `crt0-cc`, a symlink to crt/crt0-cc.
fn symlinked() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = scratch_dir().join(format!("symlink-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::os::unix::fs::symlink(root().join("crt/crt0-cc"), dir.join("crt0-cc")).unwrap();
        dir
    })
    .clone()
}

/// PATH with `dir` first.
fn path_with(dir: &Path) -> String {
    format!("{}:{}", dir.display(), std::env::var("PATH").unwrap())
}

/// crt0 installed with `crt/crt0-cc --install`, then moved: an installed
/// copy knows its place from where it is. This also builds every runtime
/// the other tests link (with cargo, in crt0-cc's target directory), so it
/// alone gets a long time.
fn installed() -> &'static PathBuf {
    static PREFIX: OnceLock<PathBuf> = OnceLock::new();
    PREFIX.get_or_init(|| {
        let first = scratch_dir().join(format!("install-{}", std::process::id()));
        let prefix = scratch_dir().join("prefix");
        let _ = std::fs::remove_dir_all(&prefix);
        let mut c = Command::new(root().join("crt/crt0-cc"));
        c.arg("--install").arg(&first).args(["x86_64-unknown-linux-gnu", "aarch64-unknown-linux-gnu", "x86_64-none", "x86_64-none-pie"]);
        let (code, out, err, _) = watched(c, 1800);
        assert_eq!(code, Some(0), "crt/crt0-cc --install failed:\n{out}{err}");
        std::fs::rename(&first, &prefix).unwrap();
        prefix
    })
}

#[test]
fn make_with_cc_naming_the_wrapper() {
    installed();
    let cfg = Config::X86_64Host;
    let cc = root().join("crt/crt0-cc");
    check_build(cfg, &project("make-cc"), &[&format!("CC={}", cc.display())], &[]);
    // Through a symlink on PATH, as the Makefile names it, and with the
    // environment's CC replaced by the Makefile's (make exports it).
    let path = path_with(&symlinked());
    check_build(cfg, &project("env-cc"), &[], &[("CC", "gcc"), ("PATH", &path)]);
    // A symlink of another name.
    let other = scratch_dir().join(format!("other-{}", std::process::id()));
    std::fs::create_dir_all(&other).unwrap();
    let _ = std::fs::remove_file(other.join("mycc"));
    std::os::unix::fs::symlink(cc, other.join("mycc")).unwrap();
    check_build(cfg, &project("symlink-cc"), &[&format!("CC={}", other.join("mycc").display())], &[]);
}

#[test]
fn make_for_aarch64_riscv64_and_static_pie() {
    installed();
    let path = path_with(&symlinked());
    for cfg in [Config::Aarch64Host, Config::Riscv64Host, Config::X86_64HostPie] {
        let mut args = vec![];
        let mut env = vec![("PATH", path.as_str())];
        match cfg.arch() {
            Arch::Aarch64 => {
                args.push("AR=aarch64-linux-gnu-ar");
                env.push(("CRT0_REALCC", "aarch64-linux-gnu-gcc"));
            }
            Arch::Riscv64 => {
                args.push("AR=riscv64-linux-gnu-ar");
                env.push(("CRT0_REALCC", "riscv64-linux-gnu-gcc"));
            }
            Arch::X86_64 => {}
        }
        if cfg.pie() {
            args.extend(["LDFLAGS=-static-pie", "CFLAGS=-O2 -fPIE"]);
        }
        check_build(cfg, &project(&format!("make-{}", cfg.name())), &args, &env);
    }
}

#[test]
fn a_compiler_that_runs_crt0_cc_again_stops_at_once() {
    installed();
    let dir = scratch_dir().join(format!("loop-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // A compiler wrapper of the user's own around crt0-cc: nothing crt0-cc
    // can recognise by name.
    let mycc = dir.join("mycc");
    std::fs::write(&mycc, format!("#!/bin/sh\nexec {} \"$@\"\n", root().join("crt/crt0-cc").display())).unwrap();
    std::fs::set_permissions(&mycc, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let hello = root().join("examples/c/hello.c");
    for (var, value) in [("CC", mycc.to_str().unwrap()), ("CRT0_REALCC", mycc.to_str().unwrap())] {
        let mut c = Command::new(root().join("crt/crt0-cc"));
        c.arg("-o").arg(dir.join("hello")).arg(&hello).env(var, value);
        let (code, _, err, took) = watched(c, QUICK);
        assert_eq!(code, Some(1), "{var}={value}: {err}");
        assert!(err.contains("crt0-cc: the compiler crt0-cc runs") && err.contains("set CRT0_REALCC"), "{var}: {err}");
        assert!(took < Duration::from_secs(10), "{var}: took {took:?}");
    }
    // The same from make.
    let mut c = Command::new("make");
    c.arg(format!("CC={}", mycc.display())).current_dir(project("loop"));
    let (code, _, err, _) = watched(c, QUICK);
    assert_ne!(code, Some(0));
    assert!(err.contains("runs crt0-cc again"), "{err}");
    // CRT0_REALCC naming crt0-cc (through a symlink) is refused by name.
    let mut c = Command::new(root().join("crt/crt0-cc"));
    c.arg("-o").arg(dir.join("hello")).arg(&hello).env("CRT0_REALCC", symlinked().join("crt0-cc"));
    let (code, _, err, _) = watched(c, QUICK);
    assert_eq!(code, Some(1));
    assert!(err.contains("is crt0-cc itself"), "{err}");
}

#[test]
fn the_installed_copy_needs_no_cargo_and_no_source_tree() {
    let prefix = installed();
    for f in ["bin/crt0-cc", "bin/crt0-c++", "lib/crt0/include/crt0.h", "share/crt0/crt0-gdb.py"] {
        assert!(prefix.join(f).is_file(), "{f} is not installed");
    }
    for f in ["bin/crt0-cc", "bin/crt0-c++"] {
        let text = std::fs::read_to_string(prefix.join(f)).unwrap();
        assert!(!text.contains(root().to_str().unwrap()), "{f} names the source tree");
    }
    // A clean environment: PATH without cargo (rustup's is in ~/.cargo/bin).
    let path = format!("{}:/usr/bin:/bin", prefix.join("bin").display());
    let which = Command::new("sh").args(["-c", "command -v cargo rustc"]).env_clear().env("PATH", &path).output().unwrap();
    assert!(which.stdout.is_empty(), "cargo is on {path}: {}", String::from_utf8_lossy(&which.stdout));
    let clean = |c: &mut Command| {
        c.env_clear().env("PATH", &path);
    };
    let builds: [(Config, &[&str], &[(&str, &str)]); 4] = [
        (Config::X86_64Host, &[], &[]),
        (Config::X86_64HostPie, &["LDFLAGS=-static-pie", "CFLAGS=-O2 -fPIE"], &[]),
        (Config::Aarch64Host, &["AR=aarch64-linux-gnu-ar"], &[("CRT0_REALCC", "aarch64-linux-gnu-gcc")]),
        (Config::X86_64NonePie, &["LDFLAGS=-static-pie", "CFLAGS=-O2 -fPIE"], &[("CRT0_TARGET", "x86_64-none")]),
    ];
    for (cfg, args, env) in builds {
        let dir = project(&format!("installed-{}", cfg.name()));
        let mut c = Command::new("make");
        c.arg("-s").args(args).current_dir(&dir);
        clean(&mut c);
        c.envs(env.iter().copied());
        let (code, out, err, _) = watched(c, QUICK);
        assert_eq!(code, Some(0), "installed crt0-cc, make {args:?} {env:?}:\n{out}{err}");
        assert_same_run(&format!("installed crt0-cc on {}", cfg.name()), &wordstats(cfg, &dir), glibc(cfg));
    }
    // A target that was not installed: named, with the way to install it.
    let mut c = Command::new(prefix.join("bin/crt0-cc"));
    c.arg("-o").arg(scratch_dir().join("installed-hello")).arg(root().join("examples/c/hello.c"));
    clean(&mut c);
    c.env("CRT0_REALCC", "aarch64-linux-gnu-gcc").env("CRT0_TARGET", "aarch64-none");
    let (code, _, err, _) = watched(c, QUICK);
    assert_eq!(code, Some(1));
    assert!(err.contains("no libcrt0.a for aarch64-none") && err.contains("--install"), "{err}");
    // C++ from the installed copy, against g++ and glibc.
    let cpp = "tests/cxx/runtime.cpp";
    let out = scratch_dir().join("installed-runtime");
    let mut c = Command::new(prefix.join("bin/crt0-c++"));
    c.args(["-O2", "-std=c++17", "-fsized-deallocation", "-o"]).arg(&out).arg(root().join(cpp));
    clean(&mut c);
    // make CXX=crt0-c++ hands crt0-c++ itself in CXX: skipped for c++.
    c.env("CXX", prefix.join("bin/crt0-c++"));
    let (code, o, err, _) = watched(c, QUICK);
    assert_eq!(code, Some(0), "installed crt0-c++: {o}{err}");
    let cfg = Config::X86_64Host;
    let flags = ["-std=c++17", "-fsized-deallocation", "-fno-exceptions", "-fno-rtti"];
    assert_same_run("installed crt0-c++", &run(cfg, &out, &[], &[]), &run(cfg, &glibc_cxx_program(cpp, "runtime-Gnu", &flags, cfg, Cxx::Gnu), &[], &[]));
}

#[test]
fn clang_static_static_pie_and_aarch64() {
    installed();
    let found = std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| d.join("clang").is_file()));
    assert!(found, "clang is not installed: these tests need it (Debian: apt-get install clang; cargo xtask test installs it)");
    let cc = format!("CC={}", root().join("crt/crt0-cc").display());
    let builds: [(Config, &[&str], &str); 3] = [
        (Config::X86_64Host, &[], "clang"),
        (Config::X86_64HostPie, &["LDFLAGS=-static-pie", "CFLAGS=-O2 -fPIE"], "clang"),
        (Config::Aarch64Host, &["AR=aarch64-linux-gnu-ar"], "clang --target=aarch64-linux-gnu"),
    ];
    for (cfg, args, clang) in builds {
        let dir = project(&format!("clang-{}", cfg.name()));
        let mut all = vec![cc.as_str()];
        all.extend(args);
        check_build(cfg, &dir, &all, &[("CRT0_REALCC", clang)]);
        // Built by clang: its .comment says so.
        let comment = Command::new("readelf").args(["-p", ".comment"]).arg(dir.join("wordstats")).output().unwrap();
        assert!(String::from_utf8_lossy(&comment.stdout).contains("clang"), "{} not built by clang", cfg.name());
    }
}

#[test]
fn the_compiler_comes_from_crt0_realcc_then_cc_and_a_stale_runtime_is_rebuilt() {
    installed();
    let hello = root().join("examples/c/hello.c");
    let out = scratch_dir().join(format!("hello-cc-{}", std::process::id()));
    let build = |env: &[(&str, &str)]| {
        let mut c = Command::new(root().join("crt/crt0-cc"));
        c.args(["-Os", "-o"]).arg(&out).arg(&hello).envs(env.iter().copied());
        watched(c, QUICK)
    };
    // CC names the compiler: a wrong one fails the build; CRT0_REALCC
    // comes first.
    let (code, _, err, _) = build(&[("CC", "/nonexistent/cc")]);
    assert!(code != Some(0) && err.contains("cannot run the compiler '/nonexistent/cc'"), "{err}");
    let (code, _, err, _) = build(&[("CC", "/nonexistent/cc"), ("CRT0_REALCC", "gcc")]);
    assert_eq!(code, Some(0), "{err}");
    let r = run(Config::X86_64Host, &out, &[], &[]);
    r.assert_exit(0);
    assert_eq!(r.stdout, "hello\n");
    // A runtime older than crt0's sources is brought up to date first.
    let lib = root().join("target/crt0-cc/x86_64-unknown-linux-gnu/release/link/libcrt0.a");
    let old = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    std::fs::File::options().write(true).open(&lib).unwrap().set_modified(old).unwrap();
    let (code, _, err, _) = build(&[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(std::fs::metadata(&lib).unwrap().modified().unwrap() > old, "libcrt0.a was rebuilt");
}
