//! Writing the results: docs/BENCHMARKS.md, its SVG charts in docs/bench/, and the short
//! README section (docs/README-bench-section.md) that shows the headline table.

use super::rows::Row;
use super::runtime::Section;
use super::scaling::{Runtime, Series};
use super::svg::{self, Axis, Bar};
use super::targets;
use crate::report::thousands;
use crate::sysnames;
use std::fmt::Write;
use std::io;
use std::path::Path;

pub struct Results<'a> {
    pub command: String,
    pub runs: usize,
    pub machine: &'a [(&'static str, String)],
    pub rows: &'a [Row],
    pub scaling: &'a [Series],
    pub runtime: &'a [Section],
}

/// Writes every file into `out` (docs/ for a full run) and returns the start-up table.
pub fn write(out: &Path, r: &Results) -> io::Result<String> {
    let charts = out.join("bench");
    std::fs::create_dir_all(&charts)?;
    for (name, text) in chart_files(r) {
        std::fs::write(charts.join(name), text)?;
    }
    // Build errors name files by absolute path; the committed page should not say where
    // the repository was checked out.
    let root = format!("{}/", crate::baselines::Paths::new().root.display());
    let table = startup_table(r.rows).replace(&root, "");
    std::fs::write(out.join("BENCHMARKS.md"), benchmarks(r, &table).replace(&root, ""))?;
    std::fs::write(out.join("README-bench-section.md"), readme_section(r, &table))?;
    Ok(table)
}

fn chart_files(r: &Results) -> Vec<(String, String)> {
    let ok: Vec<(&Row, &super::rows::Figures)> = r.rows.iter().filter_map(|row| row.figures.as_ref().ok().map(|f| (row, f))).collect();
    let bar = |row: &Row, value: f64, range| Bar { label: row.label.to_string(), value, range, highlight: row.crt0 };
    let mut files = vec![
        (
            "startup-instructions.svg".to_string(),
            svg::bars("User instructions, execve to exit (static hello)", "instructions (log scale)", Axis::Log,
                &ok.iter().map(|(row, f)| bar(row, f.m.instructions as f64, None)).collect::<Vec<_>>()),
        ),
        (
            "startup-wall.svg".to_string(),
            svg::bars(&format!("Exec-to-exit wall time / floor (median; whisker: quartiles of {} rounds)", r.runs), "ratio to the floor", Axis::Linear { origin: 1.0 },
                &ok.iter().map(|(row, f)| bar(row, f.ratio, Some(f.quartiles))).collect::<Vec<_>>()),
        ),
        (
            "startup-size.svg".to_string(),
            svg::bars("Stripped size of the static hello", "bytes (log scale)", Axis::Log,
                &ok.iter().map(|(row, f)| bar(row, f.m.stripped_bytes as f64, None)).collect::<Vec<_>>()),
        ),
        (
            "startup-faults.svg".to_string(),
            svg::bars("Minor page faults, execve to exit", "page faults", Axis::Linear { origin: 0.0 },
                &ok.iter().map(|(row, f)| bar(row, f.minor_faults as f64, None)).collect::<Vec<_>>()),
        ),
    ];
    for s in r.scaling {
        let series: Vec<svg::Series> = s
            .lines
            .iter()
            .filter(|l| l.points.iter().any(Option::is_some))
            .map(|l| svg::Series { name: l.runtime.name().to_string(), points: l.points.iter().map(|p| p.map(|n| n as f64)).collect() })
            .collect();
        let title = format!("{}: user instructions, execve to exit", s.title);
        files.push((format!("scaling-{}.svg", s.key), svg::lines(&title, s.x_title, &s.x_labels(), "instructions (log scale)", &series)));
    }
    files
}

/// The start-up table, as BENCHMARKS.md and the README section show it.
pub fn startup_table(rows: &[Row]) -> String {
    let mut t = String::from(
        "| program | stripped bytes | system calls, execve to exit | user instructions | minor page faults | wall time / floor (quartiles) |\n\
         |---|---:|---|---:|---:|---:|\n",
    );
    for row in rows {
        let name = if row.crt0 { format!("**{}**", row.label) } else { row.label.to_string() };
        match &row.figures {
            Ok(f) => {
                let _ = writeln!(
                    t,
                    "| {name} | {} | {}: {} | {} | {} | {:.3} ({:.3}-{:.3}) |",
                    thousands(f.m.stripped_bytes),
                    f.m.syscalls.len(),
                    sysnames::list(&f.m.syscalls),
                    thousands(f.m.instructions),
                    f.minor_faults,
                    f.ratio,
                    f.quartiles.0,
                    f.quartiles.1
                );
            }
            Err(why) => {
                let first = why.lines().next().unwrap_or("").replace('|', "\\|");
                let _ = writeln!(t, "| {name} | {first} | | | | |");
            }
        }
    }
    t
}

