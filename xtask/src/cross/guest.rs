//! Wall times under a real kernel of the architecture: one boot with crt0-vm (vm/), in which the `kernel`
//! test program (tests/programs/src/bin/kernel.rs) runs every program with the `N*PROGRAM`
//! arguments and prints the guest's CLOCK_MONOTONIC time of each.

use super::Kernel;
use crate::startup::median;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Boots `kernel` once and times `runs` runs of each of `programs` with `driver`; returns
/// each program's median run time, in the order given.
///
/// Every run is timed on its own (`1*PROGRAM`), one run of each program per round: the same
/// statistic as `startup`'s, and a slow spell of the host hits all programs alike. Batches of
/// a few runs per clock reading were no steadier here: a batch's mean takes in its outliers.
pub fn time(
    kernel: Kernel,
    driver: &Path,
    programs: &[PathBuf],
    runs: usize,
) -> Result<Vec<Duration>, String> {
    let names: Vec<String> = programs.iter().map(|p| file_name(p)).collect();
    let mut guest = crt0_vm::Guest::new(kernel, driver);
    guest.files = programs.iter().cloned().zip(names.iter().cloned()).collect();
    // Generous: in the emulated guest a glibc run takes about 5 ms, the others about 3.
    guest.timeout = Duration::from_secs((120 + runs * programs.len() / 20) as u64);
    // One plain run of each first: it shows that each prints "hello" and exits 0 under this
    // kernel, and it keeps the first execve (filling the page cache and qemu's translation
    // cache) out of the timing.
    guest.args.extend(names.iter().cloned());
    for round in 0..runs {
        // Rotated each round, so that no program always follows the same one.
        for i in 0..names.len() {
            guest.args.push(format!("1*{}", names[(round + i) % names.len()]));
        }
    }
    eprintln!(
        "booting {} to time {} programs, {runs} runs each, round-robin...",
        kernel.describe(),
        names.len()
    );
    let outcome = crt0_vm::run(&guest)?;
    let stdout = outcome.output;
    if outcome.status != crt0_vm::Status::Exited(0) {
        return Err(format!(
            "the driver ended with {:?}:\n{}",
            outcome.status,
            tail(&stdout)
        ));
    }
    check_kernel(&stdout, kernel)?;
    for name in &names {
        check_plain_run(&stdout, name)?;
    }
    names
        .iter()
        .map(|name| run_times(&stdout, name, runs).map(median))
        .collect()
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .expect("programs are files")
        .to_string_lossy()
        .into_owned()
}

/// The driver's first line gives the kernel's release: a guard against labelling one
/// kernel's figures with another's name.
fn check_kernel(out: &str, kernel: Kernel) -> Result<(), String> {
    let line = out
        .lines()
        .find(|l| l.starts_with("uname "))
        .ok_or_else(|| format!("the driver did not start:\n{}", tail(out)))?;
    match field(line, "release") {
        Some(release) if release == kernel.release() => Ok(()),
        _ => Err(format!(
            "{} should be running, but the guest says: {line}",
            kernel.describe()
        )),
    }
}

/// `child NAME`, `hello`, `child exit=0`, in that order.
fn check_plain_run(out: &str, name: &str) -> Result<(), String> {
    let start = format!("child {name}");
    let lines: Vec<&str> = out
        .lines()
        .skip_while(|l| *l != start)
        .skip(1)
        .take(2)
        .collect();
    if lines == ["hello", "child exit=0"] {
        Ok(())
    } else {
        Err(format!(
            "{name} in the guest printed {lines:?}, not hello and exit 0"
        ))
    }
}

/// The times of `name` from its `timed NAME runs=1 ns=T exit=S` lines.
fn run_times(out: &str, name: &str, runs: usize) -> Result<Vec<Duration>, String> {
    let prefix = format!("timed {name} ");
    let mut times = Vec::new();
    for line in out.lines().filter(|l| l.starts_with(&prefix)) {
        let ns = field(line, "ns").and_then(|t| t.parse::<u64>().ok());
        match (field(line, "runs"), ns, field(line, "exit")) {
            (Some("1"), Some(ns), Some("0")) => times.push(Duration::from_nanos(ns)),
            _ => return Err(format!("a timed run went wrong: {line}")),
        }
    }
    if times.len() != runs {
        return Err(format!(
            "the guest printed {} times for {name}, not {runs}:\n{}",
            times.len(),
            tail(out)
        ));
    }
    Ok(times)
}

/// The value of `key=` in a line of `key=value` words.
fn field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    line.split_whitespace()
        .find_map(|w| w.strip_prefix(key)?.strip_prefix('='))
}

/// The end of the guest's output, for error messages: the whole of it can be thousands of lines.
fn tail(out: &str) -> String {
    let lines: Vec<&str> = out.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}
