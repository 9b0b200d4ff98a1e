//! One boot: a pinned kernel under qemu-system, an initramfs holding the guest `/init`, the
//! program and its companion files, and the console read back line by line until `/init`
//! reports how the program ended.

use crate::initramfs::Cpio;
use crate::pins::Kernel;
use crate::{cache, fetch, init};
use std::io::{BufRead, BufReader, BufWriter, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

/// What to run, and on which kernel. The program is `/prog/NAME` in the guest, its working
/// directory `/prog`, next to the companion files; stdin is /dev/null, stdout and stderr
/// both go to the console.
pub struct Guest<'a> {
    pub kernel: &'a Kernel,
    pub program: PathBuf,
    pub args: Vec<String>,
    /// Copied to `/prog/NAME`: (host path, NAME).
    pub files: Vec<(PathBuf, String)>,
    /// `NAME=VALUE`, on top of PATH=/prog:/usr/bin:/bin, HOME=/root and TMPDIR=/tmp.
    pub env: Vec<String>,
    /// For the whole boot, from qemu's start to its exit.
    pub timeout: Duration,
    pub cpus: u32,
    pub memory_mib: u32,
    /// Extra kernel command-line parameters (`rseq_debug=1`, ...).
    pub kernel_args: Vec<String>,
}

impl<'a> Guest<'a> {
    /// `program` on `kernel` with no arguments, 2 CPUs, 512 MiB and a 5-minute timeout.
    pub fn new(kernel: &'a Kernel, program: impl Into<PathBuf>) -> Self {
        Guest { kernel, program: program.into(), args: vec![], files: vec![], env: vec![], timeout: Duration::from_secs(300), cpus: 2, memory_mib: 512, kernel_args: vec![] }
    }
}

/// How the program ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Exited(i32),
    Signaled(i32),
}

/// What one boot gave.
#[derive(Debug)]
pub struct Outcome {
    /// The program's output, as written (kernel console messages taken out).
    pub output: String,
    pub status: Status,
    /// The console before the program started, and kernel messages after.
    pub kernel_log: String,
    /// From qemu's start to the program's start, and from there to its end.
    pub boot_time: Duration,
    pub run_time: Duration,
}

/// Boots `guest.kernel` and runs the program. An `Err` means the runner, qemu or the kernel
/// failed (the message says what, with the end of the console); a program that failed is an
/// `Ok` with its status.
pub fn run(guest: &Guest) -> Result<Outcome, String> {
    let arch = guest.kernel.arch;
    check_elf(&guest.program, arch.elf_machine, arch.name)?;
    for (file, _) in &guest.files {
        if !file.is_file() {
            return Err(format!("{}: no such file", file.display()));
        }
    }
    let image = fetch::image(guest.kernel)?;
    let init = init::binary(arch)?;
    let marker = format!("@@crt0-vm-{:016x}@@", random());
    let dir = std::env::temp_dir();
    let initrd = cache::temp_path(&dir, "crt0-vm-initrd", "cpio");
    write_initramfs(&initrd, guest, &init, &marker).map_err(|e| format!("writing {}: {e}", initrd.display()))?;

    let mut qemu = Command::new(arch.qemu);
    qemu.args(arch.machine)
        .args(["-smp", &guest.cpus.to_string(), "-m", &guest.memory_mib.to_string()])
        .args(["-nodefaults", "-no-user-config", "-display", "none", "-no-reboot", "-serial", "stdio"])
        .arg("-kernel")
        .arg(&image)
        .arg("-initrd")
        .arg(&initrd)
        .arg("-append")
        .arg(format!("console={} panic=-1 quiet {}", arch.console, guest.kernel_args.join(" ")).trim_end())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut attempt = 1;
    let result = loop {
        let start = Instant::now();
        let child = match qemu.spawn() {
            Ok(child) => child,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                break Err(format!("{} not found: install the Debian package {}", arch.qemu, arch.qemu_package));
            }
            Err(e) => break Err(format!("{}: {e}", arch.qemu)),
        };
        match watch(child, guest, &marker, start) {
            // A kernel that crashed or hung before the program started says nothing about
            // the program: seen once in about 50 boots of 7.2 under TCG (a panic in the
            // idle loop). Boot again, saying so.
            Err(Failure { began: false, message }) if attempt < BOOT_ATTEMPTS => {
                eprintln!("crt0-vm: the boot failed before the program started; booting again:\n{message}");
                attempt += 1;
            }
            r => break r.map_err(|f| f.message),
        }
    };
    let _ = std::fs::remove_file(&initrd);
    result
}

