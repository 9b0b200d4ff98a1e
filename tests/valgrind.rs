//! valgrind's memcheck sees crt0's heap (src/heap/valgrind.rs): programs with one planted
//! heap bug each (tests/c/valgrind_bugs.c, tests/programs valgrind_bugs) must get at least
//! one error of the right kind, with the stack that allocated the block where memcheck has
//! one, and the same programs used correctly must get none while valgrind counts their
//! allocations. valgrind runs natively only (x86_64; valgrind for arm64 cannot run under
//! qemu-user): on aarch64 the test checks that the client requests are harmless, the
//! programs running as they do without them.

mod common;
use common::*;

use std::path::Path;
use std::process::Command;

/// valgrind's report of one run: its error count and what it printed.
struct Memcheck {
    errors: u64,
    log: String,
    stdout: String,
}

fn memcheck(program: &Path, mode: &str) -> Memcheck {
    let out = Command::new("valgrind")
        .args(["--leak-check=full", "--error-exitcode=99"])
        .arg(program)
        .arg(mode)
        .env_clear()
        .output()
        .expect("valgrind runs (install valgrind)");
    let log = String::from_utf8_lossy(&out.stderr).into_owned();
    let errors = log
        .lines()
        .find_map(|l| l.split("ERROR SUMMARY: ").nth(1)?.split(' ').next()?.parse().ok())
        .unwrap_or_else(|| panic!("{} {mode}: no ERROR SUMMARY in:\n{log}", program.display()));
    Memcheck { errors, log, stdout: String::from_utf8_lossy(&out.stdout).into_owned() }
}

/// (mode, what memcheck must say, the function the stack must name, whether memcheck
/// says where the block was allocated: a leak's record is that stack itself) for the C program.
const C_BUGS: [(&str, &str, &str, bool); 8] = [
    ("use_after_free", "Invalid read of size 1", "plant_use_after_free", true),
    ("overflow", "Invalid write of size 1", "plant_overflow", true),
    ("underflow", "is 1 bytes before a block of size 100 alloc'd", "plant_underflow", true),
    ("double_free", "Invalid free()", "plant_double_free", true),
    ("invalid_free", "is 16 bytes inside a block of size 64 alloc'd", "plant_invalid_free", true),
    ("uninit", "Conditional jump or move depends on uninitialised value(s)", "plant_uninit", false),
    ("leak", "definitely lost: 2,045 bytes in 10 blocks", "plant_leak", false),
    ("realloc_uaf", "Invalid read of size 1", "plant_realloc_uaf", true),
];

const RUST_BUGS: [(&str, &str, &str, bool); 5] = [
    ("use_after_free", "Invalid read of size 1", "valgrind_bugs::use_after_free", true),
    ("overflow", "is 0 bytes after a block of size 40 alloc'd", "valgrind_bugs::overflow", true),
    ("double_free", "Invalid free()", "valgrind_bugs::double_free", true),
    ("uninit", "Conditional jump or move depends on uninitialised value(s)", "valgrind_bugs::uninit", false),
    ("leak", "definitely lost: 2,045 bytes in 10 blocks", "valgrind_bugs::leak", false),
];

fn c_bugs(cfg: Config) -> std::path::PathBuf {
    // -fno-builtin: gcc must not reason about malloc and free (it may drop a dead store).
    c_program("tests/c/valgrind_bugs.c", "valgrind_bugs", &["-fno-builtin"], cfg)
}

for_each_native_config! {
    fn memcheck_reports_each_planted_heap_bug(cfg: Config) {
        let programs = [(c_bugs(cfg), &C_BUGS[..]), (rust("valgrind_bugs", cfg), &RUST_BUGS[..])];
        for (program, bugs) in programs {
            for &(mode, says, function, alloc_stack) in bugs {
                let m = memcheck(&program, mode);
                let what = format!("{} {mode}:\n{}", program.display(), m.log);
                assert!(m.errors > 0, "{what}");
                assert!(m.log.contains(says), "{what}");
                assert!(m.log.contains(function), "{what}");
                if alloc_stack {
                    assert!(m.log.contains("alloc'd"), "{what}");
                }
                assert!(m.stdout.ends_with("done\n"), "{what}");
            }
        }
    }
}

for_each_native_config! {
    fn memcheck_finds_nothing_in_correct_use_and_counts_every_block(cfg: Config) {
        for program in [c_bugs(cfg), rust("valgrind_bugs", cfg)] {
            let m = memcheck(&program, "clean");
            let what = format!("{}:\n{}", program.display(), m.log);
            assert_eq!(m.errors, 0, "{what}");
            assert!(m.stdout.ends_with("done\n"), "{what}");
            // "total heap usage: N allocs, N frees, B bytes allocated", N in the thousands
            // for Rust, 43 for C: memcheck saw every block come and go.
            let usage = m.log.lines().find_map(|l| l.split("total heap usage: ").nth(1)).expect(&what);
            let n: Vec<u64> = usage.replace(',', "").split(|c: char| !c.is_ascii_digit()).filter_map(|w| w.parse().ok()).take(2).collect();
            assert!(n[0] >= 40 && n[0] == n[1], "{what}");
            assert!(m.log.contains("All heap blocks were freed"), "{what}");
        }
    }
}

for_each_config! {
    fn the_client_requests_change_nothing_without_valgrind(cfg: Config) {
        // Natively and under qemu-user the request sequence is a no-op: the heap asks once
        // whether valgrind is there, gets the default answer and works as always.
        let c = run(cfg, &c_bugs(cfg), &["clean"], &[]);
        c.assert_exit(0);
        assert_eq!(c.stdout, "done\n");
        let r = run(cfg, &rust("valgrind_bugs", cfg), &["clean"], &[]);
        r.assert_exit(0);
        assert_eq!(r.lines(), ["clean 310917", "done"]);
        // Without valgrind, crt0's own check catches the double free.
        let d = run(cfg, &c_bugs(cfg), &["double_free"], &[]);
        d.assert_exit(127);
        assert_eq!(d.stderr, "crt0: fatal: free(): double free or invalid pointer\n");
    }
}
