//! The `threads` command: crt0's pthread_create + pthread_join against glibc's, on the same
//! static C program (xtask/programs/thread_bench.c), side by side in one run.
//!
//! Each run of a build times its whole create/join loop with CLOCK_MONOTONIC and prints the
//! time per thread; runs of the two builds alternate (glibc, crt0, glibc, crt0...) so that a
//! busy machine slows both alike, and the table gives the medians and their ratio.

use crate::baselines::{self, Paths};
use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub struct Options {
    pub runs: usize,
    pub threads: u64,
}

/// crt0 must be within this factor of glibc on one-at-a-time create + join.
const TARGET: f64 = 1.2;

struct Workload {
    mode: &'static str,
    title: &'static str,
    target: Option<f64>,
}

const WORKLOADS: [Workload; 2] = [
    Workload { mode: "one", title: "create + join, one thread at a time", target: Some(TARGET) },
    Workload { mode: "batch", title: "create 32 threads, then join the 32", target: None },
];

pub fn run(opts: &Options) -> io::Result<()> {
    let paths = Paths::new();
    std::fs::create_dir_all(&paths.bench)?;
    let glibc = build_glibc(&paths).map_err(io::Error::other)?;
    let crt0 = build_crt0(&paths).map_err(io::Error::other)?;
    let builds: [(&str, &Path); 2] = [("glibc", &glibc), ("crt0", &crt0)];

    let mut out = String::from("| workload | glibc 2.36 (median) | crt0 (median) | crt0 / glibc |\n|---|---:|---:|---:|\n");
    let mut verdicts = Vec::new();
    for w in &WORKLOADS {
        eprintln!("{}: {} runs of {} threads per build, alternating...", w.mode, opts.runs, opts.threads);
        let mut ns: [Vec<u64>; 2] = [Vec::new(), Vec::new()];
        let mut checksums = [String::new(), String::new()];
        for _ in 0..opts.runs {
            for (i, (_, binary)) in builds.iter().enumerate() {
                let (per_thread, checksum) = run_once(binary, w.mode, opts.threads)?;
                ns[i].push(per_thread);
                checksums[i] = checksum;
            }
        }
        if checksums[0] != checksums[1] {
            return Err(io::Error::other(format!("checksums differ: glibc {}, crt0 {}", checksums[0], checksums[1])));
        }
        let [g, c] = ns.map(median);
        let ratio = c as f64 / g as f64;
        let _ = writeln!(out, "| {} | {:.1} µs | {:.1} µs | {ratio:.2} |", w.title, g as f64 / 1e3, c as f64 / 1e3);
        if let Some(t) = w.target {
            let ok = if ratio <= t { "met" } else { "MISSED" };
            verdicts.push(format!("- {}: crt0 / glibc {ratio:.2} (target <= {t}): {ok}", w.mode));
        }
    }
    println!("\nThread create + join, time per thread (CLOCK_MONOTONIC around the loop of {} threads),", opts.threads);
    println!("medians of {} alternating runs per build; both builds are static C programs.\n", opts.runs);
    print!("{out}");
    println!();
    for v in &verdicts {
        println!("{v}");
    }
    Ok(())
}

fn build_glibc(paths: &Paths) -> Result<PathBuf, String> {
    let source = paths.programs.join("thread_bench.c");
    baselines::compile("gcc", &["-O2", "-static", "-pthread"], &source, &paths.bench.join("threads-glibc"))
}

fn build_crt0(paths: &Paths) -> Result<PathBuf, String> {
    baselines::crt0_cc(paths, &["-O2", "-DUSE_CRT0_H"], &paths.programs.join("thread_bench.c"), &paths.bench.join("threads-crt0"))
}

/// One run: the time per thread in ns, and the checksum the program printed.
fn run_once(binary: &Path, mode: &str, threads: u64) -> io::Result<(u64, String)> {
    let out = Command::new(binary)
        .args([mode, &threads.to_string()])
        .env_clear()
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        return Err(io::Error::other(format!("{} {mode}: {} printed {text:?}", binary.display(), out.status)));
    }
    let field = |key: &str| text.split_whitespace().find_map(|w| w.strip_prefix(key)?.strip_prefix('=').map(str::to_string));
    let ns = field("ns_per_thread").and_then(|v| v.parse().ok());
    match (ns, field("checksum")) {
        (Some(ns), Some(sum)) => Ok((ns, sum)),
        _ => Err(io::Error::other(format!("{}: unexpected output {text:?}", binary.display()))),
    }
}

fn median(mut v: Vec<u64>) -> u64 {
    v.sort_unstable();
    v[v.len() / 2]
}
