//! Building the programs that `startup` compares: the floor, glibc and musl "hello"s that a
//! user could pick instead of crt0, and crt0's own C and Rust hellos.

use std::ffi::OsString;
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One row of the comparison: the binary, or why there is none.
pub struct Entry {
    pub name: &'static str,
    pub binary: Result<PathBuf, String>,
}

pub struct Paths {
    pub root: PathBuf,
    pub target: PathBuf,
    pub bench: PathBuf,
    pub programs: PathBuf,
}

impl Paths {
    /// The repository root is where this package sits, so the command works from any directory.
    pub fn new() -> Paths {
        let xtask = Path::new(env!("CARGO_MANIFEST_DIR"));
        let root = xtask
            .parent()
            .expect("xtask lives inside the repository")
            .to_path_buf();
        let target = match std::env::var_os("CARGO_TARGET_DIR") {
            Some(dir) => root.join(dir),
            None => root.join("target"),
        };
        Paths {
            bench: target.join("bench"),
            programs: xtask.join("programs"),
            root,
            target,
        }
    }
}

/// Builds every row in table order; a row that cannot be built carries the reason instead.
pub fn build_all(paths: &Paths) -> Vec<Entry> {
    if let Err(e) = fs::create_dir_all(&paths.bench) {
        panic!("cannot create {}: {e}", paths.bench.display());
    }
    let hello_c = paths.programs.join("hello.c");
    let out = |name: &str| paths.bench.join(name);
    vec![
        Entry {
            name: "floor: asm `_start`, write, exit_group",
            binary: compile(
                "gcc",
                &["-nostdlib", "-static"],
                &paths.programs.join("floor.S"),
                &out("floor"),
            ),
        },
        Entry {
            name: "glibc static",
            binary: compile("gcc", &["-O2", "-static"], &hello_c, &out("glibc-hello")),
        },
        Entry {
            name: "musl static",
            binary: compile(
                "musl-gcc",
                &["-O2", "-static"],
                &hello_c,
                &out("musl-hello"),
            ),
        },
        Entry {
            name: "crt0 C hello",
            binary: crt0_c(paths, &out("crt0-c-hello")),
        },
        Entry {
            name: "crt0 Rust hello",
            binary: crt0_rust(paths),
        },
    ]
}

pub fn compile(cc: &str, flags: &[&str], source: &Path, output: &Path) -> Result<PathBuf, String> {
    let mut cmd = Command::new(cc);
    cmd.args(flags).arg("-o").arg(output).arg(source);
    run(&mut cmd)?;
    Ok(output.to_path_buf())
}

fn crt0_c(paths: &Paths, output: &Path) -> Result<PathBuf, String> {
    crt0_cc(paths, &["-O2"], &paths.root.join("examples/c/hello.c"), output)
}

/// Builds `source` with crt/crt0-cc and `flags`, from the repository root (the wrapper builds
/// the runtime there first when it is stale).
pub fn crt0_cc(paths: &Paths, flags: &[&str], source: &Path, output: &Path) -> Result<PathBuf, String> {
    let mut cmd = Command::new(paths.root.join("crt/crt0-cc"));
    cmd.current_dir(&paths.root).args(flags).arg("-o").arg(output).arg(source);
    run(&mut cmd)?;
    Ok(output.to_path_buf())
}

fn crt0_rust(paths: &Paths) -> Result<PathBuf, String> {
    // CARGO is the cargo that ran us: the same toolchain builds the example.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let mut cmd = Command::new(cargo);
    cmd.current_dir(&paths.root).args([
        "build",
        "--release",
        "-p",
        "crt0-examples",
        "--bin",
        "hello",
    ]);
    run(&mut cmd)?;
    let binary = paths.target.join("release/hello");
    if !binary.is_file() {
        return Err(format!(
            "the build succeeded but {} does not exist",
            binary.display()
        ));
    }
    Ok(binary)
}

/// Runs a build command. On failure the error's first line says why in a few words (it goes
/// in a table cell); the lines after it give the command and the end of its output.
pub fn run(cmd: &mut Command) -> Result<(), String> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    let output = match cmd.output() {
        Ok(output) => output,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            let missing = if program.contains('/') {
                "does not exist"
            } else {
                "not installed"
            };
            return Err(format!("{program} {missing}"));
        }
        Err(e) => return Err(format!("{program}: {e}")),
    };
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    // Compilers and cargo both start the line that matters with "error".
    let key = lines
        .iter()
        .find(|l| l.contains("error"))
        .or(lines.first())
        .copied()
        .unwrap_or("");
    let name = Path::new(&program)
        .file_name()
        .map_or(program.clone(), |n| n.to_string_lossy().into_owned());
    let tail = lines[lines.len().saturating_sub(20)..].join("\n");
    Err(format!(
        "{name} failed ({}): {key}\n{cmd:?}\n{tail}",
        output.status
    ))
}
