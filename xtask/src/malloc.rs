//! The `malloc` command: crt0's heap against glibc's and musl's malloc, on the same C
//! workloads (xtask/programs/malloc_bench.c), side by side in one run.
//!
//! Each program is a static executable built from the same source three ways. Times are
//! CPU times (user + system, from wait4's rusage: what the process itself spent, page
//! faults and system calls included, without the waiting a busy machine adds to wall time),
//! the median of interleaved runs (A, B, C, A, B, C...), given as ratios to glibc. Peak RSS
//! (VmHWM at exit) and the heap's system calls, each from a traced run of its own, and the
//! minor page faults do not depend on timing: the same workload gives the same figures
//! every run.

use crate::baselines::{self, Paths};
use crate::child::{self, Exit, Program};
use crate::report::thousands;
use crate::trace;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::io::{self, Read};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub struct Options {
    pub runs: usize,
}

/// A workload: the program's arguments, and what the table calls it.
struct Workload {
    args: &'static [&'static str],
    title: &'static str,
    /// The targets crt0 must meet against glibc: CPU time, peak RSS (None: none).
    time_target: Option<f64>,
    rss_target: Option<f64>,
}

const WORKLOADS: [Workload; 3] = [
    Workload {
        args: &["mixed", "1000000", "50"],
        title: "mixed: 10^6 random malloc/free/realloc over 4096 slots, 70% of 1..64 bytes, 30% of 1 byte..1 MiB",
        time_target: Some(1.5),
        rss_target: Some(1.3),
    },
    Workload {
        args: &["mixed", "1000000", "0"],
        title: "mixed without realloc (for comparison: the same, a full slot is always freed)",
        time_target: None,
        rss_target: None,
    },
    Workload {
        args: &["small", "8000000"],
        title: "small: 16..256 bytes, 2*10^6 malloc/free pairs, then 2000 batches of 1000 blocks freed in random order",
        time_target: Some(1.5),
        rss_target: None,
    },
];

/// One allocator's build of the workload program.
struct Build {
    name: &'static str,
    binary: Result<PathBuf, String>,
}

/// What one run of a program reported.
pub(crate) struct Sample {
    pub cpu: Duration,
    pub wall: Duration,
    pub minor_faults: u64,
    pub stdout: String,
}

