//! Presenting the `startup-aarch64` and `startup-riscv64` figures, in the forms `startup` uses: a Markdown table for
//! people, JSON for scripts.

use super::{series, Cross, Kernel, Row};
use crate::report::{string, thousands};
use crate::startup::ARGV0;
use std::fmt::Write;

pub fn table(cross: &Cross, rows: &[Row], kernel: Kernel, runs: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| program | stripped bytes | syscalls execve..exit | instructions (qemu-user) | wall time vs floor (Linux {}) |",
        series(kernel)
    );
    out.push_str("|---|---:|---|---:|---:|\n");
    for row in rows {
        match &row.figures {
            Ok(f) => {
                let m = &f.measured;
                let _ = writeln!(
                    out,
                    "| {} | {} | {}: {} | {} | {:.2} |",
                    row.name,
                    thousands(m.stripped_bytes),
                    m.syscalls.len(),
                    m.syscalls.join(" "),
                    thousands(m.instructions),
                    f.ratio
                );
            }
            // Only the first line fits a cell; the whole reason went to stderr.
            Err(why) => {
                let first = why.lines().next().unwrap_or("").replace('|', "\\|");
                let _ = writeln!(out, "| {} | skipped: {first} | | | |", row.name);
            }
        }
    }
    let _ = writeln!(
        out,
        "\nSize: {} on a copy. Syscalls and instructions: under qemu-user \
         ({}) with argv[0] = \"{ARGV0}\" and an empty environment; syscalls from \
         its -strace (execve added, as qemu-user makes it itself; rseq is its \"Unknown syscall \
         293\", answered ENOSYS), instructions counted as the one-instruction blocks logged by \
         -singlestep -d exec,nochain.",
        cross.strip, cross.qemu_user
    );
    if let Some(floor) = rows.first().and_then(|r| r.figures.as_ref().ok()) {
        let _ = writeln!(
            out,
            "Wall time: in one boot of Linux {} (Debian {}, qemu-system-{}), the median of \
             {runs} fork+execve+wait4 runs per program timed with the guest's CLOCK_MONOTONIC, \
             interleaved round-robin (floor median {:.1} µs).",
            series(kernel),
            kernel.suite,
            cross.name,
            floor.median.as_secs_f64() * 1e6
        );
    }
    out.push_str(
        "Every measured program printed \"hello\\n\" and exited 0, under qemu-user and in the guest.\n",
    );
    out
}

pub fn json(rows: &[Row], kernel: Kernel, runs: usize) -> String {
    let programs: Vec<String> = rows.iter().map(json_row).collect();
    format!(
        "{{\n  \"kernel\": {},\n  \"runs\": {runs},\n  \"programs\": [\n{}\n  ]\n}}\n",
        string(&series(kernel)),
        programs.join(",\n")
    )
}

fn json_row(row: &Row) -> String {
    let mut fields = vec![format!("\"name\": {}", string(&row.name))];
    if let Some(binary) = &row.binary {
        fields.push(format!(
            "\"binary\": {}",
            string(&binary.display().to_string())
        ));
    }
    match &row.figures {
        Ok(f) => {
            let m = &f.measured;
            let calls: Vec<String> = m.syscalls.iter().map(|c| string(c)).collect();
            fields.push(format!("\"stripped_bytes\": {}", m.stripped_bytes));
            fields.push(format!("\"syscalls\": [{}]", calls.join(", ")));
            fields.push(format!("\"qemu_user_instructions\": {}", m.instructions));
            fields.push(format!("\"median_wall_ns\": {}", f.median.as_nanos()));
            fields.push(format!("\"wall_ratio_vs_floor\": {:.4}", f.ratio));
        }
        Err(why) => fields.push(format!("\"skipped\": {}", string(why))),
    }
    format!("    {{{}}}", fields.join(", "))
}
