//! The allocation-pattern suite of `cargo xtask heap` (xtask/programs/heap/), each workload
//! run small on crt0 in every configuration: it must exit 0 having checked every block, and
//! print the result line that the same source built with glibc (`gcc -static`, natively)
//! prints, which depends only on the arguments. The Rust twin of `mixed` must print the C
//! program's line. Speed is measured by `cargo xtask heap`, not here.

mod common;
use common::*;

use std::process::Command;
use std::sync::Mutex;

#[path = "../xtask/src/heap/workloads.rs"]
#[allow(dead_code)]
mod workloads;

/// The result lines of the workload built with glibc, run natively (the lines are the same
/// on every architecture: the workloads print only what their arguments decide).
fn glibc_result(program: &str, args: &[&str]) -> String {
    // Built once per test process, as `c_program` builds crt0's.
    static BUILT: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let dir = root().join("target/c-tests/glibc");
    let out = dir.join(format!("heap-{program}"));
    {
        let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
        if !built.iter().any(|b| b == program) {
            std::fs::create_dir_all(&dir).unwrap();
            let tmp = dir.join(format!("heap-{program}.{}.tmp", std::process::id()));
            let r = Command::new("gcc")
                .args(["-O2", "-static", "-pthread", "-Wall", "-Werror", "-o"])
                .arg(&tmp)
                .arg(root().join(format!("xtask/programs/heap/{program}.c")))
                .output()
                .expect("gcc runs (install gcc)");
            assert!(r.status.success(), "gcc {program}.c: {}", String::from_utf8_lossy(&r.stderr));
            std::fs::rename(&tmp, &out).unwrap();
            built.push(program.to_string());
        }
    }
    let r = run(Config::X86_64Host, &out, args, &[]);
    r.assert_exit(0);
    result_lines(&r.stdout)
}

/// stdout without the "rss" lines (resident memory: what differs between allocators).
fn result_lines(stdout: &str) -> String {
    stdout.lines().filter(|l| !l.starts_with("rss ")).map(|l| format!("{l}\n")).collect()
}

for_each_config! {
    fn every_workload_checks_its_blocks_and_prints_glibcs_result(cfg: Config) {
        for w in &workloads::WORKLOADS {
            let (r, expected) = if w.program.is_empty() {
                // The Rust twin of `mixed`.
                (run(cfg, &rust("heap_mixed", cfg), w.quick, &[]), glibc_result("mixed", w.quick))
            } else {
                let source = format!("xtask/programs/heap/{}.c", w.program);
                let p = c_program(&source, &format!("heap-{}", w.program), &["-DUSE_CRT0_H"], cfg);
                (run(cfg, &p, w.quick, &[]), glibc_result(w.program, w.quick))
            };
            r.assert_exit(0);
            assert_eq!(result_lines(&r.stdout), expected, "{} {:?}: {}", w.name, w.quick, r.stderr);
            assert!(expected.contains(" failures=0\n"), "{}: {expected}", w.name);
        }
    }
}
