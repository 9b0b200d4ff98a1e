//! `xtask bench`: every comparison in one run, written to docs/ as Markdown and SVG.
//!
//! It measures start-up (`startup`'s figures plus minor page faults, for the floor, glibc,
//! musl, origin and crt0, static and static-PIE), the scaling series (`hostile`'s programs,
//! for every runtime that has the feature), then runs `percpu`, `threads`, `malloc`, `mutex` and `libc`.

mod doc;
mod faults;
pub(crate) mod machine;
mod origin;
mod peers;
mod rows;
mod runtime;
mod scaling;
mod strace;
pub(crate) mod svg;
mod targets;

use crate::baselines::Paths;
use scaling::Runtime;
use std::ffi::OsString;
use std::path::PathBuf;

pub struct Options {
    pub quick: bool,
    /// Round-robin rounds for the wall times.
    pub runs: usize,
    pub out: PathBuf,
}

pub fn parse(args: Vec<OsString>) -> Result<Options, String> {
    let paths = Paths::new();
    let (mut quick, mut runs, mut out) = (false, None, None);
    let mut rest = args.into_iter();
    while let Some(a) = rest.next() {
        match a.to_str() {
            Some("--quick") => quick = true,
            Some("--runs") => runs = Some(crate::positive(rest.next(), "--runs")?),
            Some("--out") => out = Some(PathBuf::from(rest.next().ok_or("--out needs a directory")?)),
            _ => return Err(format!("unknown bench option {a:?}")),
        }
    }
    // A quick run must not overwrite the committed results of a full one.
    let default_out = if quick { paths.target.join("bench-docs") } else { paths.root.join("docs") };
    Ok(Options { quick, runs: runs.unwrap_or(if quick { 300 } else { 3000 }), out: out.unwrap_or(default_out) })
}

pub fn run(opts: &Options) -> Result<(), String> {
    let start = std::time::Instant::now();
    let paths = Paths::new();
    std::fs::create_dir_all(&paths.bench).map_err(|e| e.to_string())?;
    eprintln!("bench: building the start-up rows...");
    let peers = peers::build_all(&paths);
    let hello = |label: &str| {
        let peer = peers.iter().find(|p| p.label == label).expect("a row of peers::build_all");
        peer.binary.clone()
    };
    let hellos = [
        (Runtime::Crt0, hello("crt0 C static")),
        (Runtime::Glibc, hello("glibc static")),
        (Runtime::Musl, hello("musl static")),
        (Runtime::Origin, hello("origin static")),
    ];
    let rows = rows::measure_all(peers, opts.runs).map_err(|e| e.to_string())?;
    let hellos = scaling::Hellos { of: hellos.iter().map(|(rt, b)| (*rt, b.as_deref().map_err(|e| e.clone()))).collect() };
    eprintln!("bench: {:.0} s so far; the scaling series...", start.elapsed().as_secs_f64());
    let scaling = scaling::run(&paths, opts.quick, &hellos);
    eprintln!("bench: {:.0} s so far; rseq, threads, heap...", start.elapsed().as_secs_f64());
    let runtime = runtime::run(opts.quick);
    eprintln!("bench: {:.0} s in all", start.elapsed().as_secs_f64());
    let machine = machine::describe(&paths);
    let command = if opts.quick { "cargo xtask bench --quick" } else { "cargo xtask bench" };
    let results = doc::Results { command: command.into(), runs: opts.runs, machine: &machine, rows: &rows, scaling: &scaling, runtime: &runtime };
    let table = doc::write(&opts.out, &results).map_err(|e| format!("writing {}: {e}", opts.out.display()))?;
    print!("{table}");
    println!("\n{}", targets::section(&rows));
    eprintln!("wrote {}/BENCHMARKS.md, README-bench-section.md and bench/*.svg", opts.out.display());
    Ok(())
}
