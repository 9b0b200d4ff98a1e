//! The heap suite's page (HEAP-BENCH.md) and charts (bench/heap-*.svg).

use super::{Figures, Options, Row, RUNTIMES, TRACED};
use crate::baselines::Paths;
use crate::bench::svg::{self, Axis, Bar, Series};
use crate::report::thousands;
use std::fmt::Write;
use std::io;
use std::path::Path;

/// crt0's targets against glibc (issue 16): CPU time at most 1.0x, peak RSS at most 1.2x.
pub const CPU_TARGET: f64 = 1.0;
pub const RSS_TARGET: f64 = 1.2;

fn fig<'a>(row: &'a Row, runtime: &str) -> Option<&'a Figures> {
    row.results.iter().find(|(r, _)| *r == runtime).and_then(|(_, f)| f.as_ref().ok())
}

/// crt0's ratios to glibc: (CPU time, peak RSS).
pub fn ratios(row: &Row) -> Option<(f64, f64)> {
    let (g, c) = (fig(row, "glibc")?, fig(row, "crt0")?);
    Some((c.cpu / g.cpu, c.peak_rss_kib as f64 / g.peak_rss_kib as f64))
}

pub fn markdown(rows: &[Row], opts: &Options) -> String {
    let mut s = String::new();
    let command = if opts.quick { format!("cargo xtask heap --quick --runs {}", opts.runs) } else { format!("cargo xtask heap --runs {}", opts.runs) };
    let _ = writeln!(s, "# The heap against glibc and musl: allocation patterns\n");
    let _ = writeln!(s, "Written by `{command}` (xtask/src/heap/); [HEAP.md](HEAP.md) says what the figures mean for the heap's design. Every figure below comes from the same run; times are medians of {} interleaved rounds.\n", opts.runs);
    s += "| | |\n|---|---|\n";
    for (k, v) in crate::bench::machine::describe(&Paths::new()).iter().filter(|(k, _)| *k != "origin") {
        let _ = writeln!(s, "| {k} | {v} |");
    }
    s += "\n## Workloads\n\nEach a C program in [xtask/programs/heap/](../xtask/programs/heap/), every block patterned and checked; all three builds must print the same result line.\n\n| workload | threads | shaped like |\n|---|---:|---|\n";
    for row in rows {
        let w = row.workload;
        let args = if opts.quick { w.quick } else { w.args };
        let _ = writeln!(s, "| {} `{}` | {} | {} |", w.name, args.join(" "), w.threads, w.shape);
    }
    s += "\n## Results\n\nCPU time is user + system over all threads; \"vs glibc\" is the ratio of medians. System calls from `strace -f -c` of one run (thread stacks are mmaps too).\n\n";
    s += "| workload | runtime | CPU time | vs glibc | wall time | peak RSS | vs glibc | minor faults | memory system calls | futex |\n|---|---|---:|---:|---:|---:|---:|---:|---|---:|\n";
    for row in rows {
        let glibc = fig(row, "glibc");
        for (rt, f) in &row.results {
            let name = if *rt == "crt0" { "**crt0**".to_string() } else { rt.to_string() };
            match f {
                Ok(f) => {
                    let (cpu_ratio, rss_ratio) = glibc.map_or((String::new(), String::new()), |g| {
                        (format!("{:.2}", f.cpu / g.cpu), format!("{:.2}", f.peak_rss_kib as f64 / g.peak_rss_kib as f64))
                    });
                    let _ = writeln!(
                        s,
                        "| {} | {name} | {:.3} s | {cpu_ratio} | {:.3} s | {} KiB | {rss_ratio} | {} | {} | {} |",
                        row.workload.name,
                        f.cpu,
                        f.wall,
                        thousands(f.peak_rss_kib),
                        thousands(f.minor_faults),
                        calls(f),
                        thousands(count(f, "futex"))
                    );
                }
                Err(why) => {
                    let _ = writeln!(s, "| {} | {name} | {} | | | | | | | |", row.workload.name, why.replace('|', "\\|"));
                }
            }
        }
    }
    s += "\n![CPU time](bench/heap-cpu.svg)\n\n![peak RSS](bench/heap-rss.svg)\n\n## Goals\n\n";
    let _ = writeln!(s, "crt0 against glibc on every workload: CPU time at most {CPU_TARGET:.1}x, peak RSS at most {RSS_TARGET:.1}x.\n");
    s += "| workload | CPU time vs glibc | | peak RSS vs glibc | |\n|---|---:|---|---:|---|\n";
    for row in rows {
        if let Some((c, r)) = ratios(row) {
            let verdict = |v: f64, t: f64| if v <= t { "met" } else { "**missed**" };
            let _ = writeln!(s, "| {} | {c:.2} | {} | {r:.2} | {} |", row.workload.name, verdict(c, CPU_TARGET), verdict(r, RSS_TARGET));
        }
    }
    s += &memory_return(rows);
    s
}

