//! Building the programs that `startup-aarch64` and `startup-riscv64` compare, and the
//! `kernel` test program that times them inside the VM.

use super::Cross;
use crate::baselines::{self, Paths};
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One row to build: its name in the table, and the binary or why there is none.
pub struct Entry {
    pub name: String,
    pub binary: Result<PathBuf, String>,
}

/// Where the programs go. Each has its own file name, because the VM runner puts every file
/// it is given in the same guest folder under its base name.
pub fn bench_dir(cross: &Cross, paths: &Paths) -> PathBuf {
    paths.target.join(format!("bench-{}", cross.name))
}

/// Builds every row in table order, the floor first; a row that cannot be built carries the
/// reason instead.
pub fn build_all(cross: &Cross, paths: &Paths) -> Vec<Entry> {
    let bench = bench_dir(cross, paths);
    if let Err(e) = fs::create_dir_all(&bench) {
        panic!("cannot create {}: {e}", bench.display());
    }
    let hello_c = paths.programs.join("hello.c");
    let out = |name: &str| bench.join(name);
    let a = cross.name;
    vec![
        Entry {
            name: "floor: asm `_start`, write, exit_group".into(),
            binary: baselines::compile(
                cross.cc,
                &["-nostdlib", "-static"],
                &paths.programs.join(cross.floor),
                &out("floor"),
            ),
        },
        Entry {
            name: "glibc static".into(),
            binary: baselines::compile(cross.cc, &["-O2", "-static"], &hello_c, &out("glibc-hello")),
        },
        Entry {
            name: format!("crt0 Rust hello, {a}-none (rust-lld)"),
            binary: rust_hello_none(cross, paths)
                .and_then(|built| copy(&built, &out("crt0-rust-hello-none"))),
        },
        Entry {
            name: format!("crt0 Rust hello, {a} host target (GNU ld)"),
            binary: cargo_build(paths, "crt0-examples", "hello", cross.host_target, cross.host_flags)
                .and_then(|built| copy(&built, &out("crt0-rust-hello-host"))),
        },
        Entry {
            name: "crt0 C hello (GNU ld)".into(),
            binary: crt0_c(cross, paths, &out("crt0-c-hello")),
        },
    ]
}

/// The `kernel` test program, which runs and times the others in the guest.
pub fn driver(cross: &Cross, paths: &Paths) -> Result<PathBuf, String> {
    cargo_build(paths, "crt0-test-programs", "kernel", cross.host_target, cross.host_flags)
}

fn rust_hello_none(cross: &Cross, paths: &Paths) -> Result<PathBuf, String> {
    let build_std = [
        "-Zjson-target-spec",
        "-Zbuild-std=core,alloc,compiler_builtins",
        "-Zbuild-std-features=compiler-builtins-mem",
    ];
    cargo_build(
        paths,
        "crt0-examples",
        "hello",
        &format!("{}-none.json", cross.name),
        &build_std,
    )
}

/// `cargo build --release` of one binary for `target` (a triple or a JSON spec); returns where
/// cargo put it: target/<triple or the spec's file stem>/release/.
fn cargo_build(
    paths: &Paths,
    package: &str,
    bin: &str,
    target: &str,
    flags: &[&str],
) -> Result<PathBuf, String> {
    // CARGO is the cargo that ran us: the same toolchain builds the programs.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let mut cmd = Command::new(cargo);
    cmd.current_dir(&paths.root)
        .args([
            "build",
            "--release",
            "-p",
            package,
            "--bin",
            bin,
            "--target",
            target,
        ])
        .args(flags);
    baselines::run(&mut cmd)?;
    let folder = target.strip_suffix(".json").unwrap_or(target);
    let binary = paths.target.join(folder).join("release").join(bin);
    if !binary.is_file() {
        return Err(format!(
            "the build succeeded but {} does not exist",
            binary.display()
        ));
    }
    Ok(binary)
}

fn crt0_c(cross: &Cross, paths: &Paths, output: &Path) -> Result<PathBuf, String> {
    let mut cmd = Command::new(paths.root.join("crt/crt0-cc"));
    cmd.current_dir(&paths.root)
        .env("CC", cross.cc)
        .env_remove("CRT0_TARGET")
        .args(["-O2", "-o"])
        .arg(output)
        .arg("examples/c/hello.c");
    baselines::run(&mut cmd)?;
    Ok(output.to_path_buf())
}

fn copy(from: &Path, to: &Path) -> Result<PathBuf, String> {
    fs::copy(from, to)
        .map_err(|e| format!("copying {} to {}: {e}", from.display(), to.display()))?;
    Ok(to.to_path_buf())
}
