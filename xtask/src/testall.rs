//! `cargo xtask test` (what `./test.sh` and `.ci/run` run): installs or checks what the tests
//! need on a Debian machine that has only rustup's toolchains, fetches the pinned kernels,
//! then runs every test, stopping at the first step that fails. Prints each step's time.

use std::process::Command;
use std::time::{Duration, Instant};

/// Debian packages the tests use besides the real-kernel runner's (crt0_vm::arch, which
/// brings each architecture's cross gcc, qemu-system and firmware): C compilation and
/// linking, gdb and strace, valgrind's memcheck, qemu-user for the aarch64 and riscv64
/// configurations and gdb-multiarch to debug them, git for crt0 as a user's git dependency
/// (tests/user_project.rs), the C++ compilers for every arch and clang (tests/cxx.rs, the
/// compiler-wrapper tests), make for a Makefile project built with crt0-cc.
const PACKAGES: [&str; 13] = [
    "gcc",
    "binutils",
    "gdb",
    "strace",
    "valgrind",
    "qemu-user-static",
    "gdb-multiarch",
    "git",
    "g++",
    "g++-aarch64-linux-gnu",
    "g++-riscv64-linux-gnu",
    "clang",
    "make",
];

/// The test steps: the library on stable for every host target, every test of the root
/// package (all configurations, the real kernels included), then the unit tests of the
/// workspace members that `cargo test` alone does not run.
const STEPS: [&[&str]; 7] = [
    &["+stable", "build", "--lib"],
    &["+stable", "build", "--lib", "--target", "aarch64-unknown-linux-gnu"],
    &["+stable", "build", "--lib", "--target", "riscv64gc-unknown-linux-gnu"],
    &["test"],
    &["test", "-p", "xtask"],
    &["test", "-p", "crt0-vm"],
    &["test", "-p", "crt0-build"],
];

pub fn run(args: Vec<std::ffi::OsString>) -> Result<(), String> {
    if let Some(a) = args.first() {
        return Err(format!("test takes no arguments, not {a:?}\n{}", crate::USAGE));
    }
    let total = Instant::now();
    let mut times: Vec<(String, Duration)> = Vec::new();
    let mut step = |name: String, f: &mut dyn FnMut() -> Result<(), String>| {
        eprintln!("==> {name}");
        let start = Instant::now();
        let r = f();
        times.push((name, start.elapsed()));
        r
    };
    step("Debian packages".into(), &mut debian_packages)?;
    step("rustup components and targets".into(), &mut rustup)?;
    step("the pinned kernels (vm/kernels.txt)".into(), &mut || {
        for k in crt0_vm::pins::all() {
            crt0_vm::fetch::image(k)?;
        }
        Ok(())
    })?;
    for args in STEPS {
        step(format!("cargo {}", args.join(" ")), &mut || {
            let status = Command::new("cargo").args(args).status().map_err(|e| format!("cargo: {e}"))?;
            if status.success() { Ok(()) } else { Err(format!("cargo {} failed ({status})", args.join(" "))) }
        })?;
    }
    eprintln!("==> all tests passed in {}", minutes(total.elapsed()));
    for (name, t) in &times {
        eprintln!("    {:>7}  {name}", minutes(*t));
    }
    Ok(())
}

fn minutes(d: Duration) -> String {
    let s = d.as_secs();
    format!("{}:{:02}", s / 60, s % 60)
}

/// Installs the missing packages with apt-get, as root or through sudo; otherwise stops with
/// the list to install.
fn debian_packages() -> Result<(), String> {
    let mut wanted: Vec<&str> = PACKAGES.to_vec();
    for p in crt0_vm::arch::host_packages(crt0_vm::ARCHES) {
        if !wanted.contains(&p) {
            wanted.push(p);
        }
    }
    let missing: Vec<&str> = wanted.iter().copied().filter(|p| !installed(p)).collect();
    if missing.is_empty() {
        eprintln!("all {} present", wanted.len());
        return Ok(());
    }
    let list = missing.join(" ");
    let root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    let sudo = !root && Command::new("sudo").args(["-n", "true"]).status().is_ok_and(|s| s.success());
    if !root && !sudo {
        return Err(format!(
            "missing Debian packages: {list}\ninstall them as root (apt-get install {list}) and run this again"
        ));
    }
    eprintln!("installing {list}");
    let apt = |args: &[&str]| {
        let mut c = if sudo { Command::new("sudo") } else { Command::new("apt-get") };
        if sudo {
            c.args(["-n", "env", "DEBIAN_FRONTEND=noninteractive", "apt-get"]);
        }
        c.env("DEBIAN_FRONTEND", "noninteractive").args(args);
        match c.status() {
            Ok(s) if s.success() => Ok(()),
            r => Err(format!("apt-get {} failed ({r:?}); the packages needed: {list}", args.join(" "))),
        }
    };
    apt(&["update", "-qq"])?;
    let mut install = vec!["install", "-y", "-qq"];
    install.extend(&missing);
    apt(&install)?;
    let still: Vec<&str> = missing.iter().copied().filter(|p| !installed(p)).collect();
    if still.is_empty() { Ok(()) } else { Err(format!("still missing after apt-get install: {}", still.join(" "))) }
}

/// Whether dpkg has `package` installed.
fn installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${db:Status-Abbrev}", package])
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"ii"))
}

/// rust-src for build-std (the `*-none` targets) on the pinned nightly, the aarch64 host
/// target on nightly and stable, and the riscv64 one on stable: the pinned nightly has no
/// rust-std for riscv64gc-unknown-linux-gnu (its download is a 404), so the tests build that
/// target's core with build-std from rust-src (tests/common, crt/crt0-cc). All these
/// commands are additive: they never replace a toolchain.
fn rustup() -> Result<(), String> {
    let commands: [&[&str]; 4] = [
        &["component", "add", "rust-src", "--toolchain", "nightly"],
        &["target", "add", "aarch64-unknown-linux-gnu", "--toolchain", "nightly"],
        &["target", "add", "aarch64-unknown-linux-gnu", "--toolchain", "stable"],
        &["target", "add", "riscv64gc-unknown-linux-gnu", "--toolchain", "stable"],
    ];
    for args in commands {
        let status = Command::new("rustup").args(args).status().map_err(|e| format!("rustup: {e} (install rustup from rustup.rs)"))?;
        if !status.success() {
            return Err(format!("rustup {} failed ({status})", args.join(" ")));
        }
    }
    Ok(())
}
