//! `fork` with threads alive, `pthread_atfork`, and the heap under many threads passing
//! blocks around, signals and forks at once. A missing piece of fork-safety shows as a
//! child that never ends (a lock held for ever), so every run has a deadline.

mod common;
use common::*;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs the command, killing it after `limit`: a hang fails the test instead of stalling it.
fn run_with_deadline(mut c: Command, limit: Duration) -> Run {
    let mut child = c.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("the program starts");
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > limit {
            child.kill().ok();
            let out = child.wait_with_output().expect("output");
            panic!("still running after {limit:?}: a deadlock?\n{}", String::from_utf8_lossy(&out.stdout));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    use std::os::unix::process::ExitStatusExt;
    Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code(),
        signal: out.status.signal(),
    }
}

/// tests/c/fork.c built with glibc (`gcc -static`), run natively: what crt0 must print.
fn glibc_fork_output() -> String {
    static OUT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    OUT.get_or_init(|| {
        let bin = root().join("target/c-tests/glibc/fork");
        std::fs::create_dir_all(bin.parent().unwrap()).unwrap();
        let tmp = bin.with_extension(format!("{}.tmp", std::process::id()));
        let r = Command::new("gcc")
            .args(["-O2", "-static", "-pthread", "-Wall", "-Werror", "-o"])
            .arg(&tmp)
            .arg(root().join("tests/c/fork.c"))
            .output()
            .expect("gcc runs (install gcc)");
        assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
        std::fs::rename(&tmp, &bin).unwrap();
        let r = run_with_deadline(Command::new(&bin), Duration::from_secs(120));
        r.assert_exit(0);
        r.stdout
    })
    .clone()
}

for_each_config! {
    fn fork_with_threads_alive_and_atfork_handlers_as_glibc(cfg: Config) {
        // Twenty forks while four threads allocate without pause; each child allocates,
        // checks, runs two threads and exits 42. Handler order and results as glibc's.
        let p = c_program("tests/c/fork.c", "fork", &["-DUSE_CRT0_H"], cfg);
        let r = run_with_deadline(command(cfg, &p, &[], &[]), Duration::from_secs(180));
        r.assert_exit(0);
        assert_eq!(r.stdout, glibc_fork_output());
        assert!(r.stdout.ends_with("children=20 failures=0\n"), "{}", r.stdout);
    }
}

for_each_config! {
    fn many_threads_pass_blocks_around_under_signals_and_forks(cfg: Config) {
        let ops = if cfg.native() { "30000" } else { "5000" };
        let r = run_with_deadline(command(cfg, &rust("heap_stress", cfg), &[ops], &[]), Duration::from_secs(240));
        r.assert_exit(0);
        let total = ops.parse::<u64>().unwrap() * 8;
        assert_eq!(
            r.stdout,
            format!("ops={total} remote_frees_over_a_tenth=true signals_seen=true children_ok=10 failures=0\n"),
            "{}",
            r.stderr
        );
    }
}
