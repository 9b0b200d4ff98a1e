//! crt0's benchmark tool: `cargo run -q --release -p xtask -- <command>`.

// The Rust twin of the heap suite's `mixed` workload uses `alloc::alloc` (under std here).
extern crate alloc;

mod cross;
mod baselines;
mod bench;
mod child;
mod heap;
mod hostile;
mod kernels;
mod libc;
mod malloc;
mod measure;
mod mutex;
mod percpu;
mod report;
mod startup;
mod sysnames;
mod testall;
mod threads;
mod trace;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage:
  xtask test
      what ./test.sh and .ci/run run: install the missing Debian packages (apt-get, as root
      or through sudo), rust-src and the aarch64 target, fetch the pinned kernels, then
      every test (cargo test, the library on stable, xtask's and crt0-vm's unit tests)
  xtask bench [--quick] [--runs N] [--out DIR]
      everything side by side in one run: start-up rows (floor, glibc, musl, origin, crt0;
      static and static-PIE) with size, syscalls, instructions, minor page faults and wall
      time against the floor (N round-robin rounds, default 3000; --quick 300), the scaling
      series for every runtime, then percpu, threads, malloc, mutex and libc; writes BENCHMARKS.md,
      README-bench-section.md and bench/*.svg into DIR (default docs/; --quick:
      target/bench-docs/)
  xtask measure [--env K=V ...] [--expect TEXT] [--argv0 NAME] BINARY [ARGS...]
      stripped size, syscalls execve..exit, user instructions, exit status of one binary,
      run in an empty environment plus the --env variables; TEXT may use \\n and \\t;
      argv[0] is BINARY as given unless --argv0 names it
  xtask startup [--runs N] [--json FILE] [--env K=V ...]
      build the baselines into target/bench/ and compare them with crt0's hellos (default N 2000)
  xtask malloc [--runs N]
      crt0's heap against glibc's and musl's malloc on the workloads of
      xtask/programs/malloc_bench.c, built into target/bench/ (default N 7 interleaved runs)
  xtask libc [--runs N] [--only NAME]
      crt0's C library against glibc's and musl's: printf/snprintf of integers, strings and
      floats, memcpy/strlen/strcmp at 16 bytes to 64 KiB (xtask/programs/libc_bench.c, built
      into target/bench/); CPU-time medians of N interleaved runs (default 11); --only: the
      workloads whose name starts with NAME (memcpy, snprintf, ...)
  xtask heap [--quick] [--runs N] [--out DIR]
      the allocation-pattern suite: the workloads of xtask/programs/heap/ built for glibc,
      musl and crt0, N interleaved rounds (default 5; --quick: small sizes, 1 round), CPU
      and wall time, peak RSS, page faults, memory system calls, memory given back; writes
      HEAP-BENCH.md and bench/heap-*.svg into DIR (default docs/; --quick:
      target/bench-docs/)
  xtask mutex [--runs N]
      pthread_mutex_lock/unlock of crt0 against glibc's and musl's, uncontended and
      contended (xtask/programs/mutex_bench.c, built into target/bench/; default N 11
      interleaved runs)
  xtask percpu [--runs N] [--rounds R] [--batch B] [--stress-iters I]
      crt0::percpu against a plain load, getcpu (vDSO and system call), glibc's sched_getcpu
      and one shared atomic counter (default 5 runs of 11 interleaved rounds of 10^7 calls),
      then the long stress: 2x the CPUs, I counter adds each (default 25*10^6; 0 skips it)
  xtask startup-aarch64 [--runs N] [--kernel SUITE] [--json FILE]
      the same for aarch64, in target/bench-aarch64/: size, syscalls and instructions under
      qemu-user, wall time in one boot of a real arm64 kernel (default N 1000; SUITE is one
      of vm/kernels.txt's: bookworm (6.1, the default), trixie (6.12), unstable (7.x))
  xtask startup-riscv64 [--runs N] [--kernel SUITE] [--json FILE]
      the same for riscv64, in target/bench-riscv64/ (SUITE trixie, the default, or unstable)
  xtask kernels [list | fetch | update [--arch ARCH]... [SUITE...] | run ARCH SUITE [-f FILE]... PROGRAM [ARGS...]]
      the pinned real kernels (vm/kernels.txt): list them and the cache folder; fetch and
      verify them all into the cache; move the pins of SUITEs (default bookworm, trixie,
      unstable; of every ARCH, or of the named ones) to the kernels Debian's archive has now;
      or boot one (ARCH x86_64, aarch64 or riscv64) and run a static PROGRAM in it (in /prog,
      with each FILE), printing its output
  xtask threads [--runs N] [--threads N]
      crt0's pthread_create + pthread_join against glibc's (xtask/programs/thread_bench.c,
      static C programs), alternating runs, medians (default 11 runs of 10000 threads)
  xtask hostile
      user instructions per constructor, IRELATIVE resolver, environment variable and TLS
      byte: generated C programs (tests/gen) at 0, 1,000 and 10,000 of each, built with
      crt/crt0-cc into target/hostile/ and single-stepped (x86_64)";

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let result = match args.next().as_ref().and_then(|c| c.to_str()) {
        Some("measure") => measure(args.collect()),
        Some("startup") => startup(args.collect()),
        Some("malloc") => malloc(args.collect()),
        Some("libc") => libc_bench(args.collect()),
        Some("heap") => heap(args.collect()),
        Some("heap-mixed-std") => heap::mixed_std(args.collect()),
        Some("percpu") => percpu(args.collect()),
        Some("mutex") => mutex(args.collect()),
        Some("startup-aarch64") => cross::main(&cross::AARCH64, args.collect()),
        Some("startup-riscv64") => cross::main(&cross::RISCV64, args.collect()),
        Some("threads") => threads(args.collect()),
        Some("bench") => bench::parse(args.collect()).and_then(|o| bench::run(&o)),
        Some("kernels") => kernels::main(args.collect()),
        Some("test") => testall::run(args.collect()),
        Some("hostile") => hostile::run(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")).map_err(|e| e.to_string()),
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn measure(args: Vec<OsString>) -> Result<(), String> {
    let mut env = Vec::new();
    let mut expect = None;
    let mut argv0 = None;
    let mut rest = args.into_iter();
    let binary = loop {
        match rest.next() {
            Some(a) if a == "--env" => env.push(env_var(rest.next())?),
            Some(a) if a == "--expect" => expect = Some(unescape(&utf8(rest.next(), "--expect")?)),
            Some(a) if a == "--argv0" => argv0 = Some(rest.next().ok_or("--argv0 needs a name")?),
            Some(a) => break PathBuf::from(a),
            None => return Err(USAGE.to_string()),
        }
    };
    let argv: Vec<OsString> = [argv0.unwrap_or_else(|| binary.clone().into())]
        .into_iter()
        .chain(rest)
        .collect();
    let program = child::Program::new(&binary, &argv, &env).map_err(|e| e.to_string())?;
    let m = measure::measure(&program, expect.as_deref().map(str::as_bytes))
        .map_err(|e| e.to_string())?;
    measure::print(&binary, &m);
    Ok(())
}

fn startup(args: Vec<OsString>) -> Result<(), String> {
    let mut opts = startup::Options {
        runs: 2000,
        json: None,
        env: Vec::new(),
    };
    let mut rest = args.into_iter();
    while let Some(a) = rest.next() {
        if a == "--runs" {
            opts.runs = positive(rest.next(), "--runs")?;
        } else if a == "--json" {
            opts.json = Some(PathBuf::from(rest.next().ok_or("--json needs a file")?));
        } else if a == "--env" {
            opts.env.push(env_var(rest.next())?);
        } else {
            return Err(format!("unknown startup option {a:?}\n{USAGE}"));
        }
    }
    startup::run(&opts).map_err(|e| e.to_string())
}

fn malloc(args: Vec<OsString>) -> Result<(), String> {
    let mut opts = malloc::Options { runs: 7 };
    let mut rest = args.into_iter();
    while let Some(a) = rest.next() {
        if a == "--runs" {
            opts.runs = positive(rest.next(), "--runs")?;
        } else {
            return Err(format!("unknown malloc option {a:?}\n{USAGE}"));
        }
    }
    malloc::run(&opts).map_err(|e| e.to_string())
}

fn libc_bench(args: Vec<OsString>) -> Result<(), String> {
    let mut opts = libc::Options { runs: 11, only: None };
    let mut rest = args.into_iter();
    while let Some(a) = rest.next() {
        if a == "--runs" {
            opts.runs = positive(rest.next(), "--runs")?;
        } else if a == "--only" {
            let name = rest.next().and_then(|n| n.into_string().ok()).ok_or("--only needs a workload name")?;
            opts.only = Some(name);
        } else {
            return Err(format!("unknown libc option {a:?}\n{USAGE}"));
        }
    }
    libc::run(&opts).map_err(|e| e.to_string())
}

fn heap(args: Vec<OsString>) -> Result<(), String> {
    let (mut quick, mut runs, mut out) = (false, None, None);
    let mut rest = args.into_iter();
    while let Some(a) = rest.next() {
        match a.to_str() {
            Some("--quick") => quick = true,
            Some("--runs") => runs = Some(positive(rest.next(), "--runs")?),
            Some("--out") => out = Some(PathBuf::from(rest.next().ok_or("--out needs a directory")?)),
            _ => return Err(format!("unknown heap option {a:?}\n{USAGE}")),
        }
    }
    let paths = baselines::Paths::new();
    // A quick run must not overwrite the committed results of a full one.
    let out = out.unwrap_or_else(|| if quick { paths.target.join("bench-docs") } else { paths.root.join("docs") });
    heap::run(&heap::Options { runs: runs.unwrap_or(if quick { 1 } else { 5 }), quick, out })
}

fn mutex(args: Vec<OsString>) -> Result<(), String> {
    let mut opts = mutex::Options { runs: 11 };
    let mut rest = args.into_iter();
    while let Some(a) = rest.next() {
        if a == "--runs" {
            opts.runs = positive(rest.next(), "--runs")?;
        } else {
            return Err(format!("unknown mutex option {a:?}\n{USAGE}"));
        }
    }
    mutex::run(&opts).map_err(|e| e.to_string())
}

fn threads(args: Vec<OsString>) -> Result<(), String> {
    let mut opts = threads::Options { runs: 11, threads: 10_000 };
    let mut rest = args.into_iter();
    while let Some(a) = rest.next() {
        if a == "--runs" {
            opts.runs = positive(rest.next(), "--runs")?;
        } else if a == "--threads" {
            opts.threads = positive(rest.next(), "--threads")?;
        } else {
            return Err(format!("unknown threads option {a:?}\n{USAGE}"));
        }
    }
    threads::run(&opts).map_err(|e| e.to_string())
}

fn percpu(args: Vec<OsString>) -> Result<(), String> {
    let mut opts = percpu::Options { runs: 5, rounds: 11, batch: 10_000_000, stress_iters: 25_000_000 };
    let mut rest = args.into_iter();
    while let Some(a) = rest.next() {
        let number = |n: String| n.parse::<u64>().map_err(|_| format!("{a:?} {n}: not a number"));
        match a.to_str() {
            Some("--runs") => opts.runs = number(utf8(rest.next(), "--runs")?)?.max(1) as usize,
            Some("--rounds") => opts.rounds = number(utf8(rest.next(), "--rounds")?)?.clamp(1, 101) as u32,
            Some("--batch") => opts.batch = number(utf8(rest.next(), "--batch")?)?.max(100),
            Some("--stress-iters") => opts.stress_iters = number(utf8(rest.next(), "--stress-iters")?)?,
            _ => return Err(format!("unknown percpu option {a:?}\n{USAGE}")),
        }
    }
    percpu::run(&opts).map_err(|e| e.to_string())
}

fn utf8(arg: Option<OsString>, option: &str) -> Result<String, String> {
    let arg = arg.ok_or(format!("{option} needs a value"))?;
    arg.into_string()
        .map_err(|a| format!("{option} {a:?}: not UTF-8"))
}

/// The value of a numeric option that must be at least 1.
fn positive<T: std::str::FromStr + PartialOrd + From<u8>>(arg: Option<OsString>, option: &str) -> Result<T, String> {
    let n = utf8(arg, option)?;
    n.parse().ok().filter(|v: &T| *v >= T::from(1)).ok_or(format!("{option} {n}: not a positive number"))
}

fn env_var(arg: Option<OsString>) -> Result<(String, String), String> {
    let kv = utf8(arg, "--env")?;
    let (k, v) = kv
        .split_once('=')
        .ok_or(format!("--env {kv}: expected K=V"))?;
    Ok((k.to_string(), v.to_string()))
}

/// Shells make a trailing newline awkward to pass, so `--expect 'hello\n'` spells it.
fn unescape(s: &str) -> String {
    s.replace("\\n", "\n").replace("\\t", "\t")
}
