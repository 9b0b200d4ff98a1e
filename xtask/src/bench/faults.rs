//! Minor page faults from execve to exit, read from /proc/PID/stat at the two ptrace stops.
//!
//! Not wait4's ru_minflt: the counter belongs to the task, not to the program, so it also
//! holds the faults of the forked copy of xtask before execve (its stack and the pages that
//! fork made copy-on-write), which would add the same unrelated amount to every row.

use crate::child::{Exit, Program};
use crate::trace::{self, Stop};
use std::io;

/// Runs of each program: the count moves by a page or so between runs, since address-space
/// randomisation places the stack, argv and auxv differently each time.
const RUNS: usize = 11;

/// The median minor faults of `RUNS` runs, and how the program ended (the same every run).
pub fn minor_faults(program: &Program) -> io::Result<(u64, Exit)> {
    let mut counts = Vec::with_capacity(RUNS);
    let mut ends = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let (n, exit) = once(program)?;
        counts.push(n);
        ends.push(exit);
    }
    if let Some(other) = ends.iter().find(|&&e| e != ends[0]) {
        return Err(io::Error::other(format!("{}: {} in one run, {other} in another", program.path().display(), ends[0])));
    }
    counts.sort_unstable();
    Ok((counts[RUNS / 2], ends[0]))
}

/// The program's minor faults from its first instruction to exit, and how it ended.
fn once(program: &Program) -> io::Result<(u64, Exit)> {
    let (mut at_exec, mut at_exit) = (None, None);
    let exit = trace::exec_and_exit_stops(program, |stop, pid| {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
        let n = minflt(&stat).ok_or_else(|| io::Error::other(format!("unexpected /proc/{pid}/stat: {stat}")))?;
        match stop {
            Stop::Exec => at_exec = Some(n),
            Stop::Exit => at_exit = Some(n),
        }
        Ok(())
    })?;
    match (at_exec, at_exit) {
        (Some(a), Some(b)) => Ok((b - a, exit)),
        _ => Err(io::Error::other(format!("{}: no exit stop", program.path().display()))),
    }
}

/// Field 10 of /proc/PID/stat (proc(5)). The command name, field 2, is in parentheses and may
/// itself hold spaces and parentheses, so fields are counted from the last ')'.
pub fn minflt(stat: &str) -> Option<u64> {
    let after_comm = &stat[stat.rfind(')')? + 1..];
    // Field 3 (state) is the first after the name.
    after_comm.split_whitespace().nth(10 - 3)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::minflt;

    #[test]
    fn field_ten_after_an_awkward_name() {
        let stat = "4242 (a) b (c) R 1 4242 4242 0 -1 4194560 37 0 0 0 0 0";
        assert_eq!(minflt(stat), Some(37));
        assert_eq!(minflt("4242 (x) R 1"), None);
    }

    #[test]
    fn this_process_has_faulted() {
        let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
        assert!(minflt(&stat).unwrap() > 0);
    }
}
