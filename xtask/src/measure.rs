//! The figures for one binary: stripped size, syscalls, user instructions, exit and output.

use crate::child::{self, Exit, Program};
use crate::report::thousands;
use crate::{sysnames, trace};
use std::fs::{self, File};
use std::io::{self, Read, Seek};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

pub struct Measurement {
    pub stripped_bytes: u64,
    pub syscalls: Vec<u64>,
    pub instructions: u64,
    pub exit: Exit,
    /// None when no output was expected.
    pub stdout_ok: Option<bool>,
}

/// Runs `program` three times: untraced to capture its output, then once under each kind of
/// tracing. Its stdout goes to /dev/null in the traced runs, like its stderr in all of them.
pub fn measure(program: &Program, expected_stdout: Option<&[u8]>) -> io::Result<Measurement> {
    let null = child::dev_null()?;
    let (stdout, exit) = run_capturing(program, &null)?;
    let (syscalls, syscall_exit) = trace::syscalls(program, &null, &null)?;
    let (instructions, step_exit) = trace::instructions(program, &null, &null)?;
    if syscall_exit != exit || step_exit != exit {
        return Err(io::Error::other(format!(
            "{} ends differently under tracing: {exit} untraced, {syscall_exit} under PTRACE_SYSCALL, \
             {step_exit} single-stepped",
            program.path().display()
        )));
    }
    Ok(Measurement {
        stripped_bytes: stripped_size("strip", program.path())?,
        syscalls,
        instructions,
        exit,
        stdout_ok: expected_stdout.map(|e| e == stdout.as_slice()),
    })
}

fn run_capturing(program: &Program, null: &File) -> io::Result<(Vec<u8>, Exit)> {
    let path = TempPath::new("stdout");
    let mut out = File::options()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path.0)?;
    let pid = child::spawn(program, &out, null, false)?;
    let exit = child::wait_exit(pid)?;
    if exit == Exit::Code(child::EXEC_FAILED) {
        return Err(io::Error::other(format!(
            "cannot execute {}",
            program.path().display()
        )));
    }
    let mut bytes = Vec::new();
    out.rewind()?;
    out.read_to_end(&mut bytes)?;
    Ok((bytes, exit))
}

/// Size after `strip` (the host's, or a cross one), measured on a copy so the binary itself
/// keeps its symbols for debugging.
pub fn stripped_size(strip: &str, binary: &Path) -> io::Result<u64> {
    let copy = TempPath::new("stripped");
    fs::copy(binary, &copy.0)?;
    let status = Command::new(strip).arg(&copy.0).status()?;
    if !status.success() {
        return Err(io::Error::other(format!(
            "{strip} {} failed: {status}",
            binary.display()
        )));
    }
    Ok(fs::metadata(&copy.0)?.len())
}

/// A file name in the temporary directory, removed when dropped.
pub struct TempPath(pub PathBuf);

impl TempPath {
    pub fn new(what: &str) -> TempPath {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let name = format!("xtask-{}-{n}-{what}", std::process::id());
        TempPath(std::env::temp_dir().join(name))
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

/// The `measure` command's output.
pub fn print(binary: &Path, m: &Measurement) {
    let stdout = match m.stdout_ok {
        None => "not checked (use --expect TEXT)",
        Some(true) => "matched",
        Some(false) => "DIFFERED from --expect",
    };
    println!("binary:            {}", binary.display());
    println!("stripped bytes:    {}", thousands(m.stripped_bytes));
    println!(
        "syscalls:          {}: {}",
        m.syscalls.len(),
        sysnames::list(&m.syscalls)
    );
    println!(
        "user instructions: {} (single-stepped; rep-prefixed instructions count each iteration)",
        thousands(m.instructions)
    );
    println!("exit status:       {}", m.exit);
    println!("stdout:            {stdout}");
}
