//! Run by tests/kernel.rs under real kernels (booted by crt0-vm, vm/; where
//! rseq works, unlike under qemu-user), so that one boot covers many checks:
//! - which kernel this is (`uname -r`) and what it passes in the auxiliary
//!   vector (`AT_RSEQ_FEATURE_SIZE`, `AT_RSEQ_ALIGN`; 0 when absent);
//! - rseq registration: the length crt0 registered, `__rseq_size` and
//!   `__rseq_offset`; cpu_id equals getcpu(2), and follows the thread when
//!   sched_setaffinity moves it to each CPU in turn;
//! - then every argument `[NAME=VALUE[+NAME=VALUE...]@]PROGRAM[:ARG]` is run
//!   as a child with that environment (the other test programs, copied next
//!   to this one in /prog), each preceded by `child <spec>` and followed by
//!   `child exit=<status>` (or `child exit=signal<N>`); the pseudo-variable
//!   `SECCOMP_DENY_RSEQ=<errno>` is not passed on but installs a seccomp
//!   filter in the child that fails rseq(2) with that errno;
//! - an argument `N*[ENV@]PROGRAM[:ARG]` instead runs that child N times in a
//!   row with its stdout on /dev/null and prints one line
//!   `timed [ENV@]PROGRAM[:ARG] runs=<runs> ns=<elapsed> exit=<status>`, the
//!   CLOCK_MONOTONIC time of those fork+execve+wait4 runs, for
//!   `xtask startup-aarch64`. It stops at the first run that does not exit 0,
//!   so `runs` and `exit` are what actually happened.
#![no_std]
#![no_main]

use crt0::println;
use crt0::syscall::raw;
use crt0_test_programs::{cpu_id, getcpu, owner, parse, pin_to};

/// The system calls this program makes itself, for the architecture being built.
mod nr {
    use linux_raw_sys::general as g;
    pub const CLONE: usize = g::__NR_clone as usize;
    pub const EXECVE: usize = g::__NR_execve as usize;
    pub const WAIT4: usize = g::__NR_wait4 as usize;
    pub const OPENAT: usize = g::__NR_openat as usize;
    pub const DUP3: usize = g::__NR_dup3 as usize;
    pub const CLOCK_GETTIME: usize = g::__NR_clock_gettime as usize;
    pub const UNAME: usize = g::__NR_uname as usize;
    pub const PRCTL: usize = g::__NR_prctl as usize;
    pub const RSEQ: u32 = g::__NR_rseq;
}
const SIGCHLD: usize = 17;
const AT_FDCWD: usize = -100isize as usize;
const O_WRONLY: usize = 0o1;
const O_CLOEXEC: usize = 0o2000000;
const CLOCK_MONOTONIC: usize = 1;

/// A seccomp filter (classic BPF over `struct seccomp_data { int nr; u32
/// arch; ... }`) that fails rseq(2) with an errno and allows everything
/// else: what a container runtime's policy does to programs.
mod seccomp {
    /// `struct sock_filter`.
    #[repr(C)]
    pub struct Insn(u16, u8, u8, u32);
    /// `struct sock_fprog`.
    #[repr(C)]
    struct Prog(u16, *const Insn);
    const LD_W_ABS: u16 = 0x20; // BPF_LD | BPF_W | BPF_ABS
    const JEQ_K: u16 = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
    const RET_K: u16 = 0x06; // BPF_RET | BPF_K
    const RET_ALLOW: u32 = 0x7fff_0000;
    const RET_ERRNO: u32 = 0x0005_0000;
    #[cfg(target_arch = "x86_64")]
    const ARCH: u32 = 0xc000_003e; // AUDIT_ARCH_X86_64
    #[cfg(target_arch = "aarch64")]
    const ARCH: u32 = 0xc000_00b7; // AUDIT_ARCH_AARCH64
    #[cfg(target_arch = "riscv64")]
    const ARCH: u32 = 0xc000_00f3; // AUDIT_ARCH_RISCV64: EM_RISCV (243) | 64-bit | little-endian
    const PR_SET_NO_NEW_PRIVS: usize = 38;
    const PR_SET_SECCOMP: usize = 22;
    const SECCOMP_MODE_FILTER: usize = 2;

