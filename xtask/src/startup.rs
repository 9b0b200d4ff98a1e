//! The `startup` command: build the baselines and crt0's hellos, measure them side by side.

use crate::baselines::{self, Paths};
use crate::child::{self, Exit, Program};
use crate::measure::{self, Measurement};
use crate::report;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub struct Options {
    pub runs: usize,
    pub json: Option<PathBuf>,
    pub env: Vec<(String, String)>,
}

pub struct Row {
    pub name: &'static str,
    pub binary: Option<PathBuf>,
    /// The figures, or why the row has none.
    pub figures: Result<Figures, String>,
}

pub struct Figures {
    pub m: Measurement,
    pub median: Duration,
    pub ratio: f64,
}

const EXPECTED_STDOUT: &[u8] = b"hello\n";

/// Every program gets the same argv[0], so that neither the binary's name nor where the
/// repository is checked out changes the instruction counts.
pub const ARGV0: &str = "hello";

pub fn run(opts: &Options) -> io::Result<()> {
    let entries = baselines::build_all(&Paths::new());
    let measured: Vec<(&'static str, Measured)> = entries
        .into_iter()
        .map(|entry| {
            let result = entry
                .binary
                .and_then(|binary| measure_one(&binary, &opts.env));
            if let Err(why) = &result {
                eprintln!("{}: skipped: {why}", entry.name);
            }
            (entry.name, result)
        })
        .collect();
    // build_all puts the floor first; every ratio is relative to it.
    if measured[0].1.is_err() {
        return Err(io::Error::other(
            "the floor could not be built or measured; nothing to compare with",
        ));
    }

    let ok: Vec<&(Program, Measurement)> = measured
        .iter()
        .filter_map(|(_, r)| r.as_ref().ok())
        .collect();
    let programs: Vec<&Program> = ok.iter().map(|(p, _)| p).collect();
    let exits: Vec<Exit> = ok.iter().map(|(_, m)| m.exit).collect();
    eprintln!(
        "timing {} programs, {} runs each, round-robin...",
        programs.len(),
        opts.runs
    );
    let medians: Vec<Duration> = time_round_robin(&programs, &exits, opts.runs)?
        .into_iter()
        .map(median)
        .collect();
    let floor = medians[0].as_secs_f64();

    let mut medians = medians.into_iter();
    let rows: Vec<Row> = measured
        .into_iter()
        .map(|(name, result)| match result {
            Ok((program, m)) => {
                let median = medians.next().expect("one median per measured program");
                let ratio = median.as_secs_f64() / floor;
                Row {
                    name,
                    binary: Some(program.path().to_path_buf()),
                    figures: Ok(Figures { m, median, ratio }),
                }
            }
            Err(why) => Row {
                name,
                binary: None,
                figures: Err(why),
            },
        })
        .collect();

    print!("{}", report::table(&rows, opts.runs, &opts.env));
    if let Some(path) = &opts.json {
        std::fs::write(path, report::json(&rows, opts.runs, &opts.env))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

pub type Measured = Result<(Program, Measurement), String>;

pub fn measure_one(binary: &Path, env: &[(String, String)]) -> Measured {
    let program = Program::new(binary, &[ARGV0.into()], env).map_err(|e| e.to_string())?;
    let m = measure::measure(&program, Some(EXPECTED_STDOUT)).map_err(|e| e.to_string())?;
    Ok((program, m))
}

/// Runs each program `runs` times, interleaved A,B,C,A,B,C... so that slow drifts of the
/// machine (other load, frequency, cache state) hit every program alike, and returns every
/// wall time of each, from before fork to after wait: `[program][round]`.
pub fn time_round_robin(
    programs: &[&Program],
    exits: &[Exit],
    runs: usize,
) -> io::Result<Vec<Vec<Duration>>> {
    let null = child::dev_null()?;
    let mut samples = vec![Vec::with_capacity(runs); programs.len()];
    for _ in 0..runs {
        for (i, program) in programs.iter().enumerate() {
            let start = Instant::now();
            let pid = child::spawn(program, &null, &null, false)?;
            let exit = child::wait_exit(pid)?;
            samples[i].push(start.elapsed());
            if exit != exits[i] {
                return Err(io::Error::other(format!(
                    "{}: {exit} while timing, {} when measured",
                    program.path().display(),
                    exits[i]
                )));
            }
        }
    }
    Ok(samples)
}

pub fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort_unstable();
    let mid = samples.len() / 2;
    if samples.len().is_multiple_of(2) {
        (samples[mid - 1] + samples[mid]) / 2
    } else {
        samples[mid]
    }
}
