//! `cargo xtask heap`: the allocation-pattern suite. Every workload (`workloads`) is built for
//! glibc (`gcc -O2 -static`), musl (`musl-gcc -O2 -static`) and crt0 (`crt/crt0-cc -O2`) from
//! the same C source and run side by side: each round runs every workload with every
//! runtime, so a noisy machine slows them all alike; figures are medians over the rounds.
//!
//! - CPU time (user + system, every thread) and wall time, and minor page faults, from
//!   wait4's rusage of the timed runs;
//! - peak RSS: VmHWM read from /proc at the program's exit stop, in a run of its own;
//! - system calls: `strace -f -c` (every thread) of one more run, for the calls that get or
//!   give back memory and for futex (threads waiting, on a lock or a join);
//! - the memory-return figures: what `frag` and `threads` print on their "rss" lines.
//!
//! Every run's result line must be the same for all three runtimes (the workloads print only
//! what their arguments decide), or the command fails: a faster wrong answer counts for
//! nothing. The Rust twin of `mixed` runs on crt0 (tests/programs `heap_mixed`) and under
//! std on glibc's malloc (this program's hidden `heap-mixed-std` command), and must print
//! the C program's line.

mod report;
pub mod workloads;

use crate::baselines::{self, Paths};
use crate::child::Program;
use crate::malloc::{median, median_u64, peak_rss, run_once, Sample};
use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use workloads::{Workload, WORKLOADS};

pub struct Options {
    pub runs: usize,
    pub quick: bool,
    /// Where HEAP.md and the charts go (docs/ for a full run).
    pub out: PathBuf,
}

pub const RUNTIMES: [&str; 3] = ["glibc", "musl", "crt0"];

/// A runnable build of one workload for one runtime: a binary and the arguments before the
/// workload's own.
#[derive(Clone)]
pub struct Runner {
    pub binary: PathBuf,
    pub prefix: Vec<String>,
}

/// What was measured of one workload on one runtime.
pub struct Figures {
    pub cpu: f64,
    pub wall: f64,
    pub minor_faults: u64,
    pub peak_rss_kib: u64,
    /// (system call, count) for the calls that `strace -c` saw.
    pub calls: Vec<(String, u64)>,
    /// The "rss" line the workload printed, if any.
    pub rss_line: Option<String>,
}

/// One workload's row per runtime: figures, or why there are none.
pub struct Row {
    pub workload: &'static Workload,
    pub results: Vec<(&'static str, Result<Figures, String>)>,
}

pub fn run(opts: &Options) -> Result<(), String> {
    let paths = Paths::new();
    let dir = paths.bench.join("heap");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    eprintln!("heap: building {} workloads for {}...", WORKLOADS.len(), RUNTIMES.join(", "));
    let builds: Vec<Vec<Result<Runner, String>>> = WORKLOADS.iter().map(|w| RUNTIMES.iter().map(|rt| build(&paths, &dir, w, rt)).collect()).collect();
    if builds.iter().flatten().all(|b| b.is_err()) {
        return Err(format!("nothing could be built: {}", builds[0][0].as_ref().err().cloned().unwrap_or_default()));
    }
    let args = |w: &Workload| if opts.quick { w.quick } else { w.args };

    // The timed runs: round after round of every (workload, runtime).
    let mut samples: Vec<Vec<Vec<Sample>>> = WORKLOADS.iter().map(|_| RUNTIMES.iter().map(|_| Vec::new()).collect()).collect();
    let mut failed: Vec<Vec<Option<String>>> = WORKLOADS.iter().map(|_| vec![None; RUNTIMES.len()]).collect();
    for round in 0..opts.runs {
        eprintln!("heap: round {} of {}...", round + 1, opts.runs);
        for (w, workload) in WORKLOADS.iter().enumerate() {
            for r in 0..RUNTIMES.len() {
                let Ok(runner) = &builds[w][r] else { continue };
                if failed[w][r].is_some() {
                    continue;
                }
                match run_once(&runner.binary, &runner.args(args(workload))) {
                    Ok(s) => samples[w][r].push(s),
                    Err(e) => failed[w][r] = Some(e.to_string()),
                }
            }
        }
    }

    let mut rows = Vec::new();
    for (w, workload) in WORKLOADS.iter().enumerate() {
        eprintln!("heap: {}: peak RSS and system calls...", workload.name);
        let mut results = Vec::new();
        for (r, rt) in RUNTIMES.iter().enumerate() {
            let figures = match (&builds[w][r], &failed[w][r]) {
                (Err(why), _) => Err(why.lines().next().unwrap_or("build failed").to_string()),
                (_, Some(why)) => Err(why.clone()),
                (Ok(runner), None) => figures(runner, args(workload), &samples[w][r]),
            };
            results.push((*rt, figures));
        }
        rows.push(Row { workload, results });
    }
    check_outputs(&rows, &samples)?;
    let text = report::markdown(&rows, opts);
    print!("{text}");
    report::write(&opts.out, &rows, &text).map_err(|e| format!("writing {}: {e}", opts.out.display()))?;
    eprintln!("wrote {}/HEAP-BENCH.md and bench/heap-*.svg", opts.out.display());
    Ok(())
}

impl Runner {
    fn args<'a>(&'a self, args: &'a [&'a str]) -> Vec<&'a str> {
        self.prefix.iter().map(String::as_str).chain(args.iter().copied()).collect()
    }
}