/// Whether strace saw as many system calls as xtask's tracer, row by row.
fn strace_check(rows: &[Row]) -> String {
    let mut differ = vec![];
    let mut missing = vec![];
    for row in rows {
        let Ok(f) = &row.figures else { continue };
        match &f.strace_syscalls {
            Ok(n) if *n == f.m.syscalls.len() => {}
            Ok(n) => differ.push(format!("{}: strace {n}, xtask {}", row.label, f.m.syscalls.len())),
            Err(why) => missing.push(format!("{}: {why}", row.label)),
        }
    }
    let mut s = match differ.len() {
        0 => "strace (`strace -qq`, empty environment) counted the same number of system calls as xtask's tracer on every measured row.".to_string(),
        _ => format!("strace counted differently: {}.", differ.join("; ")),
    };
    if !missing.is_empty() {
        let _ = write!(s, " No strace count for {}.", missing.join("; "));
    }
    s
}

fn machine_table(machine: &[(&str, String)]) -> String {
    let mut t = String::from("| | |\n|---|---|\n");
    for (k, v) in machine {
        let _ = writeln!(t, "| {k} | {v} |");
    }
    t
}

fn benchmarks(r: &Results, startup: &str) -> String {
    let mut d = String::new();
    let _ = writeln!(
        d,
        "# Benchmarks\n\nWritten by `{}` (xtask/src/bench/); rerun it to refresh this page and the charts in \
         [bench/](bench/). Every figure below comes from the same run on this machine:\n\n{}",
        r.command,
        machine_table(r.machine)
    );
    let _ = writeln!(
        d,
        "## Start-up: a static hello\n\n\
         The same program (`write(1, \"hello\\n\", 6)`, exit 0) with each runtime, `argv[0] = \"hello\"` and an empty \
         environment. A row that could not be built or run says why. Wall time: {} round-robin rounds; the \
         floor's median was {:.0} µs.\n\n{startup}\n\
         ![instructions](bench/startup-instructions.svg)\n\n![wall time](bench/startup-wall.svg)\n\n\
         ![size](bench/startup-size.svg)\n\n![page faults](bench/startup-faults.svg)\n",
        r.runs,
        r.rows.first().and_then(|row| row.figures.as_ref().ok()).map_or(0.0, |f| f.median.as_secs_f64() * 1e6),
    );
    let _ = writeln!(d, "{}\n", strace_check(r.rows));
    let _ = writeln!(d, "{}", targets::section(r.rows));
    d.push_str("## Scaling\n\nUser instructions from execve to exit of programs whose `main` does nothing (the \
                environment series runs the start-up rows' hellos), as one start-up item grows; the per-item cost is the slope from the first point to the last. C runtimes build the \
                generated programs of `tests/gen` (as `cargo xtask hostile` does) with `-O2`; origin's are Rust \
                programs doing the same (`.init_array` entries, a `#[thread_local]` array).\n\n");
    for s in r.scaling {
        d.push_str(&scaling_table(s));
    }
    for sec in r.runtime {
        let body = match &sec.output {
            Ok(text) => text.clone(),
            Err(why) => format!("not measured: {why}"),
        };
        let _ = writeln!(d, "## {}\n\nFrom `{}`:\n\n{body}\n", sec.title, sec.command);
    }
    d.push_str(HOW);
    d
}

