//! Shared by the integration tests: build crt0 programs (Rust, with each
//! linker, and C through crt/crt0-cc), run them in a small controlled
//! environment, and look at what they print and how they exit.
#![allow(dead_code)] // each test file uses a different part

use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, OnceLock};

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Which linker a Rust program was linked with: the default rust-lld, or
/// GNU ld (they lay sections out differently, so crt0 is tested with both).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Linker {
    Lld,
    Bfd,
}

pub const LINKERS: [Linker; 2] = [Linker::Lld, Linker::Bfd];

fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    c
}

fn check(what: &str, out: Output) {
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Builds the Rust test programs (tests/programs) once per linker, each into
/// its own target directory, and returns the directory holding the binaries.
pub fn rust_dir(linker: Linker) -> &'static Path {
    static LLD: OnceLock<PathBuf> = OnceLock::new();
    static BFD: OnceLock<PathBuf> = OnceLock::new();
    let (cell, name, flags) = match linker {
        Linker::Lld => (&LLD, "programs-lld", ""),
        Linker::Bfd => (&BFD, "programs-bfd", "-C linker-features=-lld"),
    };
    cell.get_or_init(|| {
        let target = root().join("target").join(name);
        let out = cargo()
            .args(["build", "--release", "-p", "crt0-test-programs", "--target-dir"])
            .arg(&target)
            .env("RUSTFLAGS", flags)
            .output()
            .expect("cargo runs");
        check(&format!("building the test programs ({linker:?})"), out);
        target.join("release")
    })
}

/// A Rust test program linked with `linker`.
pub fn rust(name: &str, linker: Linker) -> PathBuf {
    rust_dir(linker).join(name)
}

/// Compiles a C file with crt/crt0-cc and `flags` into target/c-tests/OUT,
/// once per test process: tests running in parallel share the binary
/// instead of rewriting it under each other.
pub fn c_program(source: &str, out_name: &str, flags: &[&str]) -> PathBuf {
    static BUILT: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let out = root().join("target/c-tests").join(out_name);
    let key = format!("{source} {out_name} {flags:?}");
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    if !built.contains(&key) {
        c_compile(&root().join(source), out_name, flags);
        built.push(key);
    }
    out
}

fn c_compile(source: &Path, out_name: &str, flags: &[&str]) {
    let dir = root().join("target/c-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let out = Command::new(root().join("crt/crt0-cc"))
        .args(["-O2", "-g", "-Wall", "-Werror", "-o"])
        .arg(dir.join(out_name))
        .arg(source)
        .args(flags)
        .current_dir(root())
        .output()
        .expect("crt0-cc runs");
    check(&format!("crt0-cc {}", source.display()), out);
}

/// What a run printed and how it ended.
#[derive(Debug)]
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    /// Exit status, or `None` if a signal ended it.
    pub code: Option<i32>,
    pub signal: Option<i32>,
}

impl Run {
    pub fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }
    /// The first stdout line starting with `prefix`.
    pub fn line(&self, prefix: &str) -> &str {
        self.stdout
            .lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no line starting with {prefix:?} in:\n{}\n{}", self.stdout, self.stderr))
    }
    /// The value of `key=` in the first line starting with `prefix`.
    pub fn value(&self, prefix: &str, key: &str) -> String {
        field(self.line(prefix), key).unwrap_or_else(|| panic!("no {key}= in {:?}", self.line(prefix)))
    }
    pub fn assert_exit(&self, code: i32) {
        assert_eq!(self.code, Some(code), "exit status; stdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
    }
}

/// The value of `key=` in a `key=value key=value` line.
pub fn field(line: &str, key: &str) -> Option<String> {
    line.split_whitespace().find_map(|w| w.strip_prefix(key)?.strip_prefix('=').map(str::to_string))
}

/// A command for `program` with an empty environment plus `env`.
pub fn command(program: &Path, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut c = Command::new(program);
    c.args(args).env_clear().envs(env.iter().copied());
    c
}

pub fn run_command(mut c: Command) -> Run {
    let out = c.output().unwrap_or_else(|e| panic!("running {c:?}: {e}"));
    Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code(),
        signal: out.status.signal(),
    }
}

/// Runs `program` with `args` in an empty environment plus `env`.
pub fn run(program: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    run_command(command(program, args, env))
}

/// Runs `program` under a seccomp filter that makes rseq(2) fail with
/// `errno` (as a container runtime's policy or an old kernel would).
pub fn run_without_rseq(program: &Path, args: &[&str], env: &[(&str, &str)], errno: i32) -> Run {
    let mut c = command(program, args, env);
    // SAFETY: the closure runs in the child between fork and exec and only
    // makes two prctl calls, which are async-signal-safe.
    unsafe { c.pre_exec(move || seccomp::deny_rseq(errno)) };
    run_command(c)
}