fn build(paths: &Paths, dir: &Path, w: &Workload, runtime: &str) -> Result<Runner, String> {
    if w.program.is_empty() {
        return rust_twin(paths, runtime);
    }
    let source = paths.programs.join("heap").join(format!("{}.c", w.program));
    let out = dir.join(format!("{}-{runtime}", w.program));
    let binary = match runtime {
        "glibc" => baselines::compile("gcc", &["-O2", "-static", "-pthread"], &source, &out),
        "musl" => baselines::compile("musl-gcc", &["-O2", "-static"], &source, &out)
            .map_err(|e| if e.contains("not installed") { "musl-gcc not installed (Debian's musl-tools)".into() } else { e }),
        _ => baselines::crt0_cc(paths, &["-O2", "-DUSE_CRT0_H"], &source, &out),
    }?;
    Ok(Runner { binary, prefix: vec![] })
}

/// The Rust twin of `mixed`: tests/programs' `heap_mixed` on crt0, this program under std
/// (glibc's malloc, dynamically linked: the same malloc) for glibc; none for musl.
fn rust_twin(paths: &Paths, runtime: &str) -> Result<Runner, String> {
    match runtime {
        "crt0" => {
            let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
            let mut cmd = Command::new(cargo);
            cmd.current_dir(&paths.root).args(["build", "--release", "-p", "crt0-test-programs", "--bin", "heap_mixed"]);
            baselines::run(&mut cmd)?;
            Ok(Runner { binary: paths.target.join("release/heap_mixed"), prefix: vec![] })
        }
        "glibc" => {
            let me = std::env::current_exe().map_err(|e| e.to_string())?;
            Ok(Runner { binary: me, prefix: vec!["heap-mixed-std".into()] })
        }
        _ => Err("no Rust row: Rust's std does not target musl here".into()),
    }
}

fn figures(runner: &Runner, args: &[&str], samples: &[Sample]) -> Result<Figures, String> {
    let argv: Vec<OsString> = std::iter::once(runner.binary.as_os_str().to_owned())
        .chain(runner.args(args).iter().map(OsString::from))
        .collect();
    let program = Program::new(&runner.binary, &argv, &[]).map_err(|e| e.to_string())?;
    let peak = peak_rss(&program).map_err(|e| e.to_string())?;
    let calls = strace_counts(runner, args)?;
    let rss_line = samples.first().and_then(|s| s.stdout.lines().find(|l| l.starts_with("rss ")).map(str::to_string));
    Ok(Figures {
        cpu: median(samples.iter().map(|s| s.cpu).collect()).as_secs_f64(),
        wall: median(samples.iter().map(|s| s.wall).collect()).as_secs_f64(),
        minor_faults: median_u64(samples.iter().map(|s| s.minor_faults).collect()),
        peak_rss_kib: peak,
        calls,
        rss_line,
    })
}

