//! Presenting the `startup` figures: a Markdown table for people, JSON for scripts.

use crate::startup::Row;
use crate::sysnames;
use std::fmt::Write;

/// 30886 -> "30,886", the form the reference tables use.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub fn table(rows: &[Row], runs: usize, env: &[(String, String)]) -> String {
    let mut out = String::new();
    out.push_str("| program | stripped bytes | syscalls execve..exit | user instructions | wall time vs floor |\n");
    out.push_str("|---|---:|---|---:|---:|\n");
    let mut problems = Vec::new();
    for row in rows {
        match &row.figures {
            Ok(f) => {
                let calls = format!("{}: {}", f.m.syscalls.len(), sysnames::list(&f.m.syscalls));
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {:.2} |",
                    row.name,
                    thousands(f.m.stripped_bytes),
                    calls,
                    thousands(f.m.instructions),
                    f.ratio
                );
                if f.m.exit != crate::child::Exit::Code(0) || f.m.stdout_ok != Some(true) {
                    let stdout = if f.m.stdout_ok == Some(true) {
                        "printed hello"
                    } else {
                        "did NOT print hello"
                    };
                    problems.push(format!("- {}: {}, {stdout}", row.name, f.m.exit));
                }
            }
            // Only the first line fits a cell; the whole reason went to stderr during the build.
            Err(why) => {
                let first = why.lines().next().unwrap_or("").replace('|', "\\|");
                let _ = writeln!(out, "| {} | skipped: {first} | | | |", row.name);
            }
        }
    }
    let env = match env.len() {
        0 => "an empty environment".to_string(),
        _ => env
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" "),
    };
    let _ = writeln!(
        out,
        "\nEach program ran with argv[0] = \"{}\" and {env}. Instructions: single-stepped from the \
         first user instruction after execve to exit; a rep-prefixed instruction counts once per \
         iteration.",
        crate::startup::ARGV0
    );
    if let Some(floor) = rows.first().and_then(|r| r.figures.as_ref().ok()) {
        let _ = writeln!(
            out,
            "Wall time: median of {runs} fork+execve+wait runs per program, interleaved round-robin \
             (floor median {:.1} µs).",
            floor.median.as_secs_f64() * 1e6
        );
    }
    if problems.is_empty() {
        out.push_str("Every measured program exited 0 and printed \"hello\\n\".\n");
    } else {
        out.push_str("Programs that did not behave:\n");
        for p in problems {
            let _ = writeln!(out, "{p}");
        }
    }
    out
}

pub fn json(rows: &[Row], runs: usize, env: &[(String, String)]) -> String {
    let env: Vec<String> = env
        .iter()
        .map(|(k, v)| string(&format!("{k}={v}")))
        .collect();
    let programs: Vec<String> = rows.iter().map(json_row).collect();
    format!(
        "{{\n  \"runs\": {runs},\n  \"env\": [{}],\n  \"programs\": [\n{}\n  ]\n}}\n",
        env.join(", "),
        programs.join(",\n")
    )
}

fn json_row(row: &Row) -> String {
    let mut fields = vec![format!("\"name\": {}", string(row.name))];
    if let Some(binary) = &row.binary {
        fields.push(format!(
            "\"binary\": {}",
            string(&binary.display().to_string())
        ));
    }
    match &row.figures {
        Ok(f) => {
            let calls: Vec<String> =
                f.m.syscalls
                    .iter()
                    .map(|&nr| string(&sysnames::name(nr)))
                    .collect();
            fields.push(format!("\"stripped_bytes\": {}", f.m.stripped_bytes));
            fields.push(format!("\"syscalls\": [{}]", calls.join(", ")));
            fields.push(format!("\"user_instructions\": {}", f.m.instructions));
            fields.push(format!("\"exit\": {}", string(&f.m.exit.to_string())));
            fields.push(format!(
                "\"stdout_matched\": {}",
                f.m.stdout_ok == Some(true)
            ));
            fields.push(format!("\"median_wall_ns\": {}", f.median.as_nanos()));
            fields.push(format!("\"wall_ratio_vs_floor\": {:.4}", f.ratio));
        }
        Err(why) => fields.push(format!("\"skipped\": {}", string(why))),
    }
    format!("    {{{}}}", fields.join(", "))
}

/// A JSON string literal; build errors can hold quotes, backslashes and control characters.
pub fn string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
