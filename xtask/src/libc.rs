//! The `libc` command: crt0's C library against glibc's and musl's, on the workloads of
//! xtask/programs/libc_bench.c: the printf family formatting integers, strings and floats,
//! and memcpy, strlen and strcmp at 16 bytes to 64 KiB. Each workload's program is built
//! three ways from the same source and run round-robin (glibc, musl, crt0, glibc, ...);
//! the figures are CPU-time medians (user + system, from wait4) and their ratios. The
//! targets: within 1.2x of glibc, and no slower than musl.

use crate::baselines::{self, Paths};
use crate::malloc::{median, run_once, Sample};
use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

pub struct Options {
    pub runs: usize,
    /// Only the workloads whose name starts with this.
    pub only: Option<String>,
}

/// The workloads: the program's arguments (the last is the iteration count, chosen for
/// some 0.2 s of glibc's time, so that start-up and timer noise stay small).
const WORKLOADS: [&[&str]; 16] = [
    &["snprintf-int", "2000000"],
    &["snprintf-str", "2000000"],
    &["snprintf-float", "600000"],
    &["printf", "1000000"],
    &["memcpy", "16", "100000000"],
    &["memcpy", "256", "80000000"],
    &["memcpy", "4096", "5000000"],
    &["memcpy", "65536", "200000"],
    &["strlen", "16", "120000000"],
    &["strlen", "256", "60000000"],
    &["strlen", "4096", "8000000"],
    &["strlen", "65536", "300000"],
    &["strcmp", "16", "100000000"],
    &["strcmp", "256", "30000000"],
    &["strcmp", "4096", "4000000"],
    &["strcmp", "65536", "200000"],
];

/// crt0 at most this many times glibc's time, and no slower than musl.
const VS_GLIBC: f64 = 1.2;
const VS_MUSL: f64 = 1.0;

pub fn run(opts: &Options) -> io::Result<()> {
    let paths = Paths::new();
    std::fs::create_dir_all(&paths.bench)?;
    let source = paths.programs.join("libc_bench.c");
    let out = |name: &str| paths.bench.join(format!("libc-{name}"));
    let builds: Vec<(&str, Result<PathBuf, String>)> = vec![
        ("glibc", baselines::compile("gcc", &["-O2", "-static"], &source, &out("glibc"))),
        ("musl", baselines::compile("musl-gcc", &["-O2", "-static"], &source, &out("musl"))),
        ("crt0", baselines::crt0_cc(&paths, &["-O2"], &source, &out("crt0"))),
    ];
    let mut ready: Vec<(&str, &Path)> = Vec::new();
    for (name, b) in &builds {
        match b {
            Ok(p) => ready.push((name, p)),
            Err(why) => return Err(io::Error::other(format!("{name}: {why} (the comparison needs all three; Debian: gcc, musl-tools)"))),
        }
    }
    let mut table = String::from("| workload | glibc | musl | crt0 | crt0 / glibc | crt0 / musl |\n|---|---:|---:|---:|---:|---:|\n");
    let mut verdicts = Vec::new();
    for args in WORKLOADS {
        if opts.only.as_ref().is_some_and(|o| !args[0].starts_with(o.as_str())) {
            continue;
        }
        let what = args.join(" ");
        eprintln!("{what}: {} runs of 3 programs, round-robin...", opts.runs);
        let mut samples: Vec<Vec<Sample>> = ready.iter().map(|_| Vec::new()).collect();
        for _ in 0..opts.runs {
            for (i, (_, binary)) in ready.iter().enumerate() {
                samples[i].push(run_once(binary, args)?);
            }
        }
        // The same work: every run printed what glibc's did.
        let expected = &samples[0][0].stdout;
        for ((name, _), runs) in ready.iter().zip(&samples) {
            if runs.iter().any(|s| &s.stdout != expected) {
                return Err(io::Error::other(format!("{what}: {name}'s output differs from glibc's")));
            }
        }
        let t: Vec<f64> = samples.iter().map(|r| median(r.iter().map(|s| s.cpu).collect()).as_secs_f64()).collect();
        let (vs_glibc, vs_musl) = (t[2] / t[0], t[2] / t[1]);
        let _ = writeln!(
            table,
            "| {what} | {:.3} s | {:.3} s | {:.3} s | {vs_glibc:.2} | {vs_musl:.2} |",
            t[0], t[1], t[2]
        );
        let name = args[..args.len() - 1].join(" ");
        verdicts.push(verdict(&name, "vs glibc", vs_glibc, VS_GLIBC));
        verdicts.push(verdict(&name, "vs musl", vs_musl, VS_MUSL));
    }
    print!("{table}");
    println!("\nCPU time (user + system, from wait4): medians of {} interleaved runs; the last argument is the number of calls.\n", opts.runs);
    for v in &verdicts {
        println!("{v}");
    }
    Ok(())
}

/// A target's verdict line. The ratio is judged as printed (two decimals): a
/// difference the table cannot show is not a miss.
fn verdict(name: &str, what: &str, ratio: f64, target: f64) -> String {
    let ok = if (ratio * 100.0).round() / 100.0 <= target { "met" } else { "MISSED" };
    format!("- {name}: crt0 {what}: {ratio:.2} (target <= {target}): {ok}")
}
