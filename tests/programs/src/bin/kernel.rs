//! Run by tests/kernel.rs under a real aarch64 kernel (where rseq works,
//! unlike under qemu-user), so that one boot covers many checks:
//! - rseq registration: cpu_id equals getcpu(2), and follows the thread when
//!   sched_setaffinity moves it to each CPU in turn;
//! - then every argument `[NAME=VALUE[+NAME=VALUE...]@]PROGRAM[:ARG]` is run
//!   as a child with that environment (the other test programs, copied next
//!   to this one), each preceded by `child <spec>` and followed by
//!   `child exit=<status>` (or `child exit=signal<N>`).
#![no_std]
#![no_main]

use crt0::println;
use crt0::syscall::raw;
use crt0_test_programs::{cpu_id, getcpu, owner, pin_to};

#[cfg(target_arch = "aarch64")]
mod nr {
    pub const CLONE: usize = 220;
    pub const EXECVE: usize = 221;
    pub const WAIT4: usize = 260;
}
#[cfg(target_arch = "x86_64")]
mod nr {
    pub const CLONE: usize = 56;
    pub const EXECVE: usize = 59;
    pub const WAIT4: usize = 61;
}
const SIGCHLD: usize = 17;

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

/// Runs one `[ENV@]PROGRAM[:ARG]` child and returns its wait status.
fn run_child(spec: &[u8]) -> i32 {
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
    let path = c_string(&mut path, &[b"/a64/", program]);
    let mut argv = [path, core::ptr::null(), core::ptr::null()];
    if let Some(a) = arg {
        argv[1] = c_string(&mut arg_buf, &[a]);
    }
    let mut envp = [core::ptr::null(); 5];
    for (i, (var, buf)) in env.split(|&b| b == b'+').filter(|v| !v.is_empty()).zip(env_bufs.iter_mut()).enumerate() {
        envp[i] = c_string(buf, &[var]);
    }
    // SAFETY: clone with only SIGCHLD is fork(); the child only calls execve
    // (on arrays that are still live in its copy of this frame) and exit.
    unsafe {
        let pid = raw(nr::CLONE, [SIGCHLD, 0, 0, 0, 0, 0]).expect("fork");
        if pid == 0 {
            let _ = raw(nr::EXECVE, [path as usize, argv.as_ptr() as usize, envp.as_ptr() as usize, 0, 0, 0]);
            crt0::exit::exit_now(126);
        }
        let mut status = 0i32;
        raw(nr::WAIT4, [pid, &raw mut status as usize, 0, 0, 0, 0]).expect("wait4");
        status
    }
}

#[no_mangle]
pub extern "C" fn main(_: i32, _: *const *const u8, _: *const *const u8) -> i32 {
    println!(
        "kernel owner={} cpu_id={} getcpu={} rseq_size={} registered_len={}",
        owner(),
        cpu_id(),
        getcpu(),
        crt0::rseq::__rseq_size.load(core::sync::atomic::Ordering::Relaxed),
        crt0::rseq::registered_len()
    );
    for cpu in 0..2 {
        let pinned = pin_to(cpu);
        // The pin syscall's return to user space already updated cpu_id.
        println!("pinned cpu={} ok={} cpu_id={} getcpu={}", cpu, pinned, cpu_id(), getcpu());
    }
    for spec in crt0::args().iter().skip(1) {
        let spec = spec.to_bytes();
        println!("child {}", core::str::from_utf8(spec).unwrap_or("?"));
        let status = run_child(spec);
        // wait4's status: the exit code in bits 8-15, or the signal in 0-6.
        if status & 0x7f == 0 {
            println!("child exit={}", (status >> 8) & 0xff);
        } else {
            println!("child exit=signal{}", status & 0x7f);
        }
    }
    0
}
