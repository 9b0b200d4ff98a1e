//! Odd and hostile inputs at start-up (issue 6, item 4): no arguments and no
//! environment, a huge environment, 10,000 constructors and 10,000 IRELATIVE
//! relocations. (64 MiB and 64 KiB-aligned TLS are in tests/tls.rs; missing
//! auxv entries are unit tests of the parsing layer, src/fuzz.rs and src/elf.rs.)

mod common;
#[path = "gen/mod.rs"]
#[allow(dead_code)] // `tls` is for xtask hostile
mod gen;

use common::*;
use std::ffi::CString;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

fn hostile(cfg: Config) -> PathBuf {
    c_program("tests/c/hostile.c", "hostile", &[], cfg)
}

/// Writes a generated C file under target/ once per test process (the
/// tests of all configurations share it) and builds it for `cfg`.
fn generated(name: &str, source: impl FnOnce() -> String, cfg: Config) -> PathBuf {
    static WRITTEN: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let path = root().join("target/c-tests/gen").join(format!("{name}.c"));
    {
        let mut written = WRITTEN.lock().unwrap_or_else(|e| e.into_inner());
        if !written.iter().any(|w| w == name) {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            // Renamed into place: another `cargo test` may be compiling it.
            let tmp = path.with_extension(format!("{}.tmp", std::process::id()));
            std::fs::write(&tmp, source()).unwrap();
            std::fs::rename(&tmp, &path).unwrap();
            written.push(name.to_string());
        }
    }
    // -O0 -g0: the point is the count, and optimising 10,000 functions
    // for five configurations would double the time `cargo test` takes.
    c_program(path.to_str().unwrap(), name, &["-Itests/c", "-O0", "-g0"], cfg)
}

/// True when the kernel runs `arch`'s binaries itself (binfmt_misc with
/// qemu-user), so that execve can hand one an empty argv directly.
fn binfmt(arch: Arch) -> bool {
    std::fs::read_to_string(format!("/proc/sys/fs/binfmt_misc/qemu-{}", arch.name())).is_ok_and(|s| s.starts_with("enabled"))
}

/// Runs `program` through execve(2) with argv = {NULL} and envp = {NULL}:
/// std's Command always passes argv[0], so the exec is made in pre_exec.
fn run_argc0(program: &Path) -> Run {
    let path = CString::new(program.to_str().unwrap()).unwrap();
    let mut c = std::process::Command::new(program);
    // SAFETY: the closure runs in the forked child and only calls execve
    // (async-signal-safe) with pointers to memory the fork copied.
    unsafe {
        c.pre_exec(move || {
            let empty: [*const libc::c_char; 1] = [std::ptr::null()];
            libc::execve(path.as_ptr(), empty.as_ptr(), empty.as_ptr());
            Err(std::io::Error::last_os_error())
        });
    }
    run_command(c)
}

for_each_config! {
    fn argc_zero_and_no_environment(cfg: Config) {
        if !cfg.native() && !binfmt(cfg.arch()) {
            // qemu-user run by hand always gives the guest an argv[0].
            eprintln!("skipped: {} binaries need binfmt_misc to be exec'd with an empty argv", cfg.arch().name());
            return;
        }
        let r = run_argc0(&hostile(cfg));
        r.assert_exit(0);
        // Linux 5.18+ turns an empty argv into {"", NULL}; older kernels
        // pass argc 0. Either way argv and envp must be well formed.
        let argc = r.value("argc", "argc");
        assert!(argc == "0" || argc == "1", "{}", r.stdout);
        assert_eq!(r.value("argc", "argv_end_null"), "1", "{}", r.stdout);
        assert_eq!(r.value("argc", "envc"), "0", "{}", r.stdout);
        assert_eq!(r.value("argc", "envp_after_argv"), "1", "{}", r.stdout);
    }
}

for_each_config! {
    fn forty_thousand_environment_variables(cfg: Config) {
        let env: Vec<(String, String)> = (0..40_000).map(|i| (format!("V{i}"), format!("{i}"))).collect();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = run(cfg, &hostile(cfg), &[], &env);
        r.assert_exit(0);
        // qemu-user may add variables of its own, never drop any.
        let envc: usize = r.value("argc", "envc").parse().unwrap();
        assert!(envc >= 40_000, "{}", r.stdout);
        assert_eq!(r.value("argc", "argc"), "1");
        assert_eq!(r.value("argc", "envp_after_argv"), "1");
    }
}

for_each_config! {
    fn ten_thousand_constructors(cfg: Config) {
        let p = generated("ctors_10000", || gen::constructors(10_000, true), cfg);
        let r = run(cfg, &p, &[], &[]);
        r.assert_exit(0);
        assert_eq!(r.lines(), ["ctors=10000 order_ok=1 "]);
    }
}

for_each_config! {
    fn ten_thousand_irelative_relocations(cfg: Config) {
        let p = generated("ifuncs_10000", || gen::ifuncs(10_000, true), cfg);
        let r = run(cfg, &p, &[], &[]);
        r.assert_exit(0);
        assert_eq!(r.lines(), ["resolved=10000 sum_ok=1 "]);
    }
}
