//! Measuring the start-up rows side by side: `startup`'s figures (size, syscalls,
//! instructions), minor page faults, and wall time as a ratio to the floor with its spread.

use super::{faults, strace};
use super::peers::Peer;
use crate::child::{Exit, Program};
use crate::measure::Measurement;
use crate::startup::{self, median};
use std::io;
use std::os::unix::process::CommandExt;
use std::time::Duration;

pub struct Row {
    pub label: &'static str,
    pub crt0: bool,
    /// The figures, or why the row has none ("not built: ..." or "failed: ...").
    pub figures: Result<Figures, String>,
}

pub struct Figures {
    pub m: Measurement,
    pub minor_faults: u64,
    /// strace's count of the same calls, where it could run.
    pub strace_syscalls: Result<usize, String>,
    pub median: Duration,
    /// The program's median over the floor's.
    pub ratio: f64,
    /// The 25th and 75th percentiles of the per-round ratios (each round runs every program
    /// once, so a round's ratio compares runs made moments apart).
    pub quartiles: (f64, f64),
}

pub fn measure_all(peers: Vec<Peer>, runs: usize) -> io::Result<Vec<Row>> {
    let mut measured = Vec::new();
    for peer in peers {
        let result = match peer.binary {
            Err(why) => Err(format!("not built: {why}")),
            Ok(binary) => measure_one(&binary)
                .map(|(p, m, faults)| (p, m, faults, strace::count(&binary)))
                .map_err(|why| format!("failed: {why}{}", said(&binary))),
        };
        if let Err(why) = &result {
            eprintln!("{}: {why}", peer.label);
        }
        measured.push((peer.label, peer.crt0, result));
    }
    if measured[0].2.is_err() {
        return Err(io::Error::other("the floor could not be built or measured; nothing to compare with"));
    }
    let ok: Vec<&(Program, Measurement, u64, Result<usize, String>)> = measured.iter().filter_map(|r| r.2.as_ref().ok()).collect();
    let programs: Vec<&Program> = ok.iter().map(|r| &r.0).collect();
    let exits: Vec<Exit> = ok.iter().map(|r| r.1.exit).collect();
    eprintln!("timing {} programs, {runs} runs each, round-robin...", programs.len());
    let samples = startup::time_round_robin(&programs, &exits, runs)?;
    let floor = &samples[0];
    let floor_median = median(floor.clone()).as_secs_f64();
    let mut samples = samples.iter();
    Ok(measured
        .into_iter()
        .map(|(label, crt0, result)| Row {
            label,
            crt0,
            figures: result.map(|(_, m, minor_faults, strace_syscalls)| {
                let mine = samples.next().expect("one sample set per measured program");
                let med = median(mine.clone());
                let per_round: Vec<f64> = mine.iter().zip(floor).map(|(a, b)| a.as_secs_f64() / b.as_secs_f64()).collect();
                Figures {
                    m,
                    minor_faults,
                    strace_syscalls,
                    median: med,
                    ratio: med.as_secs_f64() / floor_median,
                    quartiles: (quantile(&per_round, 0.25), quantile(&per_round, 0.75)),
                }
            }),
        })
        .collect())
}

/// Every program must print "hello\n" and exit 0: a row that does not has not done the work
/// the others are timed doing.
fn measure_one(binary: &std::path::Path) -> Result<(Program, Measurement, u64), String> {
    let (program, m) = startup::measure_one(binary, &[])?;
    if m.exit != Exit::Code(0) || m.stdout_ok != Some(true) {
        let printed = if m.stdout_ok == Some(true) { "printed hello" } else { "did not print hello" };
        return Err(format!("{}, {printed}", m.exit));
    }
    let (faults, exit) = faults::minor_faults(&program).map_err(|e| e.to_string())?;
    if exit != m.exit {
        return Err(format!("{exit} when counting page faults"));
    }
    Ok((program, m, faults))
}

/// What a failing program printed to stderr, first line: the measuring runs send it to
/// /dev/null, and without it "exit 127" says little.
fn said(binary: &std::path::Path) -> String {
    let out = std::process::Command::new(binary).arg0(startup::ARGV0).env_clear().output();
    let Ok(out) = out else { return String::new() };
    let stderr = String::from_utf8_lossy(&out.stderr);
    match stderr.lines().next() {
        Some(line) => format!(" ({}; stderr: {line})", out.status),
        None => format!(" ({})", out.status),
    }
}

/// The `q` quantile by nearest rank.
pub fn quantile(values: &[f64], q: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v[rank - 1]
}

#[cfg(test)]
mod tests {
    use super::quantile;

    #[test]
    fn nearest_rank() {
        let v = [5.0, 1.0, 4.0, 2.0, 3.0, 6.0, 8.0, 7.0];
        assert_eq!(quantile(&v, 0.25), 2.0);
        assert_eq!(quantile(&v, 0.75), 6.0);
        assert_eq!(quantile(&v, 1.0), 8.0);
        assert_eq!(quantile(&v, 0.0), 1.0);
    }
}