fn count(f: &Figures, name: &str) -> u64 {
    f.calls.iter().find(|(n, _)| n == name).map_or(0, |c| c.1)
}

fn calls(f: &Figures) -> String {
    let parts: Vec<String> =
        TRACED.iter().filter(|&&n| n != "futex").filter_map(|&n| Some(count(f, n)).filter(|&c| c > 0).map(|c| format!("{n} {}", thousands(c)))).collect();
    if parts.is_empty() { "none".into() } else { parts.join(", ") }
}

/// The values of an "rss" line: `key=value` pairs.
fn rss_values(line: &str) -> Vec<(String, u64)> {
    line.split_whitespace().filter_map(|kv| kv.split_once('=')).filter_map(|(k, v)| Some((k.to_string(), v.parse().ok()?))).collect()
}

pub const PHASES: [&str; 4] = ["full", "after_free", "reuse", "empty"];

fn memory_return(rows: &[Row]) -> String {
    let mut s = String::from("\n## Memory given back\n\n");
    if let Some(row) = rows.iter().find(|r| r.workload.name == "frag") {
        s += "`frag`: resident memory (KiB, /proc/self/statm) after each phase, and the bytes the program still had allocated then.\n\n| | ";
        s += &PHASES.join(" | ");
        s += " |\n|---|---:|---:|---:|---:|\n";
        let mut live_done = false;
        for (rt, f) in &row.results {
            let Some(vals) = f.as_ref().ok().and_then(|f| f.rss_line.as_deref()).map(rss_values) else { continue };
            let get = |k: &str| vals.iter().find(|(n, _)| n == k).map_or(0, |v| v.1);
            if !live_done {
                let live: Vec<String> = PHASES.iter().map(|p| thousands(get(&format!("{p}_live")))).collect();
                let _ = writeln!(s, "| live bytes | {} |", live.join(" | "));
                live_done = true;
            }
            let v: Vec<String> = PHASES.iter().map(|p| thousands(get(p))).collect();
            let _ = writeln!(s, "| {rt} | {} |", v.join(" | "));
        }
        s += "\n![memory given back](bench/heap-frag.svg)\n";
    }
    if let Some(row) = rows.iter().find(|r| r.workload.name == "threads") {
        s += "\n`threads`: resident memory at the end, with 1,024 small blocks still live: ";
        let parts: Vec<String> = row
            .results
            .iter()
            .filter_map(|(rt, f)| {
                let v = rss_values(f.as_ref().ok()?.rss_line.as_deref()?);
                Some(format!("{rt} {} KiB", thousands(v.iter().find(|(k, _)| k == "end")?.1)))
            })
            .collect();
        s += &parts.join(", ");
        s += ".\n";
    }
    s
}

pub fn write(out: &Path, rows: &[Row], text: &str) -> io::Result<()> {
    let charts = out.join("bench");
    std::fs::create_dir_all(&charts)?;
    let root = format!("{}/", Paths::new().root.display());
    std::fs::write(out.join("HEAP-BENCH.md"), text.replace(&root, ""))?;
    let bars = |pick: fn((f64, f64)) -> f64| -> Vec<Bar> {
        rows.iter().filter_map(|r| Some(Bar { label: r.workload.name.into(), value: pick(ratios(r)?), range: None, highlight: true })).collect()
    };
    std::fs::write(charts.join("heap-cpu.svg"), svg::bars("crt0's CPU time / glibc's (median; below 1: faster)", "ratio to glibc", Axis::Linear { origin: 1.0 }, &bars(|r| r.0)))?;
    std::fs::write(charts.join("heap-rss.svg"), svg::bars("crt0's peak RSS / glibc's (below 1: less memory)", "ratio to glibc", Axis::Linear { origin: 1.0 }, &bars(|r| r.1)))?;
    if let Some(row) = rows.iter().find(|r| r.workload.name == "frag") {
        let mut series = Vec::new();
        for (i, rt) in RUNTIMES.iter().enumerate() {
            let Some(vals) = fig(row, rt).and_then(|f| f.rss_line.as_deref()).map(rss_values) else { continue };
            let get = |k: String| vals.iter().find(|(n, _)| *n == k).map(|v| v.1 as f64).filter(|&v| v > 0.0);
            if i == 0 {
                series.push(Series { name: "live bytes".into(), points: PHASES.iter().map(|p| get(format!("{p}_live"))).collect() });
            }
            series.push(Series { name: rt.to_string(), points: PHASES.iter().map(|p| get(p.to_string())).collect() });
        }
        let labels: Vec<String> = ["filled", "9 in 10 freed", "other sizes added", "all freed"].map(String::from).to_vec();
        std::fs::write(charts.join("heap-frag.svg"), svg::lines("frag: resident memory after each phase", "phase", &labels, "KiB (log scale)", &series))?;
    }
    Ok(())
}
