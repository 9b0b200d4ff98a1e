//! Issue 7's start-up targets, checked against the figures of the same run.

use super::rows::Row;
use std::fmt::Write;

const MAX_INSTRUCTIONS: u64 = 400;
const MAX_SYSCALLS: usize = 4;
const MAX_BYTES: u64 = 8 * 1024;
const MAX_WALL_RATIO: f64 = 1.03;

pub fn section(rows: &[Row]) -> String {
    let figures = |label: &str| rows.iter().find(|r| r.label == label).and_then(|r| r.figures.as_ref().ok());
    let musl = figures("musl static");
    let mut s = format!(
        "## Targets\n\ncrt0's rows against issue 7's targets: at most {MAX_INSTRUCTIONS} user instructions and \
         {MAX_SYSCALLS} system calls from execve to exit, no more minor page faults than musl (static, same run: {}), \
         at most {} bytes stripped, wall time within {MAX_WALL_RATIO}x of the floor (musl static, same run: {}).\n\n\
         | program | instructions | system calls | page faults | bytes | wall / floor |\n|---|---|---|---|---|---|\n",
        musl.map_or("not measured".into(), |m| m.minor_faults.to_string()),
        crate::report::thousands(MAX_BYTES),
        musl.map_or("not measured".into(), |m| format!("{:.3}", m.ratio)),
    );
    for row in rows.iter().filter(|r| r.crt0) {
        let Ok(f) = &row.figures else {
            let _ = writeln!(s, "| {} | not measured | | | | |", row.label);
            continue;
        };
        let faults = match musl {
            Some(m) => verdict(f.minor_faults.to_string(), f.minor_faults <= m.minor_faults),
            None => format!("{} (no musl figure)", f.minor_faults),
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {faults} | {} | {} |",
            row.label,
            verdict(f.m.instructions.to_string(), f.m.instructions <= MAX_INSTRUCTIONS),
            verdict(f.m.syscalls.len().to_string(), f.m.syscalls.len() <= MAX_SYSCALLS),
            verdict(crate::report::thousands(f.m.stripped_bytes), f.m.stripped_bytes <= MAX_BYTES),
            verdict(format!("{:.3}", f.ratio), f.ratio <= MAX_WALL_RATIO),
        );
    }
    s
}

fn verdict(value: String, met: bool) -> String {
    format!("{value} {}", if met { "met" } else { "**missed**" })
}
