//! The run-time comparisons that have commands of their own (`percpu`, `threads`, `malloc`,
//! `mutex`, `libc`):
//! the bench runs each as a child xtask and keeps the Markdown it prints, so each command
//! stays the one place its benchmark is defined.

use std::process::{Command, Stdio};

pub struct Section {
    pub title: &'static str,
    /// The command line that produced it, to rerun it alone.
    pub command: String,
    /// Its Markdown output, or why there is none.
    pub output: Result<String, String>,
}

pub fn run(quick: bool) -> Vec<Section> {
    let jobs: [(&str, &str, &[&str], &[&str]); 5] = [
        // The percpu stress run checks correctness, not speed: not part of the bench.
        ("rseq fast paths", "percpu", &["--runs", "1", "--rounds", "3", "--batch", "1000000", "--stress-iters", "0"], &["--runs", "5", "--stress-iters", "0"]),
        ("Thread create + join against glibc", "threads", &["--runs", "3", "--threads", "2000"], &["--runs", "11"]),
        ("The heap against glibc and musl", "malloc", &["--runs", "1"], &["--runs", "7"]),
        ("pthread mutexes against glibc and musl", "mutex", &["--runs", "3"], &["--runs", "21"]),
        ("The C library against glibc and musl", "libc", &["--runs", "1"], &["--runs", "11"]),
    ];
    jobs.iter()
        .map(|&(title, cmd, quick_args, full_args)| {
            let args = if quick { quick_args } else { full_args };
            let command = format!("cargo xtask {cmd} {}", args.join(" "));
            eprintln!("{command}...");
            Section { title, command, output: xtask(cmd, args) }
        })
        .collect()
}

fn xtask(cmd: &str, args: &[&str]) -> Result<String, String> {
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let out = Command::new(me)
        .arg(cmd)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("xtask {cmd} failed ({})", out.status));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}
