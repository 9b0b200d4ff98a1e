//! How start-up grows with the number of constructors, IRELATIVE relocations and environment
//! variables and with the TLS size, for crt0 and each peer that has the feature: the
//! generated C programs of `hostile` (tests/gen) built with each C runtime, origin's
//! equivalents in Rust, counted by single-stepping from execve to exit with an empty `main`.

use super::origin;
use crate::baselines::{self, Paths};
use crate::hostile::{self, gen};
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, PartialEq)]
pub enum Runtime {
    Crt0,
    Glibc,
    Musl,
    Origin,
}

pub const RUNTIMES: [Runtime; 4] = [Runtime::Crt0, Runtime::Glibc, Runtime::Musl, Runtime::Origin];

impl Runtime {
    pub fn name(self) -> &'static str {
        match self {
            Runtime::Crt0 => "crt0",
            Runtime::Glibc => "glibc",
            Runtime::Musl => "musl",
            Runtime::Origin => "origin",
        }
    }
}

pub struct Series {
    pub key: &'static str,
    pub title: &'static str,
    pub x_title: &'static str,
    /// What one step of the per-item cost is ("constructor", "MiB", ...), and how many x
    /// units make it.
    pub unit: &'static str,
    pub unit_size: f64,
    pub xs: Vec<usize>,
    pub lines: Vec<Line>,
}

pub struct Line {
    pub runtime: Runtime,
    /// One count per x, None where there is none.
    pub points: Vec<Option<u64>>,
    /// Why the line is missing or stops early.
    pub note: Option<String>,
}

impl Series {
    pub fn x_labels(&self) -> Vec<String> {
        self.xs.iter().map(|&x| if self.unit == "MiB" { bytes_label(x) } else { crate::report::thousands(x as u64) }).collect()
    }
}

impl Line {
    /// Instructions per unit between the first and the last x: the slope the table reports.
    pub fn per_unit(&self, series: &Series) -> Option<f64> {
        let (first, last) = (self.points.first().copied()??, self.points.last().copied()??);
        let dx = (series.xs[series.xs.len() - 1] - series.xs[0]) as f64 / series.unit_size;
        Some((last as f64 - first as f64) / dx)
    }
}

pub fn bytes_label(b: usize) -> String {
    match b {
        0 => "0".into(),
        b if b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} B"),
    }
}

/// The hello programs of the start-up rows, which the environment series runs.
pub struct Hellos<'a> {
    pub of: Vec<(Runtime, Result<&'a Path, String>)>,
}

pub fn run(paths: &Paths, quick: bool, hellos: &Hellos) -> Vec<Series> {
    // Quick runs stop at 1,000: glibc alone single-steps about 5 million instructions with
    // 10,000 environment variables.
    let counts: Vec<usize> = if quick { vec![1, 100, 1_000] } else { vec![1, 10, 100, 1_000, 10_000] };
    let tls: Vec<usize> = if quick { vec![0, 64 << 10, 16 << 20] } else { vec![0, 4 << 10, 64 << 10, 1 << 20, 16 << 20] };
    let no_ifunc = |rt: Runtime| match rt {
        Runtime::Musl => Some("not supported: musl does not implement GNU IFUNC"),
        Runtime::Origin => Some("not supported: origin applies no IRELATIVE relocations"),
        _ => None,
    };
    vec![
        series("ctors", "Constructors", "constructors (`.init_array` entries, one store each)", "constructor", 1.0, &counts, |rt, n| {
            match rt {
                Runtime::Origin => origin::build(paths, &origin::Program::Constructors(n), false),
                _ => c_program(paths, rt, &format!("ctors-{n}"), &gen::constructors(n, false)),
            }
            .and_then(|b| count(&b, &[]))
        }),
        series("irelative", "IRELATIVE relocations", "IRELATIVE relocations (GNU IFUNC resolvers that only answer)", "relocation", 1.0, &counts, |rt, n| {
            if let Some(why) = no_ifunc(rt) {
                return Err(why.to_string());
            }
            c_program(paths, rt, &format!("ifuncs-{n}"), &gen::ifuncs(n, false)).and_then(|b| count(&b, &[]))
        }),
        series("env", "Environment variables", "environment variables (Vi=i), the start-up rows' hellos", "variable", 1.0, &counts, |rt, n| {
            let hello = hellos.of.iter().find(|h| h.0 == rt).map(|h| h.1.clone()).unwrap_or(Err("no hello".into()))?;
            let env: Vec<(String, String)> = (0..n).map(|i| (format!("V{i}"), i.to_string())).collect();
            count(hello, &env)
        }),
        series("tls", "TLS size", "TLS size (`.tbss`, main reads its first byte)", "MiB", (1 << 20) as f64, &tls, |rt, n| {
            match rt {
                Runtime::Origin => origin::build(paths, &origin::Program::TlsBytes(n), false),
                _ => c_program(paths, rt, &format!("tls-{n}"), &gen::tls(n)),
            }
            .and_then(|b| count(&b, &[]))
        }),
    ]
}