mod seccomp {
    // Classic BPF over struct seccomp_data { int nr; u32 arch; ... }.
    const LD_W_ABS: u16 = 0x20; // BPF_LD | BPF_W | BPF_ABS
    const JEQ_K: u16 = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
    const RET_K: u16 = 0x06; // BPF_RET | BPF_K
    const RET_ALLOW: u32 = 0x7fff_0000;
    const RET_ERRNO: u32 = 0x0005_0000;
    #[cfg(target_arch = "x86_64")]
    const ARCH: u32 = 0xc000_003e; // AUDIT_ARCH_X86_64
    #[cfg(target_arch = "x86_64")]
    const NR_RSEQ: u32 = 334;

    pub fn deny_rseq(errno: i32) -> std::io::Result<()> {
        let f = |code, jt, jf, k| libc::sock_filter { code, jt, jf, k };
        let filter = [
            f(LD_W_ABS, 0, 0, 4),            // A = arch
            f(JEQ_K, 0, 3, ARCH),            // other arch: allow
            f(LD_W_ABS, 0, 0, 0),            // A = syscall number
            f(JEQ_K, 0, 1, NR_RSEQ),         // not rseq: allow
            f(RET_K, 0, 0, RET_ERRNO | errno as u32),
            f(RET_K, 0, 0, RET_ALLOW),
        ];
        let prog = libc::sock_fprog { len: filter.len() as u16, filter: filter.as_ptr() as *mut _ };
        // SAFETY: prctl with valid arguments; `prog` outlives the call.
        unsafe {
            if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0
                || libc::prctl(libc::PR_SET_SECCOMP, libc::SECCOMP_MODE_FILTER, &prog as *const _) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
        }
        Ok(())
    }
}

/// Runs `program` with its auxiliary vector edited before its first
/// instruction: each `(type, replacement)` rewrites the entry of that type
/// to `(new_type, new_value)`; `AT_IGNORE` (1) as the new type hides it.
/// This simulates other kernels and machines: no FSGSBASE in AT_HWCAP2, no
/// AT_RSEQ_* entries (before Linux 6.3), a larger AT_RSEQ_ALIGN.
pub fn run_with_auxv(program: &Path, args: &[&str], env: &[(&str, &str)], edits: &[(u64, (u64, u64))]) -> Run {
    use std::io::Read;
    let dir = std::env::temp_dir().join(format!("crt0-auxv-{}-{:?}", std::process::id(), std::thread::current().id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (out_path, err_path) = (dir.join("out"), dir.join("err"));
    let mut c = command(program, args, env);
    c.stdout(std::fs::File::create(&out_path).unwrap()).stderr(std::fs::File::create(&err_path).unwrap());
    // SAFETY: PTRACE_TRACEME is async-signal-safe; the child stops at execve.
    unsafe {
        c.pre_exec(|| {
            if libc::ptrace(libc::PTRACE_TRACEME, 0, 0, 0) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        })
    };
    // Reaped below with waitpid: ptrace needs the raw stop and exit statuses.
    #[allow(clippy::zombie_processes)]
    let child = c.spawn().expect("spawn");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: plain ptrace/waitpid calls on our own stopped child.
    unsafe {
        assert_eq!(libc::waitpid(pid, &mut status, 0), pid);
        assert!(libc::WIFSTOPPED(status), "child stopped at exec");
        let mut regs: libc::user_regs_struct = std::mem::zeroed();
        assert_eq!(libc::ptrace(libc::PTRACE_GETREGS, pid, 0, &mut regs), 0);
        let peek = |addr: u64| libc::ptrace(libc::PTRACE_PEEKDATA, pid, addr, 0) as u64;
        // argc, argv..., NULL, envp..., NULL, auxv pairs.
        let mut p = regs.rsp + 8 * (peek(regs.rsp) + 2);
        while peek(p) != 0 {
            p += 8;
        }
        p += 8;
        loop {
            let t = peek(p);
            if t == 0 {
                break;
            }
            if let Some(&(_, (nt, nv))) = edits.iter().find(|(from, _)| *from == t) {
                assert_eq!(libc::ptrace(libc::PTRACE_POKEDATA, pid, p, nt), 0);
                assert_eq!(libc::ptrace(libc::PTRACE_POKEDATA, pid, p + 8, nv), 0);
            }
            p += 16;
        }
        assert_eq!(libc::ptrace(libc::PTRACE_DETACH, pid, 0, 0), 0);
        assert_eq!(libc::waitpid(pid, &mut status, 0), pid);
    }
    let read = |p: &Path| {
        let mut s = String::new();
        std::fs::File::open(p).unwrap().read_to_string(&mut s).unwrap();
        s
    };
    let run = Run {
        stdout: read(&out_path),
        stderr: read(&err_path),
        code: libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status)),
        signal: libc::WIFSIGNALED(status).then(|| libc::WTERMSIG(status)),
    };
    std::fs::remove_dir_all(&dir).ok();
    run
}

/// auxv types the tests edit (include/uapi/linux/auxvec.h).
pub const AT_IGNORE: u64 = 1;
pub const AT_RANDOM: u64 = 25;
pub const AT_HWCAP2: u64 = 26;
pub const AT_RSEQ_FEATURE_SIZE: u64 = 27;
pub const AT_RSEQ_ALIGN: u64 = 28;
