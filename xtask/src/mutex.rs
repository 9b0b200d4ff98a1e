//! The `mutex` command: pthread_mutex_lock/unlock of crt0 against glibc's and musl's, on
//! the same C program (xtask/programs/mutex_bench.c), side by side in one run.
//!
//! Each program times its own loops (CLOCK_MONOTONIC, start-up and thread creation left
//! out) and prints nanoseconds per lock/unlock pair; the programs run interleaved (glibc,
//! musl, crt0, glibc, ...) and the table shows the median of each, and ratios of medians.
//! Uncontended: one thread. Contended: every thread hammers one mutex around a shared
//! counter, whose final value each run checks.

use crate::baselines::{self, Paths};
use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub struct Options {
    pub runs: usize,
}

struct Workload {
    args: &'static [&'static str],
    title: &'static str,
}

const WORKLOADS: [Workload; 3] = [
    Workload { args: &["uncontended", "20000000"], title: "uncontended: 1 thread, 2*10^7 lock/unlock pairs" },
    Workload { args: &["contended", "2", "2000000"], title: "contended: 2 threads (one per core), 2*10^6 pairs each" },
    Workload { args: &["contended", "4", "1000000"], title: "contended: 4 threads on 2 cores, 10^6 pairs each" },
];

pub fn run(opts: &Options) -> io::Result<()> {
    let paths = Paths::new();
    std::fs::create_dir_all(&paths.bench)?;
    let source = paths.programs.join("mutex_bench.c");
    let out = |name: &str| paths.bench.join(format!("mutex-{name}"));
    let builds: Vec<(&str, Result<PathBuf, String>)> = vec![
        ("glibc", baselines::compile("gcc", &["-O2", "-static"], &source, &out("glibc"))),
        ("musl", baselines::compile("musl-gcc", &["-O2", "-static"], &source, &out("musl"))),
        ("crt0", baselines::crt0_cc(&paths, &["-O2"], &source, &out("crt0"))),
    ];
    let mut ready = Vec::new();
    for (name, b) in &builds {
        match b {
            Ok(p) => ready.push((*name, p.as_path())),
            Err(why) => eprintln!("{name}: skipped: {why}"),
        }
    }
    if ready.first().map(|r| r.0) != Some("glibc") || !ready.iter().any(|r| r.0 == "crt0") {
        return Err(io::Error::other("need at least the glibc and crt0 builds to compare"));
    }
    let mut table = String::new();
    let mut verdicts = Vec::new();
    for w in &WORKLOADS {
        eprintln!("{}: {} runs of {} programs, round-robin...", w.args.join(" "), opts.runs, ready.len());
        let mut ns: Vec<Vec<f64>> = ready.iter().map(|_| Vec::new()).collect();
        for _ in 0..opts.runs {
            for (i, (_, binary)) in ready.iter().enumerate() {
                ns[i].push(run_once(binary, w.args)?);
            }
        }
        let medians: Vec<f64> = ns.into_iter().map(median).collect();
        let _ = writeln!(table, "\n{}\n", w.title);
        table.push_str("| C library | ns per lock/unlock (median) | vs glibc | vs musl |\n|---|---:|---:|---:|\n");
        let musl = ready.iter().position(|r| r.0 == "musl").map(|i| medians[i]);
        for ((name, _), &m) in ready.iter().zip(&medians) {
            let vs_musl = musl.map_or("-".to_string(), |u| format!("{:.2}", m / u));
            let _ = writeln!(table, "| {name} | {m:.2} | {:.2} | {vs_musl} |", m / medians[0]);
            if *name == "crt0" {
                verdicts.push(verdict(w.args, "vs glibc", m / medians[0], 1.2));
                if let Some(u) = musl {
                    verdicts.push(verdict(w.args, "vs musl", m / u, 1.0));
                }
            }
        }
    }
    print!("{table}");
    println!("\nMedians of {} interleaved runs; each run times its own loops (CLOCK_MONOTONIC).\n", opts.runs);
    for v in &verdicts {
        println!("{v}");
    }
    Ok(())
}

fn verdict(args: &[&str], what: &str, ratio: f64, target: f64) -> String {
    let ok = if ratio <= target { "met" } else { "MISSED" };
    format!("- {}: crt0 {what}: {ratio:.2} (target <= {target}): {ok}", args[..args.len() - 1].join(" "))
}

/// Runs `binary` once and returns its nanoseconds per pair.
fn run_once(binary: &Path, args: &[&str]) -> io::Result<f64> {
    let out = Command::new(binary).args(args).env_clear().stdin(Stdio::null()).output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(io::Error::other(format!("{} {}: {} {text}", binary.display(), args.join(" "), out.status)));
    }
    let hundredths: f64 = text
        .split_whitespace()
        .find_map(|w| w.strip_prefix("ns="))
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| io::Error::other(format!("{}: no ns= in {text:?}", binary.display())))?;
    Ok(hundredths / 100.0)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}