fn series(
    key: &'static str,
    title: &'static str,
    x_title: &'static str,
    unit: &'static str,
    unit_size: f64,
    xs: &[usize],
    mut point: impl FnMut(Runtime, usize) -> Result<u64, String>,
) -> Series {
    let lines = RUNTIMES
        .iter()
        .map(|&runtime| {
            let start = std::time::Instant::now();
            let mut line = Line { runtime, points: vec![None; xs.len()], note: None };
            for (i, &x) in xs.iter().enumerate() {
                match point(runtime, x) {
                    Ok(n) => line.points[i] = Some(n),
                    Err(why) => {
                        let first = why.lines().next().unwrap_or("").to_string();
                        eprintln!("scaling: {key}, {} at {x}: {why}", runtime.name());
                        line.note = Some(if first.starts_with("not supported") { first } else { format!("failed at {x}: {first}") });
                        break;
                    }
                }
            }
            eprintln!("scaling: {key}, {}: {:.1} s", runtime.name(), start.elapsed().as_secs_f64());
            line
        })
        .collect();
    Series { key, title, x_title, unit, unit_size, xs: xs.to_vec(), lines }
}

/// Builds a generated C program with one C runtime into target/bench/scaling/.
fn c_program(paths: &Paths, rt: Runtime, name: &str, source: &str) -> Result<PathBuf, String> {
    let dir = paths.bench.join("scaling");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let c = dir.join(format!("{name}.c"));
    std::fs::write(&c, source).map_err(|e| e.to_string())?;
    let out = dir.join(format!("{name}-{}", rt.name()));
    match rt {
        Runtime::Crt0 => baselines::crt0_cc(paths, &["-O2"], &c, &out),
        Runtime::Glibc => baselines::compile("gcc", &["-O2", "-static"], &c, &out),
        Runtime::Musl => baselines::compile("musl-gcc", &["-O2", "-static"], &c, &out),
        Runtime::Origin => unreachable!("origin's programs are Rust"),
    }
}

fn count(binary: &Path, env: &[(String, String)]) -> Result<u64, String> {
    hostile::count(binary, env).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_unit_is_the_slope_from_the_first_to_the_last_point() {
        let s = Series {
            key: "k",
            title: "t",
            x_title: "x",
            unit: "MiB",
            unit_size: (1 << 20) as f64,
            xs: vec![0, 1 << 20, 4 << 20],
            lines: vec![],
        };
        let line = Line { runtime: Runtime::Crt0, points: vec![Some(100), Some(150), Some(300)], note: None };
        assert_eq!(line.per_unit(&s), Some(50.0));
        let cut = Line { runtime: Runtime::Crt0, points: vec![Some(100), None, None], note: None };
        assert_eq!(cut.per_unit(&s), None);
        assert_eq!(s.x_labels(), ["0", "1 MiB", "4 MiB"]);
        assert_eq!(bytes_label(4096), "4 KiB");
    }
}
