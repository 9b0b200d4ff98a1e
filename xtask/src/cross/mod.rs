//! The `startup-aarch64` and `startup-riscv64` commands, the counterparts of `startup` for the
//! architectures this host runs under emulation: the same hello programs built for the
//! architecture. Size, system calls and instructions come from qemu-user on this host; wall
//! times come from one boot of a real kernel of that architecture, where every program is
//! timed in turn by the `kernel` test program. What differs between the two is data, one
//! [`Cross`] each.

mod build;
mod guest;
mod qemu_user;
mod report;

use crate::baselines::Paths;
use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

/// The pinned kernel the wall times come from (vm/kernels.txt).
pub type Kernel = &'static crt0_vm::Kernel;

/// One emulated architecture's tools and targets.
pub struct Cross {
    /// Rust's `target_arch`, also crt0-vm's name and the `*-none.json` prefix.
    pub name: &'static str,
    /// Debian's cross compiler with a static glibc, and its strip.
    pub cc: &'static str,
    pub strip: &'static str,
    pub qemu_user: &'static str,
    pub host_target: &'static str,
    /// Extra cargo flags for the host target: riscv64gc needs build-std, the pinned nightly
    /// ships no prebuilt core for it.
    pub host_flags: &'static [&'static str],
    /// The asm floor in xtask/programs.
    pub floor: &'static str,
    /// The suite whose kernel times the programs when `--kernel` is not given.
    pub default_suite: &'static str,
}

pub const AARCH64: Cross = Cross {
    name: "aarch64",
    cc: "aarch64-linux-gnu-gcc",
    strip: "aarch64-linux-gnu-strip",
    qemu_user: "qemu-aarch64-static",
    host_target: "aarch64-unknown-linux-gnu",
    host_flags: &[],
    floor: "floor-aarch64.S",
    default_suite: "bookworm",
};

/// riscv64: Debian has riscv64 kernels from trixie (6.12) on.
pub const RISCV64: Cross = Cross {
    name: "riscv64",
    cc: "riscv64-linux-gnu-gcc",
    strip: "riscv64-linux-gnu-strip",
    qemu_user: "qemu-riscv64-static",
    host_target: "riscv64gc-unknown-linux-gnu",
    host_flags: &["-Zbuild-std=core,alloc"],
    floor: "floor-riscv64.S",
    default_suite: "trixie",
};

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
    pub name: String,
    pub binary: Option<PathBuf>,
    /// The figures, or why the row has none.
    pub figures: Result<Figures, String>,
}

pub struct Figures {
    pub measured: qemu_user::Figures,
    pub median: Duration,
    pub ratio: f64,
}

pub fn main(cross: &'static Cross, args: Vec<OsString>) -> Result<(), String> {
    let opts = parse(cross, args)?;
    let paths = Paths::new();
    // Without the driver nothing can be timed, so its build failing ends the command.
    let driver = build::driver(cross, &paths)?;
    let measured = measure_all(cross, &paths);
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

    print!("{}", report::table(cross, &rows, opts.kernel, opts.runs));
    if let Some(path) = &opts.json {
        std::fs::write(path, report::json(&rows, opts.kernel, opts.runs))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

type Measured = Result<(PathBuf, qemu_user::Figures), String>;

fn measure_all(cross: &Cross, paths: &Paths) -> Vec<(String, Measured)> {
    build::build_all(cross, paths)
        .into_iter()
        .map(|entry| {
            let result = entry
                .binary
                .and_then(|binary| Ok((binary.clone(), qemu_user::measure(cross, &binary)?)));
            if let Err(why) = &result {
                eprintln!("{}: skipped: {why}", entry.name);
            }
            (entry.name, result)
        })
        .collect()
}

/// `medians` has one entry per measured program, the floor's first.
fn rows(measured: Vec<(String, Measured)>, medians: &[Duration]) -> Vec<Row> {
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

fn parse(cross: &Cross, args: Vec<OsString>) -> Result<Options, String> {
    let mut opts = Options {
        runs: 1000,
        json: None,
        kernel: crt0_vm::pins::find(cross.name, cross.default_suite)?,
    };
    let mut rest = args.into_iter();
    while let Some(a) = rest.next() {
        if a == "--runs" {
            opts.runs = crate::positive(rest.next(), "--runs")?;
        } else if a == "--json" {
            opts.json = Some(PathBuf::from(rest.next().ok_or("--json needs a file")?));
        } else if a == "--kernel" {
            opts.kernel = crt0_vm::pins::find(cross.name, &crate::utf8(rest.next(), "--kernel")?)?;
        } else {
            return Err(format!(
                "unknown startup-{} option {a:?}\n{}",
                cross.name,
                crate::USAGE
            ));
        }
    }
    Ok(opts)
}