    pub fn deny_rseq(errno: u32) -> [Insn; 6] {
        [
            Insn(LD_W_ABS, 0, 0, 4),                // A = arch
            Insn(JEQ_K, 0, 3, ARCH),                // another arch's call: allow
            Insn(LD_W_ABS, 0, 0, 0),                // A = system call number
            Insn(JEQ_K, 0, 1, super::nr::RSEQ),     // rseq?
            Insn(RET_K, 0, 0, RET_ERRNO | errno),   // fail it
            Insn(RET_K, 0, 0, RET_ALLOW),
        ]
    }

    /// Installs `filter` in the calling process; for a forked child before
    /// its execve (two prctl calls, no memory allocated).
    pub fn install(filter: &[Insn]) -> bool {
        let prog = Prog(filter.len() as u16, filter.as_ptr());
        // SAFETY: prctl reads `prog`, which outlives the call; no new
        // privileges is what lets an unprivileged process add a filter.
        unsafe {
            crate::raw(super::nr::PRCTL, [PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0, 0]).is_ok()
                && crate::raw(super::nr::PRCTL, [PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &raw const prog as usize, 0, 0, 0]).is_ok()
        }
    }
}

/// Copies `parts` into `buf` as one NUL-terminated string; returns its start.
fn c_string(buf: &mut [u8], parts: &[&[u8]]) -> *const u8 {
    let mut n = 0;
    for p in parts {
        buf[n..n + p.len()].copy_from_slice(p);
        n += p.len();
    }
    buf[n] = 0;
    buf.as_ptr()
}

/// Runs the `[ENV@]PROGRAM[:ARG]` child up to `runs` times, stopping at the
/// first run that does not exit 0; with `stdout`, the child's fd 1 is that
/// file instead of ours. Returns how many ran and the last wait status.
fn run_child(spec: &[u8], runs: u32, stdout: Option<usize>) -> (u32, i32) {
    let (env, command) = match spec.iter().position(|&b| b == b'@') {
        Some(i) => (&spec[..i], &spec[i + 1..]),
        None => (&b""[..], spec),
    };
    let (program, arg) = match command.iter().position(|&b| b == b':') {
        Some(i) => (&command[..i], Some(&command[i + 1..])),
        None => (command, None),
    };
    let mut path = [0u8; 256];
    let mut arg_buf = [0u8; 256];
    let mut env_bufs = [[0u8; 128]; 4];
    let path = c_string(&mut path, &[b"/prog/", program]);
    let mut argv = [path, core::ptr::null(), core::ptr::null()];
    if let Some(a) = arg {
        argv[1] = c_string(&mut arg_buf, &[a]);
    }
    let mut envp = [core::ptr::null(); 5];
    let mut deny = None;
    let mut n = 0;
    for (var, buf) in env.split(|&b| b == b'+').filter(|v| !v.is_empty()).zip(env_bufs.iter_mut()) {
        match var.strip_prefix(b"SECCOMP_DENY_RSEQ=") {
            Some(errno) => deny = Some(seccomp::deny_rseq(parse(errno).expect("SECCOMP_DENY_RSEQ=<errno>") as u32)),
            None => {
                envp[n] = c_string(buf, &[var]);
                n += 1;
            }
        }
    }
    let mut status = 0i32;
    for run in 1..=runs {
        // SAFETY: clone with only SIGCHLD is fork(); the child only calls dup3
        // and execve (on arrays that are still live in its copy of this frame)
        // and exit.
        unsafe {
            let pid = raw(nr::CLONE, [SIGCHLD, 0, 0, 0, 0, 0]).expect("fork");
            if pid == 0 {
                if let Some(filter) = &deny {
                    if !seccomp::install(filter) {
                        crt0::exit::exit_now(125);
                    }
                }
                if let Some(fd) = stdout {
                    // dup3 without O_CLOEXEC: the copy on fd 1 survives execve.
                    if raw(nr::DUP3, [fd, 1, 0, 0, 0, 0]).is_err() {
                        crt0::exit::exit_now(126);
                    }
                }
                let _ = raw(nr::EXECVE, [path as usize, argv.as_ptr() as usize, envp.as_ptr() as usize, 0, 0, 0]);
                crt0::exit::exit_now(126);
            }
            raw(nr::WAIT4, [pid, &raw mut status as usize, 0, 0, 0, 0]).expect("wait4");
        }
        if status != 0 {
            return (run, status);
        }
    }
    (runs, status)
}

