//! The `startup-aarch64` command, the aarch64 counterpart of `startup`: the same hello
//! programs built for aarch64. Size, system calls and instructions come from qemu-user on
//! this host; wall times come from one boot of a real arm64 kernel, where every program is
//! timed in turn by the `kernel` test program.

mod build;
mod guest;
mod qemu_user;
mod report;

use crate::baselines::Paths;
use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

/// The pinned arm64 kernel the wall times come from (vm/kernels.txt).
pub type Kernel = &'static crt0_vm::Kernel;

/// "6.1", "7.2": the kernel's series, for the report.
pub fn series(kernel: Kernel) -> String {
    let (major, minor) = kernel.series();
    format!("{major}.{minor}")
}

pub struct Options {
    pub runs: usize,
    pub json: Option<PathBuf>,
    pub kernel: Kernel,
}

pub struct Row {
    pub name: &'static str,
    pub binary: Option<PathBuf>,
    /// The figures, or why the row has none.
    pub figures: Result<Figures, String>,
}

pub struct Figures {
    pub measured: qemu_user::Figures,
    pub median: Duration,
    pub ratio: f64,
}

pub fn main(args: Vec<OsString>) -> Result<(), String> {
    let opts = parse(args)?;
    let paths = Paths::new();
    // Without the driver nothing can be timed, so its build failing ends the command.
    let driver = build::driver(&paths)?;
    let measured = measure_all(&paths);
    // build_all puts the floor first; every ratio is relative to it.
    if measured[0].1.is_err() {
        return Err("the floor could not be built or measured; nothing to compare with".into());
    }
    let programs: Vec<PathBuf> = measured
        .iter()
        .filter_map(|(_, r)| r.as_ref().ok().map(|(binary, _)| binary.clone()))
        .collect();
    let medians = guest::time(opts.kernel, &driver, &programs, opts.runs)?;
    let rows = rows(measured, &medians);

    print!("{}", report::table(&rows, opts.kernel, opts.runs));
    if let Some(path) = &opts.json {
        std::fs::write(path, report::json(&rows, opts.kernel, opts.runs))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

type Measured = Result<(PathBuf, qemu_user::Figures), String>;

fn measure_all(paths: &Paths) -> Vec<(&'static str, Measured)> {
    build::build_all(paths)
        .into_iter()
        .map(|entry| {
            let result = entry
                .binary
                .and_then(|binary| Ok((binary.clone(), qemu_user::measure(&binary)?)));
            if let Err(why) = &result {
                eprintln!("{}: skipped: {why}", entry.name);
            }
            (entry.name, result)
        })
        .collect()
}

/// `medians` has one entry per measured program, the floor's first.
fn rows(measured: Vec<(&'static str, Measured)>, medians: &[Duration]) -> Vec<Row> {
    let floor = medians[0].as_secs_f64();
    let mut medians = medians.iter().copied();
    measured
        .into_iter()
        .map(|(name, result)| match result {
            Ok((binary, measured)) => {
                let median = medians.next().expect("one median per measured program");
                Row {
                    name,
                    binary: Some(binary),
                    figures: Ok(Figures {
                        measured,
                        median,
                        ratio: median.as_secs_f64() / floor,
                    }),
                }
            }
            Err(why) => Row {
                name,
                binary: None,
                figures: Err(why),
            },
        })
        .collect()
}

fn parse(args: Vec<OsString>) -> Result<Options, String> {
    let mut opts = Options {
        runs: 1000,
        json: None,
        kernel: crt0_vm::pins::find("aarch64", "bookworm")?,
    };
    let mut rest = args.into_iter();
    while let Some(a) = rest.next() {
        if a == "--runs" {
            opts.runs = crate::positive(rest.next(), "--runs")?;
        } else if a == "--json" {
            opts.json = Some(PathBuf::from(rest.next().ok_or("--json needs a file")?));
        } else if a == "--kernel" {
            opts.kernel = crt0_vm::pins::find("aarch64", &crate::utf8(rest.next(), "--kernel")?)?;
        } else {
            return Err(format!(
                "unknown startup-aarch64 option {a:?}\n{}",
                crate::USAGE
            ));
        }
    }
    Ok(opts)
}