pub fn run(opts: &Options) -> io::Result<()> {
    let paths = Paths::new();
    std::fs::create_dir_all(&paths.bench)?;
    let builds = build_all(&paths);
    for b in &builds {
        if let Err(why) = &b.binary {
            eprintln!("{}: skipped: {why}", b.name);
        }
    }
    let ready: Vec<(&'static str, &Path)> = builds
        .iter()
        .filter_map(|b| b.binary.as_ref().ok().map(|p| (b.name, p.as_path())))
        .collect();
    if ready.first().map(|r| r.0) != Some("glibc") || !ready.iter().any(|r| r.0 == "crt0") {
        return Err(io::Error::other("need at least the glibc and crt0 builds to compare"));
    }

    let mut out = String::new();
    let mut verdicts = Vec::new();
    for w in &WORKLOADS {
        eprintln!("{}: {} runs of {} programs, round-robin...", w.args.join(" "), opts.runs, ready.len());
        let samples = time_round_robin(&ready, w.args, opts.runs)?;
        // Every allocator must have done the same work: same checksum, exit 0.
        let expected = &samples[0][0].stdout;
        for ((name, _), runs) in ready.iter().zip(&samples) {
            if let Some(bad) = runs.iter().find(|s| &s.stdout != expected) {
                return Err(io::Error::other(format!(
                    "{name} printed {:?}, glibc {:?}",
                    bad.stdout, expected
                )));
            }
        }
        // The figures that do not depend on timing, from runs of their own.
        let mut calls = Vec::new();
        let mut peaks = Vec::new();
        for (_, binary) in &ready {
            let argv: Vec<OsString> =
                std::iter::once(binary.as_os_str().to_owned()).chain(w.args.iter().map(OsString::from)).collect();
            let program = Program::new(binary, &argv, &[])?;
            calls.push(heap_syscalls(&program)?);
            peaks.push(peak_rss(&program)?);
        }
        let _ = writeln!(out, "\n{}\n", w.title);
        out.push_str("| allocator | CPU time (median) | vs glibc | wall time (median) | peak RSS (VmHWM) | vs glibc | minor faults | heap syscalls |\n");
        out.push_str("|---|---:|---:|---:|---:|---:|---:|---|\n");
        let base_cpu = median(samples[0].iter().map(|s| s.cpu).collect());
        let base_rss = peaks[0];
        for ((((name, _), runs), calls), &rss) in ready.iter().zip(&samples).zip(&calls).zip(&peaks) {
            let cpu = median(runs.iter().map(|s| s.cpu).collect());
            let wall = median(runs.iter().map(|s| s.wall).collect());
            let faults = median_u64(runs.iter().map(|s| s.minor_faults).collect());
            let time_ratio = cpu.as_secs_f64() / base_cpu.as_secs_f64();
            let rss_ratio = rss as f64 / base_rss as f64;
            let _ = writeln!(
                out,
                "| {name} | {:.3} s | {time_ratio:.2} | {:.3} s | {} KiB | {rss_ratio:.2} | {} | {calls} |",
                cpu.as_secs_f64(),
                wall.as_secs_f64(),
                thousands(rss),
                thousands(faults),
            );
            if *name == "crt0" {
                if let Some(t) = w.time_target {
                    verdicts.push(verdict(w.args[0], "CPU time vs glibc", time_ratio, t));
                }
                if let Some(t) = w.rss_target {
                    verdicts.push(verdict(w.args[0], "peak RSS vs glibc", rss_ratio, t));
                }
            }
            if *name == "musl" && w.time_target.is_some() && w.args[0] == "mixed" {
                let crt0 = ready.iter().position(|r| r.0 == "crt0").expect("crt0 is built");
                let crt0_cpu = median(samples[crt0].iter().map(|s| s.cpu).collect());
                let vs_musl = crt0_cpu.as_secs_f64() / cpu.as_secs_f64();
                verdicts.push(verdict("mixed", "CPU time vs musl", vs_musl, 1.0));
            }
        }
    }
    print!("{out}");
    println!(
        "\nMedians of {} interleaved runs each; CPU time = user + system (rusage). Peak RSS and heap syscalls from traced runs.\n",
        opts.runs
    );
    for v in &verdicts {
        println!("{v}");
    }
    Ok(())
}

fn verdict(workload: &str, what: &str, ratio: f64, target: f64) -> String {
    let ok = if ratio < target || (target > 1.0 && ratio <= target) { "met" } else { "MISSED" };
    format!("- {workload}: crt0 {what}: {ratio:.2} (target {} {target}): {ok}", if target > 1.0 { "<=" } else { "<" })
}

fn build_all(paths: &Paths) -> Vec<Build> {
    let source = paths.programs.join("malloc_bench.c");
    let out = |name: &str| paths.bench.join(format!("malloc-{name}"));
    let crt0 = baselines::crt0_cc(paths, &["-O2", "-DUSE_CRT0_H"], &source, &out("crt0"));
    vec![
        Build { name: "glibc", binary: baselines::compile("gcc", &["-O2", "-static"], &source, &out("glibc")) },
        Build { name: "musl", binary: baselines::compile("musl-gcc", &["-O2", "-static"], &source, &out("musl")) },
        Build { name: "crt0", binary: crt0 },
    ]
}

fn time_round_robin(programs: &[(&str, &Path)], args: &[&str], runs: usize) -> io::Result<Vec<Vec<Sample>>> {
    let mut samples: Vec<Vec<Sample>> = programs.iter().map(|_| Vec::with_capacity(runs)).collect();
    for _ in 0..runs {
        for (i, (_, binary)) in programs.iter().enumerate() {
            samples[i].push(run_once(binary, args)?);
        }
    }
    Ok(samples)
}

/// Runs `binary` once in an empty environment and collects its rusage with wait4.
pub(crate) fn run_once(binary: &Path, args: &[&str]) -> io::Result<Sample> {
    let start = Instant::now();
    let mut child = Command::new(binary)
        .args(args)
        .env_clear()
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .arg0(binary.file_name().unwrap_or_default())
        .spawn()?;
    let mut stdout = String::new();
    child.stdout.take().expect("piped stdout").read_to_string(&mut stdout)?;
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to overwrite.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: the child is ours and not reaped yet (std reaps only in wait, never called);
    // both out-pointers are valid.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    if r != pid {
        return Err(io::Error::last_os_error());
    }
    if !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        return Err(io::Error::other(format!(
            "{} {}: failed (wait status {status:#x}), printed {stdout:?}",
            binary.display(),
            args.join(" ")
        )));
    }
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    Ok(Sample {
        cpu: time(usage.ru_utime) + time(usage.ru_stime),
        wall,
        minor_faults: usage.ru_minflt as u64,
        stdout,
    })
}

/// The program's peak resident set (VmHWM, KiB), read from /proc when it stops on its way
/// out. Not wait4's ru_maxrss: that also counts the memory of the forked copy of xtask the
/// program replaced with execve (about 5 MiB), more than a small workload's whole heap.
pub(crate) fn peak_rss(program: &Program) -> io::Result<u64> {
    let mut hwm = None;
    let exit = trace::exec_and_exit_stops(program, |stop, pid| {
        if stop == trace::Stop::Exit {
            let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
            hwm = status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok());
        }
        Ok(())
    })?;
    if exit != Exit::Code(0) {
        return Err(io::Error::other(format!("{}: {exit}", program.path().display())));
    }
    hwm.ok_or_else(|| io::Error::other("no VmHWM in /proc/PID/status"))
}

/// "brk 14, mmap 7553, ...": the memory system calls of one traced run.
fn heap_syscalls(program: &Program) -> io::Result<String> {
    let binary = program.path();
    let null = child::dev_null()?;
    let (calls, exit) = trace::syscalls(program, &null, &null)?;
    if exit != Exit::Code(0) {
        return Err(io::Error::other(format!("{} under ptrace: {exit}", binary.display())));
    }
    let kinds = [
        (libc::SYS_brk, "brk"),
        (libc::SYS_mmap, "mmap"),
        (libc::SYS_munmap, "munmap"),
        (libc::SYS_mremap, "mremap"),
        (libc::SYS_madvise, "madvise"),
    ];
    let counts: Vec<String> = kinds
        .iter()
        .map(|&(nr, name)| (name, calls.iter().filter(|&&c| c == nr as u64).count()))
        .filter(|&(_, n)| n > 0)
        .map(|(name, n)| format!("{name} {}", thousands(n as u64)))
        .collect();
    Ok(if counts.is_empty() { "none".to_string() } else { counts.join(", ") })
}

pub(crate) fn median(mut v: Vec<Duration>) -> Duration {
    v.sort_unstable();
    v[v.len() / 2]
}

pub(crate) fn median_u64(mut v: Vec<u64>) -> u64 {
    v.sort_unstable();
    v[v.len() / 2]
}
