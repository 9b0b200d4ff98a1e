//! Starting a program with fork + execve, the way a shell would but with nothing in between,
//! so that the measured cost is the program's own start-up and not a wrapper's.

use std::ffi::{CString, OsString};
use std::fmt;
use std::fs::File;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::io::{AsRawFd, RawFd};
use std::path::{Path, PathBuf};
use std::ptr;

/// A program with its arguments and environment already converted to C strings, so that the
/// timing loop allocates nothing per run and the child does nothing but execve after fork.
pub struct Program {
    path: PathBuf,
    // Kept alive because `argv_ptrs` and `envp_ptrs` point into them.
    _argv: Vec<CString>,
    _envp: Vec<CString>,
    argv_ptrs: Vec<*const libc::c_char>,
    envp_ptrs: Vec<*const libc::c_char>,
    path_c: CString,
}

impl Program {
    /// `argv` includes argv[0]. Its length matters: it lands on the child's stack, and start-up
    /// code that scans argv[0] (musl finds the program name in it) runs longer for a longer one.
    pub fn new(path: &Path, argv: &[OsString], env: &[(String, String)]) -> io::Result<Program> {
        let path_c = cstring(path.as_os_str().as_bytes())?;
        let argv = argv
            .iter()
            .map(|a| cstring(a.as_bytes()))
            .collect::<io::Result<Vec<_>>>()?;
        let envp = env
            .iter()
            .map(|(k, v)| cstring(format!("{k}={v}").as_bytes()))
            .collect::<io::Result<Vec<_>>>()?;
        let argv_ptrs = null_terminated(&argv);
        let envp_ptrs = null_terminated(&envp);
        Ok(Program {
            path: path.to_path_buf(),
            _argv: argv,
            _envp: envp,
            argv_ptrs,
            envp_ptrs,
            path_c,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn cstring(bytes: &[u8]) -> io::Result<CString> {
    CString::new(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))
}

fn null_terminated(strings: &[CString]) -> Vec<*const libc::c_char> {
    strings
        .iter()
        .map(|s| s.as_ptr())
        .chain([ptr::null()])
        .collect()
}

/// How the child ended, as wait(2) reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Code(i32),
    Signal(i32),
}

impl fmt::Display for Exit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Exit::Code(c) => write!(f, "exit {c}"),
            Exit::Signal(s) => write!(f, "killed by signal {s}"),
        }
    }
}

/// The child's exit code when execve itself failed: 126, the shells' "cannot execute".
/// Not 127, their "not found": that is also crt0's fatal start-up status, which a
/// benchmark row must report as the program's own failure.
pub const EXEC_FAILED: i32 = 126;

pub fn dev_null() -> io::Result<File> {
    File::options().read(true).write(true).open("/dev/null")
}

/// Forks and execs `program` with stdin from /dev/null and the given stdout and stderr.
/// With `traced`, the child asks to be traced first, so it stops with SIGTRAP right after
/// execve, before the program's first instruction.
pub fn spawn(
    program: &Program,
    stdout: &File,
    stderr: &File,
    traced: bool,
) -> io::Result<libc::pid_t> {
    let stdout = stdout.as_raw_fd();
    let stderr = stderr.as_raw_fd();
    // SAFETY: this process has a single thread (xtask starts none), and between fork and
    // execve the child only makes async-signal-safe calls on memory prepared before the fork.
    let pid = unsafe { libc::fork() };
    match pid {
        -1 => Err(io::Error::last_os_error()),
        0 => exec_child(program, stdout, stderr, traced),
        pid => Ok(pid),
    }
}

fn exec_child(program: &Program, stdout: RawFd, stderr: RawFd, traced: bool) -> ! {
    // SAFETY: we are the freshly forked child; every call here is async-signal-safe, the
    // pointers come from `program`, whose C strings are null-terminated arrays that outlive
    // execve, and on any failure we leave with _exit so no parent state (buffers, atexit
    // handlers) is run twice.
    unsafe {
        let stdin = libc::open(c"/dev/null".as_ptr(), libc::O_RDONLY);
        if stdin < 0
            || libc::dup2(stdin, 0) < 0
            || libc::dup2(stdout, 1) < 0
            || libc::dup2(stderr, 2) < 0
        {
            libc::_exit(EXEC_FAILED);
        }
        if traced {
            let null = ptr::null_mut::<libc::c_void>();
            if libc::ptrace(libc::PTRACE_TRACEME, 0, null, null) < 0 {
                libc::_exit(EXEC_FAILED);
            }
        }
        libc::execve(
            program.path_c.as_ptr(),
            program.argv_ptrs.as_ptr(),
            program.envp_ptrs.as_ptr(),
        );
        libc::_exit(EXEC_FAILED)
    }
}

/// What waitpid reported for one child.
pub enum Status {
    Exited(Exit),
    Stopped(i32),
}

pub fn wait(pid: libc::pid_t) -> io::Result<Status> {
    let mut status = 0;
    loop {
        // SAFETY: `status` is a valid place for waitpid to write to.
        let r = unsafe { libc::waitpid(pid, &mut status, 0) };
        if r >= 0 {
            break;
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
    Ok(if libc::WIFEXITED(status) {
        Status::Exited(Exit::Code(libc::WEXITSTATUS(status)))
    } else if libc::WIFSIGNALED(status) {
        Status::Exited(Exit::Signal(libc::WTERMSIG(status)))
    } else {
        // Raw stop value: for ptrace stops the bits above the signal number matter.
        Status::Stopped(status >> 8)
    })
}

/// Waits for an untraced child to end.
pub fn wait_exit(pid: libc::pid_t) -> io::Result<Exit> {
    loop {
        if let Status::Exited(exit) = wait(pid)? {
            return Ok(exit);
        }
    }
}