fn scaling_table(s: &Series) -> String {
    let mut t = format!("### {}\n\n{}; user instructions:\n\n| runtime |", s.title, s.x_title);
    for l in s.x_labels() {
        let _ = write!(t, " {l} |");
    }
    let _ = writeln!(t, " per {} |", s.unit);
    t.push_str(&"|---".repeat(1));
    t.push_str(&"|---:".repeat(s.xs.len() + 1));
    t.push_str("|\n");
    for line in &s.lines {
        let name = if line.runtime == Runtime::Crt0 { "**crt0**" } else { line.runtime.name() };
        let _ = write!(t, "| {name} |");
        if line.points.iter().all(Option::is_none) {
            let why = line.note.as_deref().unwrap_or("no figures");
            let _ = writeln!(t, " {why} |{}", " |".repeat(s.xs.len()));
            continue;
        }
        for p in &line.points {
            let _ = write!(t, " {} |", p.map_or(String::new(), thousands));
        }
        let slope = line.per_unit(s).map_or(String::new(), |v| if v >= 1000.0 { thousands(v.round() as u64) } else { format!("{v:.2}") });
        let _ = writeln!(t, " {slope} |");
        if let Some(note) = &line.note {
            let _ = writeln!(t, "| ({}: {}) |{}", line.runtime.name(), note.replace('|', "\\|"), " |".repeat(s.xs.len() + 1));
        }
    }
    let _ = writeln!(t, "\n![{}](bench/scaling-{}.svg)\n", s.title, s.key);
    t
}

fn readme_section(r: &Results, startup: &str) -> String {
    let machine: Vec<String> = r.machine.iter().filter(|(k, _)| matches!(*k, "CPU" | "kernel" | "date (UTC)")).map(|(_, v)| v.clone()).collect();
    format!(
        "## Benchmarks\n\n\
         ```sh\ncargo xtask bench            # everything below, about {} minutes; writes docs/\n\
         cargo xtask bench --quick    # fewer runs and points, a few minutes; writes target/bench-docs/\n```\n\n\
         It needs gcc, musl-tools and strace, and reaches crates.io once to build origin.\n\n\
         Measured side by side in one run ({}); the whole set, with the scaling series (constructors, IRELATIVE \
         relocations, environment variables, TLS size), rseq, threads and the heap, is in \
         [docs/BENCHMARKS.md](docs/BENCHMARKS.md).\n\n{startup}\n\
         ![instructions](docs/bench/startup-instructions.svg)\n![wall time](docs/bench/startup-wall.svg)\n\n\
         Scaling: [constructors](docs/bench/scaling-ctors.svg), [IRELATIVE relocations](docs/bench/scaling-irelative.svg), \
         [environment variables](docs/bench/scaling-env.svg), [TLS size](docs/bench/scaling-tls.svg).\n",
        FULL_RUN_MINUTES,
        machine.join("; ")
    )
}

/// What a full run took on the shared 2-core machine the committed figures come from; most of
/// it is single-stepping glibc through 10,000 environment variables, which slows when the
/// machine is busy.
const FULL_RUN_MINUTES: &str = "8 to 15";

const HOW: &str = "## How each figure is measured\n\n\
- **Stripped bytes**: the file size after `strip` of a copy.\n\
- **System calls**: every syscall entry from execve to exit under `PTRACE_SYSCALL` (execve itself included).\n\
- **User instructions**: the program single-stepped with ptrace from its first instruction after execve to \
  exit (xtask/src/trace.rs); no timers, the same count every run. A `rep`-prefixed instruction counts once \
  per iteration; instructions in the vDSO count.\n\
- **Minor page faults**: field 10 of /proc/PID/stat read at a ptrace stop right after execve and at \
  `PTRACE_EVENT_EXIT`, the difference; the program runs untraced in between; the median of 11 runs (stack \
  randomisation moves the count by a page now and then). Not wait4's `ru_minflt`, which also counts the \
  faults of the forked copy of xtask before execve.\n\
- **Wall time**: fork + execve + wait of each program, the programs interleaved round-robin so that a noisy \
  machine slows all alike; the ratio of each program's median to the floor's median, and the quartiles of \
  the per-round ratios. Times are only given as ratios: the machine is shared.\n\
- **origin**: a cargo project that xtask writes under target/bench/origin/ and builds from crates.io, as \
  origin's README describes (origin's own `_start`, `-nostartfiles`; `+crt-static` with \
  `relocation-model=static`, or its `experimental-relocate` feature for static-PIE). Its \"nightly\" \
  feature is left off (it pulls in `unwinding`, which does not build with this nightly) and rustix is held \
  at 1.0 (rustix 1.1.6 hides the `rustix::runtime` module origin 0.26 calls); the heap is \
  `rustix-dlmalloc`, as in origin's examples.\n";
