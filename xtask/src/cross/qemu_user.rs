//! The figures of one emulated program that do not need a real kernel, taken on this host with
//! qemu-user: stripped size, system calls and instructions executed.
//!
//! ptrace single-stepping cannot count aarch64 start-up: a single-stepped load/store-exclusive
//! loop (the first compare-and-swap) never succeeds (riscv64's LR/SC loops the same way). qemu-user
//! can: with `-singlestep` every translation block is one instruction, and `-d exec,nochain`
//! logs one "Trace" line per block executed.

use super::Cross;
use crate::measure::{stripped_size, TempPath};
use crate::startup::ARGV0;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

const EXPECTED_STDOUT: &[u8] = b"hello\n";
/// qemu-user 7.2 has no name for rseq: it logs "Unknown syscall 293" and answers ENOSYS
/// (293 in the asm-generic table, aarch64's and riscv64's).
const RSEQ: &str = "293";

pub struct Figures {
    pub stripped_bytes: u64,
    /// Names, from execve to exit.
    pub syscalls: Vec<String>,
    pub instructions: u64,
}

/// Measures `binary`; an error if it fails to print "hello\n" and exit 0 in either run.
pub fn measure(cross: &Cross, binary: &Path) -> Result<Figures, String> {
    let traced = run(cross, binary, &["-strace"])?;
    let log = TempPath::new("qemu-exec-log");
    let log_path = log.0.to_string_lossy();
    run(
        cross,
        binary,
        &["-singlestep", "-d", "exec,nochain", "-D", &log_path],
    )?;
    let log = fs::read_to_string(&log.0).map_err(|e| format!("reading qemu's log: {e}"))?;
    let stripped_bytes = stripped_size(cross.strip, binary).map_err(|e| format!("{}: {e}", cross.strip))?;
    Ok(Figures {
        stripped_bytes,
        syscalls: syscalls(&String::from_utf8_lossy(&traced.stderr)),
        instructions: log.lines().filter(|l| l.contains("Trace")).count() as u64,
    })
}

/// Runs `binary` under qemu-user with an empty environment (qemu hands the guest its own)
/// and argv[0] = ARGV0, like the x86_64 measurements, so that the caller's environment and
/// argv[0] leave the counts alone. glibc's count still moves by some tens with the binary's
/// path (5,485 to 5,560 seen), which reaches the program outside argv.
fn run(cross: &Cross, binary: &Path, options: &[&str]) -> Result<Output, String> {
    let qemu = cross.qemu_user;
    let output = Command::new(qemu)
        .env_clear()
        .args(["-0", ARGV0])
        .args(options)
        .arg(binary)
        .output()
        .map_err(|e| format!("{qemu}: {e}"))?;
    if !output.status.success() || output.stdout != EXPECTED_STDOUT {
        return Err(format!(
            "under {qemu} {}: {}, stdout {:?}",
            options.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stdout)
        ));
    }
    Ok(output)
}

/// The names in qemu's `-strace` log ("PID name(args) = result" per call), after the execve
/// that qemu-user makes itself when it loads the program.
fn syscalls(log: &str) -> Vec<String> {
    let mut names = vec!["execve".to_string()];
    for line in log.lines() {
        let Some((pid, call)) = line.split_once(' ') else {
            continue;
        };
        if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        if let Some(nr) = call.strip_prefix("Unknown syscall ") {
            names.push(if nr.trim() == RSEQ {
                "rseq".into()
            } else {
                format!("syscall_{}", nr.trim())
            });
        } else if let Some((name, _)) = call.split_once('(') {
            names.push(name.to_string());
        }
    }
    names
}
