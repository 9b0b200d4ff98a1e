//! `xtask hostile`: how start-up cost grows with the number of constructors,
//! IRELATIVE resolvers and environment variables and with the TLS size.
//! Each series builds generated C programs (tests/gen) with crt/crt0-cc,
//! single-steps them and prints the user instructions per added item: the
//! slope should be a small constant, the same between any two sizes.

#[path = "../../tests/gen/mod.rs"]
pub(crate) mod gen;

use crate::baselines::{self, Paths};
use crate::child::{self, Exit, Program};
use crate::report::thousands;
use crate::trace;
use std::io;
use std::path::{Path, PathBuf};

/// Builds `source` with crt/crt0-cc -O2 into target/hostile/NAME.
fn build(root: &Path, name: &str, source: &str) -> io::Result<PathBuf> {
    let dir = root.join("target/hostile");
    std::fs::create_dir_all(&dir)?;
    let c = dir.join(format!("{name}.c"));
    std::fs::write(&c, source)?;
    baselines::crt0_cc(&Paths::new(), &["-O2"], &c, &dir.join(name)).map_err(io::Error::other)
}

/// User instructions of one run of `binary` in the environment `env`, with the same argv[0]
/// as `startup`'s, so that where a binary sits does not change the count.
pub fn count(binary: &Path, env: &[(String, String)]) -> io::Result<u64> {
    let program = Program::new(binary, &[crate::startup::ARGV0.into()], env)?;
    let null = child::dev_null()?;
    let (n, exit) = trace::instructions(&program, &null, &null)?;
    if exit != Exit::Code(0) {
        return Err(io::Error::other(format!("{} ended with {exit}", binary.display())));
    }
    Ok(n)
}

/// Prints one series: the count at each size and the slope from the
/// smallest size, per item.
fn series(what: &str, unit: &str, points: &[(usize, u64)]) {
    println!("{what}");
    let (n0, i0) = points[0];
    for &(n, i) in points {
        let slope = if n == n0 { String::new() } else { format!("  {:.3} per {unit}", (i as f64 - i0 as f64) / (n - n0) as f64) };
        println!("  {:>10} {unit}s: {:>14} instructions{slope}", thousands(n as u64), thousands(i));
    }
}

pub fn run(root: &Path) -> io::Result<()> {
    let mut points = vec![];
    for n in [0, 1_000, 10_000] {
        let b = build(root, &format!("ctors_{n}"), &gen::constructors(n, false))?;
        points.push((n, count(&b, &[])?));
    }
    series("constructors (one store each, prioritised)", "constructor", &points);

    let mut points = vec![];
    for n in [0, 1_000, 10_000] {
        let b = build(root, &format!("ifuncs_{n}"), &gen::ifuncs(n, false))?;
        points.push((n, count(&b, &[])?));
    }
    series("IRELATIVE relocations (resolvers that only answer)", "resolver", &points);

    let empty = build(root, "empty", &gen::tls(0))?;
    let mut points = vec![];
    for n in [0, 10_000, 40_000] {
        let env: Vec<(String, String)> = (0..n).map(|i| (format!("V{i}"), i.to_string())).collect();
        points.push((n, count(&empty, &env)?));
    }
    series("environment variables (Vn=n)", "variable", &points);

    let mut points = vec![(0, count(&empty, &[])?)];
    for (name, bytes) in [("tls_1mib", 1 << 20), ("tls_64mib", 64 << 20)] {
        points.push((bytes, count(&build(root, name, &gen::tls(bytes))?, &[])?));
    }
    series("TLS (.tbss)", "byte", &points);
    Ok(())
}