/// Boots tried when the kernel fails before the program starts.
const BOOT_ATTEMPTS: u32 = 2;

/// How long the kernel may take to start the program: TCG boots take 4-12 s here.
const BOOT_TIMEOUT: Duration = Duration::from_secs(120);

/// Why a boot gave no outcome, and whether the program had started.
struct Failure {
    began: bool,
    message: String,
}

/// Reads the console until the status line, then lets qemu power off (or stops it).
fn watch(mut child: Child, guest: &Guest, marker: &str, start: Instant) -> Result<Outcome, Failure> {
    let verbose = std::env::var_os("CRT0_VM_VERBOSE").is_some_and(|v| v != "0");
    let (tx, lines) = mpsc::channel::<String>();
    let stdout = child.stdout.take().expect("piped");
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).split(b'\n') {
            let Ok(line) = line else { break };
            let line = String::from_utf8_lossy(&line).trim_end_matches('\r').to_string();
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut stderr = child.stderr.take().expect("piped");
    let errors = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });

    let deadline = start + guest.timeout;
    let (mut output, mut kernel_log) = (String::new(), String::new());
    let mut began: Option<Instant> = None;
    let status = loop {
        let until = if began.is_some() { deadline } else { deadline.min(start + BOOT_TIMEOUT) };
        let line = match lines.recv_timeout(until.saturating_duration_since(Instant::now())) {
            Ok(line) => line,
            Err(RecvTimeoutError::Timeout) => {
                stop(&mut child);
                let what = if began.is_some() { "no status" } else { "the program did not start" };
                let message = format!(
                    "{}: {what} after {:?} (timeout)\n{}",
                    guest.kernel.describe(),
                    until - start,
                    tail(&kernel_log, &output)
                );
                return Err(Failure { began: began.is_some(), message });
            }
            Err(RecvTimeoutError::Disconnected) => {
                let _ = child.wait();
                let message = format!(
                    "{}: qemu ended without a status from the guest\n{}\nqemu: {}",
                    guest.kernel.describe(),
                    tail(&kernel_log, &output),
                    errors.join().unwrap_or_default().trim()
                );
                return Err(Failure { began: began.is_some(), message });
            }
        };
        if verbose {
            eprintln!("console: {line}");
        }
        let Some(at) = line.find(marker) else {
            if began.is_some() && !is_kernel_message(&line) {
                output.push_str(&line);
                output.push('\n');
            } else {
                kernel_log.push_str(&line);
                kernel_log.push('\n');
            }
            continue;
        };
        // Output that did not end with a newline shares the line with the marker.
        if at > 0 {
            output.push_str(&line[..at]);
            output.push('\n');
        }
        let report = line[at + marker.len()..].trim();
        if report == "BEGIN" {
            began = Some(Instant::now());
        } else if let Some(code) = report.strip_prefix("EXIT ").and_then(|n| n.parse().ok()) {
            break Status::Exited(code);
        } else if let Some(sig) = report.strip_prefix("SIGNAL ").and_then(|n| n.parse().ok()) {
            break Status::Signaled(sig);
        } else {
            stop(&mut child);
            let message = format!("{}: the guest's /init says: {report}\n{}", guest.kernel.describe(), tail(&kernel_log, &output));
            return Err(Failure { began: true, message });
        }
    };
    let end = Instant::now();
    // /init powers off at once; give qemu a moment to exit before stopping it.
    let grace = Instant::now() + Duration::from_secs(20);
    while child.try_wait().ok().flatten().is_none() {
        if Instant::now() > grace {
            stop(&mut child);
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let began = began.unwrap_or(end);
    Ok(Outcome { output, status, kernel_log, boot_time: began - start, run_time: end - began })
}

/// Stops the qemu this boot started.
fn stop(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// A kernel console message: `[   12.345678] ...`.
fn is_kernel_message(line: &str) -> bool {
    line.strip_prefix('[')
        .and_then(|r| r.split_once(']'))
        .is_some_and(|(t, _)| t.trim_start().contains('.') && t.trim().bytes().all(|b| b.is_ascii_digit() || b == b'.'))
}

/// What the console showed, for error messages: from just before the first sign of a
/// kernel crash if there is one, else the last lines.
fn tail(kernel_log: &str, output: &str) -> String {
    let all: Vec<&str> = kernel_log.lines().chain(output.lines()).collect();
    let crash = ["Oops", "BUG:", "Kernel panic", "general protection", "invalid opcode", "Unable to handle", "Internal error"];
    let start = match all.iter().position(|l| crash.iter().any(|c| l.contains(c))) {
        Some(i) => i.saturating_sub(5),
        None => all.len().saturating_sub(40),
    };
    all[start..].iter().take(80).map(|l| format!("console: {l}\n")).collect()
}

/// The initramfs: directories, /dev/console (for the kernel to open before /init runs),
/// /init, its spec, and the program with its companions in /prog.
fn write_initramfs(path: &Path, guest: &Guest, init: &Path, marker: &str) -> std::io::Result<()> {
    let mut c = Cpio::new(BufWriter::new(std::fs::File::create(path)?));
    for d in ["dev", "proc", "sys", "root", "prog", "crt0-vm"] {
        c.dir(d, 0o755)?;
    }
    c.dir("tmp", 0o1777)?;
    c.char_device("dev/console", 0o600, (5, 1))?;
    c.file("init", 0o755, &std::fs::read(init)?)?;
    let name = file_name(&guest.program);
    c.file("crt0-vm/spec", 0o644, &spec(guest, &name, marker))?;
    c.file(&format!("prog/{name}"), 0o755, &std::fs::read(&guest.program)?)?;
    for (file, name) in &guest.files {
        c.file(&format!("prog/{name}"), 0o755, &std::fs::read(file)?)?;
    }
    c.finish()?.into_inner().map_err(|e| e.into_error())?.sync_all()
}

/// The strings init.c reads: marker, argc, argv, envc, env; each NUL-terminated.
fn spec(guest: &Guest, name: &str, marker: &str) -> Vec<u8> {
    let mut env: Vec<String> = ["PATH=/prog:/usr/bin:/bin", "HOME=/root", "TMPDIR=/tmp"]
        .iter()
        .filter(|d| !guest.env.iter().any(|e| e.split('=').next() == d.split('=').next()))
        .map(|d| d.to_string())
        .collect();
    env.extend(guest.env.iter().cloned());
    let argv: Vec<String> = std::iter::once(format!("/prog/{name}")).chain(guest.args.iter().cloned()).collect();
    let mut out = Vec::new();
    let strings = [marker.to_string(), argv.len().to_string()].into_iter().chain(argv).chain([env.len().to_string()]).chain(env);
    for s in strings {
        out.extend_from_slice(s.as_bytes());
        out.push(0);
    }
    out
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "program".into())
}

/// Refuses a file that is not a 64-bit little-endian ELF program for `machine`.
fn check_elf(path: &Path, machine: u16, arch: &str) -> Result<(), String> {
    let mut head = [0u8; 20];
    std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head)).map_err(|e| format!("{}: {e}", path.display()))?;
    if &head[..6] != b"\x7fELF\x02\x01" || u16::from_le_bytes([head[18], head[19]]) != machine {
        return Err(format!("{} is not a 64-bit little-endian {arch} ELF program", path.display()));
    }
    Ok(())
}

/// A per-boot random number for the marker, from the kernel.
fn random() -> u64 {
    let mut b = [0u8; 8];
    if std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut b)).is_err() {
        return std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64) ^ std::process::id() as u64;
    }
    u64::from_ne_bytes(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_messages() {
        assert!(is_kernel_message("[    1.234567] rseq: something"));
        assert!(is_kernel_message("[12345.000001] x"));
        assert!(!is_kernel_message("[1, 2] a list"));
        assert!(!is_kernel_message("pinned cpu=0"));
    }

    #[test]
    fn spec_layout() {
        let k = &crate::pins::all()[0];
        let mut g = Guest::new(k, "/x/kernel");
        g.args = vec!["a".into(), "".into()];
        g.env = vec!["PATH=/bin".into(), "X=1".into()];
        let s = spec(&g, "kernel", "M");
        let parts: Vec<&[u8]> = s.split(|&b| b == 0).collect();
        let want: Vec<&[u8]> = vec![b"M", b"3", b"/prog/kernel", b"a", b"", b"4", b"HOME=/root", b"TMPDIR=/tmp", b"PATH=/bin", b"X=1", b""];
        assert_eq!(parts, want);
    }
}
