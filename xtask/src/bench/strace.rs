//! A second opinion on the syscall counts: strace(1), run the way a reader would check them.
//! The table's counts come from xtask's own PTRACE_SYSCALL tracer; this only reports where
//! strace counts differently.

use crate::measure::TempPath;
use std::path::Path;
use std::process::{Command, Stdio};

/// The number of syscalls strace sees from execve to exit, or why there is no count.
pub fn count(binary: &Path) -> Result<usize, String> {
    let log = TempPath::new("strace");
    let status = Command::new("strace")
        .args(["-qq", "-o"])
        .arg(&log.0)
        .arg("--")
        .arg(binary)
        .env_clear()
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("strace: {e}"))?;
    if !status.success() {
        return Err(format!("strace: {status}"));
    }
    let text = std::fs::read_to_string(&log.0).map_err(|e| e.to_string())?;
    Ok(calls(&text))
}

/// One line a call; signal (`---`) and exit (`+++`) lines are not calls.
fn calls(log: &str) -> usize {
    log.lines().filter(|l| !l.is_empty() && !l.starts_with("---") && !l.starts_with("+++")).count()
}

#[cfg(test)]
mod tests {
    #[test]
    fn calls_skip_signals_and_exit() {
        let log = "execve(\"./a\", [\"./a\"], 0x0 /* 0 vars */) = 0\nwrite(1, \"hello\\n\", 6) = 6\n\
                   --- SIGALRM {si_signo=SIGALRM} ---\nexit_group(0) = ?\n+++ exited with 0 +++\n";
        assert_eq!(super::calls(log), 3);
    }
}