/// Splits a timed spec `N*REST` into N and REST.
fn timed(spec: &[u8]) -> Option<(u32, &[u8])> {
    let star = spec.iter().position(|&b| b == b'*')?;
    let runs = parse(&spec[..star]).filter(|&n| n > 0)?;
    Some((runs as u32, &spec[star + 1..]))
}

/// /dev/null for the timed children's output, so that the serial console's
/// cost stays out of the times. Close-on-exec, so only the dup3 copy on fd 1
/// reaches the children.
fn open_dev_null() -> usize {
    let path = c"/dev/null";
    // SAFETY: openat reads the NUL-terminated path only.
    unsafe { raw(nr::OPENAT, [AT_FDCWD, path.as_ptr() as usize, O_WRONLY | O_CLOEXEC, 0, 0, 0]) }.expect("open /dev/null")
}

/// CLOCK_MONOTONIC in nanoseconds, through the system call: crt0 does not
/// look up the vDSO, and the call's cost is the same for every program timed.
fn now_ns() -> u64 {
    let mut ts = [0i64; 2];
    // SAFETY: clock_gettime writes one struct timespec (two 64-bit fields) to `ts`.
    unsafe { raw(nr::CLOCK_GETTIME, [CLOCK_MONOTONIC, ts.as_mut_ptr() as usize, 0, 0, 0, 0]) }.expect("clock_gettime");
    ts[0] as u64 * 1_000_000_000 + ts[1] as u64
}

/// A wait4 status as the output shows it: the exit code in bits 8-15, or
/// `signal<N>` for the signal in bits 0-6.
struct Status(i32);

impl core::fmt::Display for Status {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if self.0 & 0x7f == 0 {
            write!(f, "{}", (self.0 >> 8) & 0xff)
        } else {
            write!(f, "signal{}", self.0 & 0x7f)
        }
    }
}

/// The kernel's release (`uname -r`): the third of struct utsname's six
/// 65-byte fields.
fn release(buf: &mut [u8; 6 * 65]) -> &str {
    // SAFETY: uname writes one struct utsname, which `buf` holds.
    if unsafe { raw(nr::UNAME, [buf.as_mut_ptr() as usize, 0, 0, 0, 0, 0]) }.is_err() {
        return "?";
    }
    let field = &buf[2 * 65..3 * 65];
    let len = field.iter().position(|&b| b == 0).unwrap_or(65);
    core::str::from_utf8(&field[..len]).unwrap_or("?")
}

#[no_mangle]
pub extern "C" fn main(_: i32, _: *const *const u8, _: *const *const u8) -> i32 {
    use core::sync::atomic::Ordering::Relaxed;
    use crt0::auxv::{value, AT_RSEQ_ALIGN, AT_RSEQ_FEATURE_SIZE};
    let mut uts = [0u8; 6 * 65];
    println!(
        "uname release={} at_rseq_feature_size={} at_rseq_align={}",
        release(&mut uts),
        value(AT_RSEQ_FEATURE_SIZE),
        value(AT_RSEQ_ALIGN)
    );
    println!(
        "kernel owner={} cpu_id={} getcpu={} rseq_size={} registered_len={} rseq_offset={}",
        owner(),
        cpu_id(),
        getcpu(),
        crt0::rseq::__rseq_size.load(Relaxed),
        crt0::rseq::registered_len(),
        crt0::rseq::__rseq_offset.load(Relaxed)
    );
    for cpu in 0..2 {
        let pinned = pin_to(cpu);
        // The pin syscall's return to user space already updated cpu_id.
        println!("pinned cpu={} ok={} cpu_id={} getcpu={}", cpu, pinned, cpu_id(), getcpu());
    }
    let mut dev_null = None;
    for spec in crt0::args().iter().skip(1) {
        let spec = spec.to_bytes();
        if let Some((runs, child)) = timed(spec) {
            let stdout = *dev_null.get_or_insert_with(open_dev_null);
            let start = now_ns();
            let (ran, status) = run_child(child, runs, Some(stdout));
            let ns = now_ns() - start;
            let child = core::str::from_utf8(child).unwrap_or("?");
            println!("timed {} runs={} ns={} exit={}", child, ran, ns, Status(status));
            continue;
        }
        println!("child {}", core::str::from_utf8(spec).unwrap_or("?"));
        let (_, status) = run_child(spec, 1, None);
        println!("child exit={}", Status(status));
    }
    0
}
