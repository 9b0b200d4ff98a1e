//! Counting a program's syscalls and user-space instructions with ptrace.
//!
//! These VMs have no hardware performance counters, so instructions are counted by
//! single-stepping: every PTRACE_SINGLESTEP trap is one instruction executed. These caveats
//! are part of the measure:
//! - a `rep`-prefixed string instruction traps once per iteration, so `rep movsb` copying
//!   n bytes counts as n instructions;
//! - instructions executed in the vDSO count (they run in user space), kernel work does not;
//! - every SIGTRAP stop counts as a step, so a program that raises SIGTRAP itself, or enters
//!   a signal handler (the kernel reports a step there), reads one instruction high for each.
//!
//! Syscalls and instructions are counted in two separate runs so that neither kind of stop
//! changes what the other sees.

use crate::child::{self, Exit, Program, Status};
use std::fs::File;
use std::io;
use std::mem::MaybeUninit;
use std::ptr;

/// The tracer only starts watching after execve returned, so that first call is recorded by hand.
const SYS_EXECVE: u64 = libc::SYS_execve as u64;

/// The syscall numbers from execve to exit, in order, and how the program ended.
pub fn syscalls(program: &Program, stdout: &File, stderr: &File) -> io::Result<(Vec<u64>, Exit)> {
    let pid = start(program, stdout, stderr, libc::PTRACE_O_TRACESYSGOOD)?;
    let mut calls = vec![SYS_EXECVE];
    let mut signal = 0;
    loop {
        request(libc::PTRACE_SYSCALL, pid, signal)?;
        signal = 0;
        match child::wait(pid)? {
            Status::Exited(exit) => return Ok((calls, exit)),
            // TRACESYSGOOD marks syscall stops with bit 7, so a real SIGTRAP stays distinct.
            Status::Stopped(stop) if stop == libc::SIGTRAP | 0x80 => {
                if let Some(nr) = syscall_entry(pid)? {
                    calls.push(nr);
                }
            }
            Status::Stopped(stop) => signal = signal_to_deliver(pid, stop),
        }
    }
}

/// The number of user-space instructions from the first one after execve to exit, and how
/// the program ended.
pub fn instructions(program: &Program, stdout: &File, stderr: &File) -> io::Result<(u64, Exit)> {
    let pid = start(program, stdout, stderr, 0)?;
    let mut steps = 0u64;
    let mut signal = 0;
    // XTASK_PCS=FILE writes the address of every instruction stepped, one
    // hex address per line: a profile of where start-up spends instructions.
    let mut pcs = std::env::var_os("XTASK_PCS").map(|_| Vec::new());
    let write_pcs = |pcs: &Option<Vec<u64>>| -> io::Result<()> {
        if let (Some(pcs), Some(path)) = (pcs, std::env::var_os("XTASK_PCS")) {
            let text: String = pcs.iter().map(|pc| format!("{pc:x}\n")).collect();
            std::fs::write(path, text)?;
        }
        Ok(())
    };
    loop {
        if let Some(pcs) = pcs.as_mut() {
            pcs.push(rip(pid)?);
        }
        request(libc::PTRACE_SINGLESTEP, pid, signal)?;
        signal = 0;
        match child::wait(pid)? {
            // The exiting syscall instruction ran but the process is gone before it can trap.
            Status::Exited(exit @ Exit::Code(_)) => {
                write_pcs(&pcs)?;
                return Ok((steps + 1, exit));
            }
            // A fatal signal stops the faulting instruction from completing: nothing to add.
            Status::Exited(exit) => {
                write_pcs(&pcs)?;
                return Ok((steps, exit));
            }
            Status::Stopped(libc::SIGTRAP) => steps += 1,
            Status::Stopped(stop) => signal = signal_to_deliver(pid, stop),
        }
    }
}

/// Spawns a traced child and waits for the stop that follows its execve.
fn start(
    program: &Program,
    stdout: &File,
    stderr: &File,
    options: libc::c_int,
) -> io::Result<libc::pid_t> {
    let pid = child::spawn(program, stdout, stderr, true)?;
    match child::wait(pid)? {
        Status::Stopped(libc::SIGTRAP) => {}
        Status::Exited(Exit::Code(child::EXEC_FAILED)) => {
            return Err(io::Error::other(format!(
                "cannot execute {}",
                program.path().display()
            )));
        }
        Status::Exited(exit) => {
            return Err(io::Error::other(format!(
                "child ended before execve: {exit}"
            )))
        }
        Status::Stopped(stop) => {
            return Err(io::Error::other(format!("unexpected first stop {stop:#x}")))
        }
    }
    // EXITKILL: if xtask dies mid-trace, the child must not live on stopped forever.
    let options = options | libc::PTRACE_O_EXITKILL;
    // SAFETY: `pid` is our stopped tracee; SETOPTIONS reads no memory, `data` is the flags.
    let r = unsafe {
        libc::ptrace(
            libc::PTRACE_SETOPTIONS,
            pid,
            ptr::null_mut::<libc::c_void>(),
            options as usize,
        )
    };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(pid)
}