/// The system calls that get or give back memory, and futex.
pub const TRACED: [&str; 6] = ["brk", "mmap", "munmap", "mremap", "madvise", "futex"];

/// Counts of the `TRACED` calls over every thread of one run, from `strace -f -c`.
fn strace_counts(runner: &Runner, args: &[&str]) -> Result<Vec<(String, u64)>, String> {
    let log = std::env::temp_dir().join(format!("xtask-heap-strace-{}", std::process::id()));
    let status = Command::new("strace")
        .args(["-f", "-qq", "-c", "-o"])
        .arg(&log)
        .arg(format!("-etrace={}", TRACED.join(",")))
        .arg(&runner.binary)
        .args(runner.args(args))
        .env_clear()
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .map_err(|e| if e.kind() == io::ErrorKind::NotFound { "strace not installed".to_string() } else { e.to_string() })?;
    let text = std::fs::read_to_string(&log).map_err(|e| e.to_string())?;
    std::fs::remove_file(&log).ok();
    if !status.success() {
        return Err(format!("failed under strace ({status})"));
    }
    Ok(parse_strace_summary(&text))
}

/// `strace -c`'s table: "% time seconds usecs/call calls [errors] syscall" rows.
pub fn parse_strace_summary(text: &str) -> Vec<(String, u64)> {
    text.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let name = *f.last()?;
            let calls = f.get(3)?.parse().ok()?;
            (TRACED.contains(&name) && f.len() >= 5).then(|| (name.to_string(), calls))
        })
        .collect()
}

/// Every runtime's result line (stdout without "rss" lines) must be glibc's, and the Rust
/// twin's the C `mixed` line.
fn check_outputs(rows: &[Row], samples: &[Vec<Vec<Sample>>]) -> Result<(), String> {
    let result = |s: &Sample| s.stdout.lines().filter(|l| !l.starts_with("rss ")).collect::<Vec<_>>().join("\n");
    let c_mixed = WORKLOADS.iter().position(|w| w.name == "mixed").and_then(|i| samples[i][0].first()).map(result);
    for (row, per_runtime) in rows.iter().zip(samples) {
        let expected = if row.workload.program.is_empty() { c_mixed.clone() } else { per_runtime[0].first().map(result) };
        let Some(expected) = expected else { continue };
        for (r, runs) in per_runtime.iter().enumerate() {
            if let Some(bad) = runs.iter().map(result).find(|got| *got != expected) {
                return Err(format!("{} on {}: printed {bad:?}, expected {expected:?}", row.workload.name, RUNTIMES[r]));
            }
        }
    }
    Ok(())
}

/// The hidden `heap-mixed-std OPS` command: the Rust twin under std.
pub fn mixed_std(args: Vec<OsString>) -> Result<(), String> {
    let ops = args.first().and_then(|a| a.to_str()?.parse().ok()).unwrap_or(1_000_000);
    let r = mixed::run(ops);
    print!("{r}");
    if r.failures != 0 {
        return Err("check failed".into());
    }
    Ok(())
}

#[path = "../../../tests/programs/src/mixed.rs"]
mod mixed;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strace_summary_rows_with_and_without_errors() {
        let text = "% time     seconds  usecs/call     calls    errors syscall\n\
                    ------ ----------- ----------- --------- --------- ----------------\n\
                     87.19    0.136778          53      2536           munmap\n\
                     10.00    0.010000           7        12         3 futex\n\
                      0.05    0.000081           2        30           write\n\
                    ------ ----------- ----------- --------- --------- ----------------\n\
                    100.00    0.156876          30      2578         3 total\n";
        assert_eq!(parse_strace_summary(text), [("munmap".to_string(), 2536), ("futex".to_string(), 12)]);
    }

    #[test]
    fn every_c_workload_has_its_program_and_small_arguments() {
        for w in &WORKLOADS {
            assert!(!w.quick.is_empty() && !w.args.is_empty(), "{}", w.name);
            if !w.program.is_empty() {
                let source = Paths::new().programs.join("heap").join(format!("{}.c", w.program));
                assert!(source.is_file(), "{}", source.display());
            }
        }
    }
}