/// Resumes the stopped tracee with a ptrace request that takes a signal to deliver.
fn request(req: libc::c_uint, pid: libc::pid_t, signal: libc::c_int) -> io::Result<()> {
    // SAFETY: `pid` is our stopped tracee; these requests read no memory, `data` is a signal number.
    let r = unsafe { libc::ptrace(req, pid, ptr::null_mut::<libc::c_void>(), signal as usize) };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// The syscall number if this syscall stop is an entry; exits give None.
fn syscall_entry(pid: libc::pid_t) -> io::Result<Option<u64>> {
    let mut info = MaybeUninit::<libc::ptrace_syscall_info>::zeroed();
    let size = std::mem::size_of::<libc::ptrace_syscall_info>();
    // SAFETY: the kernel writes at most `size` bytes into `info`, which is that large, and
    // zeroing first makes every byte initialised whatever the kernel leaves out.
    let r = unsafe { libc::ptrace(libc::PTRACE_GET_SYSCALL_INFO, pid, size, info.as_mut_ptr()) };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: zero-initialised above, and all-zero is a valid value of this plain C struct.
    let info = unsafe { info.assume_init() };
    if info.op != libc::PTRACE_SYSCALL_INFO_ENTRY {
        return Ok(None);
    }
    // SAFETY: op == ENTRY says the kernel filled the `entry` member of the union.
    Ok(Some(unsafe { info.u.entry.nr }))
}

/// A signal-delivery stop must pass its signal on, or the tracer would change the program's
/// behaviour; a group stop (GETSIGINFO fails) must not, or the stop would repeat forever.
fn signal_to_deliver(pid: libc::pid_t, stop: libc::c_int) -> libc::c_int {
    let mut info = MaybeUninit::<libc::siginfo_t>::zeroed();
    // SAFETY: the kernel writes one siginfo_t into `info`, which is exactly that large.
    let r = unsafe {
        libc::ptrace(
            libc::PTRACE_GETSIGINFO,
            pid,
            ptr::null_mut::<libc::c_void>(),
            info.as_mut_ptr(),
        )
    };
    if r < 0 {
        0
    } else {
        stop & 0x7f
    }
}

/// The traced child's instruction pointer.
fn rip(pid: libc::pid_t) -> io::Result<u64> {
    let mut regs = MaybeUninit::<libc::user_regs_struct>::uninit();
    // SAFETY: PTRACE_GETREGS fills a user_regs_struct for a stopped tracee.
    let r = unsafe { libc::ptrace(libc::PTRACE_GETREGS, pid, ptr::null_mut::<libc::c_void>(), regs.as_mut_ptr()) };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: the call succeeded, so the structure is initialised.
    Ok(unsafe { regs.assume_init() }.rip)
}

/// Where `exec_and_exit_stops` stopped the program.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Stop {
    /// Right after execve, before the program's first instruction.
    Exec,
    /// On its way out (PTRACE_EVENT_EXIT): /proc/PID still describes the whole process.
    Exit,
}

/// Runs `program` to its end untraced but for two stops, calling `at` at each with the pid,
/// so that /proc/PID can be read at both ends of the run. Nothing is stepped or intercepted
/// between them: the program runs as it would alone.
pub fn exec_and_exit_stops(
    program: &Program,
    mut at: impl FnMut(Stop, libc::pid_t) -> io::Result<()>,
) -> io::Result<Exit> {
    let null = child::dev_null()?;
    let pid = start(program, &null, &null, libc::PTRACE_O_TRACEEXIT)?;
    at(Stop::Exec, pid)?;
    let mut signal = 0;
    loop {
        request(libc::PTRACE_CONT, pid, signal)?;
        signal = 0;
        match child::wait(pid)? {
            Status::Exited(exit) => return Ok(exit),
            Status::Stopped(stop) if stop == libc::SIGTRAP | (libc::PTRACE_EVENT_EXIT << 8) => at(Stop::Exit, pid)?,
            Status::Stopped(stop) => signal = signal_to_deliver(pid, stop),
        }
    }
}
