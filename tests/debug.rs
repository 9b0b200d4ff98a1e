//! What users debug with: a gdb backtrace from main, a constructor or an
//! IFUNC resolver ends cleanly at `_start`; valgrind's memcheck finds
//! nothing to report; and hostile program headers end in a clear fatal error.

mod common;
use common::*;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU16, Ordering::Relaxed};

/// The backtrace at a breakpoint on `main`.
fn backtrace(cfg: Config, program: &Path) -> Vec<String> {
    backtrace_at(cfg, program, "main")
}

/// The backtrace at a breakpoint on `function` (gdb normally stops at
/// main; the frames below it are crt0's, so `backtrace past-main`).
fn backtrace_at(cfg: Config, program: &Path, function: &str) -> Vec<String> {
    let brk = format!("break {function}");
    let text = gdb_session(cfg, program, &["set backtrace past-main on"], &[&brk, "run", "bt"]);
    assert!(!text.contains("Backtrace stopped"), "{text}");
    assert!(!text.contains("corrupt stack"), "{text}");
    text.lines().filter(|l| l.starts_with('#')).map(str::to_string).collect()
}

/// gdb's output for `commands`, with `program` stopped first where the
/// commands say: natively, or for aarch64 and riscv64 with gdb-multiarch
/// attached to qemu-user's gdb stub (`run` then continues instead). No
/// setting but `extra`: `backtrace past-main` is the script's.
fn gdb_session(cfg: Config, program: &Path, extra: &[&str], commands: &[&str]) -> String {
    let base = |c: &mut Command| {
        c.args(["-batch", "-nx", "-ex", "set debuginfod enabled off", "-ex", "set pagination off", "-ex", "set confirm off"]);
        for e in extra {
            c.args(["-ex", e]);
        }
    };
    if cfg.native() {
        let mut c = Command::new("gdb");
        base(&mut c);
        c.arg("-ex").arg(format!("file {}", program.display()));
        for cmd in commands {
            c.args(["-ex", cmd]);
        }
        let out = c.env_clear().output().expect("gdb runs (Debian: gdb)");
        return String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    }
    // A port per session and process: tests run in parallel, several per
    // configuration.
    static SESSIONS: AtomicU16 = AtomicU16::new(0);
    let port = 20_000 + (std::process::id() % 20_000) as u16 + SESSIONS.fetch_add(1, Relaxed);
    let mut qemu = Command::new(cfg.arch().qemu())
        .args(["-g", &port.to_string()])
        .arg(program)
        .env_clear()
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("qemu runs");
    let mut text = String::new();
    for _ in 0..50 {
        let mut c = Command::new("gdb-multiarch");
        base(&mut c);
        c.arg("-ex").arg(format!("file {}", program.display()));
        c.args(["-ex", &format!("target remote localhost:{port}")]);
        for cmd in commands {
            c.args(["-ex", if *cmd == "run" { "continue" } else { cmd }]);
        }
        c.args(["-ex", "kill"]);
        let out = c.env_clear().output().expect("gdb-multiarch runs (Debian: gdb-multiarch)");
        text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
        if !text.contains("Connection refused") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    qemu.kill().ok();
    qemu.wait().ok();
    text
}

/// The hexadecimal number after `prefix` in the first line that has it.
fn hex_after(text: &str, prefix: &str) -> u64 {
    let at = text.find(prefix).unwrap_or_else(|| panic!("no {prefix:?} in:\n{text}")) + prefix.len();
    let digits: String = text[at..].trim_start_matches("0x").chars().take_while(|c| c.is_ascii_hexdigit()).collect();
    u64::from_str_radix(&digits, 16).unwrap_or_else(|_| panic!("no number after {prefix:?} in:\n{text}"))
}

for_each_config! {
    fn gdb_script_shows_crt0_state_and_a_plain_backtrace(cfg: Config) {
        let p = c_program("tests/c/gdb_state.c", "gdb_state", &[], cfg);
        let script = root().join("crt/crt0-gdb.py");
        let source = format!("source {}", script.display());
        let text = gdb_session(cfg, &p, &[&source], &[
            "break main", "break in_thread", "run",
            "echo --- main\\n", "bt",
            "continue",
            "echo --- thread\\n", "bt", "crt0 threads", "crt0 tls", "set language c", "print/x seen_in_thread",
            "thread 1", "echo --- main thread\\n", "crt0 tls", "set language c", "print/x seen_in_main", "crt0 owner", "crt0 rseq",
        ]);
        let section = |name: &str| {
            let start = text.find(&format!("--- {name}\n")).unwrap_or_else(|| panic!("no {name} section in:\n{text}"));
            let rest = &text[start + name.len() + 5..];
            rest[..rest.find("--- ").unwrap_or(rest.len())].to_string()
        };
        // A plain `bt` in main (the script turned on `backtrace past-main`)
        // goes down to crt0's entry.
        let main_bt: Vec<&str> = text[..text.find("--- thread").unwrap()].lines().filter(|l| l.starts_with('#')).collect();
        let n = main_bt.len();
        assert!(n >= 3 && main_bt[0].contains("main ("), "{text}");
        assert!(main_bt[n - 2].contains("crt0::start::crt0_start ()"), "{text}");
        assert!(main_bt[n - 1].ends_with(&format!(" in {} ()", entry(cfg))), "{text}");

        let thread = section("thread");
        let threads: Vec<&str> = thread.lines().filter(|l| l.starts_with("crt0:   ") || l.starts_with("crt0: * ")).collect();
        assert_eq!(threads.len(), 2, "two threads:\n{thread}");
        let main = section("main thread");
        assert!(main.contains("crt0: owner: LIBC (2)"), "{main}");
        // qemu-user gives no AT_RSEQ_*: the 32-byte area, below the TCB on riscv64.
        let offset = match cfg.arch() {
            Arch::X86_64 => "96",
            Arch::Aarch64 => "-32",
            Arch::Riscv64 => "-64",
        };
        assert!(main.contains(&format!("crt0: __rseq_offset {offset}, __rseq_size ")), "{main}");
        // The TLS block the script computes is where the program's
        // `counter` is, in the main thread and (where the target gives
        // the register) in the other.
        assert_eq!(hex_after(&main, "TLS block 0x"), hex_after(&main, "= 0x"), "main thread:\n{main}");
        // The program's TLS segment: its variables, laid out by each arch's compiler.
        let bytes = if cfg.arch() == Arch::Riscv64 { "108" } else { "116" };
        assert!(main.contains(&format!("{bytes} bytes (4 initialised), align")), "{main}");
        if cfg.native() {
            assert_eq!(hex_after(&thread, "TLS block 0x"), hex_after(&thread, "= 0x"), "thread:\n{thread}");
            assert!(main.contains("registered, cpu "), "natively, rseq registers:\n{main}");
            assert_eq!(threads.iter().filter(|l| l.contains("rseq registered, cpu ")).count(), 2, "{thread}");
        } else if cfg.arch() == Arch::Riscv64 {
            // qemu-user: rseq fails; `tp` is a general register, which the
            // gdb stub gives for every thread.
            assert!(main.contains("registration failed (cpu_id -2)"), "{main}");
            assert!(main.contains("(from tp)"), "{main}");
            assert_eq!(hex_after(&thread, "TLS block 0x"), hex_after(&thread, "= 0x"), "thread:\n{thread}");
        } else {
            // qemu-user: rseq fails; its gdb stub has no TPIDR_EL0, so only
            // the main thread's pointer is known (crt0_main_tp).
            assert!(main.contains("registration failed (cpu_id -2)"), "{main}");
            assert!(main.contains("(from crt0_main_tp)"), "{main}");
            assert!(thread.contains("* 2 LWP") && thread.contains("thread pointer unknown"), "{thread}");
        }
    }
}

/// The entry point gdb's backtraces end at: static-PIE links name
/// crt0's relocating entry.
fn entry(cfg: Config) -> &'static str {
    if cfg.pie() {
        "_start_pie"
    } else {
        "_start"
    }
}

for_each_config! {
    fn gdb_backtrace_from_main_ends_at_start(cfg: Config) {
        for p in [rust("order", cfg), c_program("tests/c/order.c", "order", &[], cfg)] {
            // Frames above main may be inlined callees (Rust); the last three are fixed.
            let bt = backtrace(cfg, &p);
            let n = bt.len();
            assert!(n >= 3, "{}: {bt:#?}", p.display());
            assert!(bt[n - 3].contains("main ("), "{bt:#?}");
            assert!(bt[n - 2].contains(" in crt0::start::crt0_start ()"), "{bt:#?}");
            assert!(bt[n - 1].ends_with(&format!(" in {} ()", entry(cfg))), "{bt:#?}");
        }
    }
}

for_each_config! {
    fn gdb_backtrace_from_a_constructor_and_a_resolver_ends_at_start(cfg: Config) {
        let p = c_program("tests/c/order.c", "order", &[], cfg);
        // A constructor runs from crt0's .init_array walk, the resolver from
        // its IRELATIVE loop: both inlined into crt0_start.
        for function in ["ctor_101", "resolve_add"] {
            let bt = backtrace_at(cfg, &p, function);
            let n = bt.len();
            assert!(n >= 3, "{function}: {bt:#?}");
            assert!(bt[0].contains(&format!("{function} (")), "{bt:#?}");
            assert!(bt[n - 2].contains("crt0::start::crt0_start ()"), "{bt:#?}");
            assert!(bt[n - 1].ends_with(&format!(" in {} ()", entry(cfg))), "{bt:#?}");
        }
    }
}

for_each_native_config! {
    fn valgrind_memcheck_reports_no_errors(cfg: Config) {
        // Rust and C, with TLS, the heap, threads, IFUNC and RELRO. valgrind
        // shows AT_HWCAP2 = 0 (so the thread pointer is set with arch_prctl)
        // and answers ENOSYS to rseq: crt0's fallbacks run under it.
        let mut programs: Vec<_> = ["order", "collections", "heap_smoke", "tls_65536", "thread_api", "canary"]
            .iter()
            .map(|n| rust(n, cfg))
            .collect();
        for (src, name) in [("order", "order"), ("tls", "tls"), ("pthread", "pthread"), ("heap_edges", "heap_edges"), ("relro", "relro")] {
            programs.push(c_program(&format!("tests/c/{src}.c"), name, &[], cfg));
        }
        for p in programs {
            let out = Command::new("valgrind")
                .args(["-q", "--error-exitcode=99"])
                .arg(&p)
                .env_clear()
                .output()
                .expect("valgrind runs");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(0), "{}: {stderr}", p.display());
            // With -q, valgrind prints only what it found.
            assert!(!stderr.contains("=="), "{}: {stderr}", p.display());
        }
    }
}

/// A copy of `program` with its PT_TLS header changed by `patch(p_filesz, p_memsz, p_align)`.
fn with_bad_tls(program: &Path, name: &str, patch: impl Fn(&mut u64, &mut u64, &mut u64)) -> PathBuf {
    let mut elf = std::fs::read(program).unwrap();
    let u64_at = |e: &[u8], o: usize| u64::from_le_bytes(e[o..o + 8].try_into().unwrap());
    let phoff = u64_at(&elf, 0x20) as usize;
    let phentsize = u16::from_le_bytes([elf[0x36], elf[0x37]]) as usize;
    let phnum = u16::from_le_bytes([elf[0x38], elf[0x39]]) as usize;
    let tls = (0..phnum).map(|i| phoff + i * phentsize).find(|&o| elf[o..o + 4] == 7u32.to_le_bytes()).expect("PT_TLS");
    let (mut filesz, mut memsz, mut align) = (u64_at(&elf, tls + 32), u64_at(&elf, tls + 40), u64_at(&elf, tls + 48));
    patch(&mut filesz, &mut memsz, &mut align);
    elf[tls + 32..tls + 40].copy_from_slice(&filesz.to_le_bytes());
    elf[tls + 40..tls + 48].copy_from_slice(&memsz.to_le_bytes());
    elf[tls + 48..tls + 56].copy_from_slice(&align.to_le_bytes());
    let out = program.with_file_name(name);
    std::fs::write(&out, elf).unwrap();
    std::fs::set_permissions(&out, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    out
}

for_each_config! {
    fn malformed_tls_segments_are_fatal_with_a_message(cfg: Config) {
        let good = c_program("tests/c/tls.c", "tls", &[], cfg);
        type Patch = dyn Fn(&mut u64, &mut u64, &mut u64);
        let cases: [(&str, &Patch, &str); 3] = [
            ("tls-align-24", &|_, _, a| *a = 24, "crt0: fatal: malformed PT_TLS segment\n"),
            ("tls-filesz", &|f, m, _| *f = *m + 1, "crt0: fatal: malformed PT_TLS segment\n"),
            ("tls-huge", &|_, m, _| *m = 1 << 50, "crt0: fatal: TLS segment too large\n"),
        ];
        for (name, patch, message) in cases {
            let bad = with_bad_tls(&good, name, patch);
            let r = run(cfg, &bad, &[], &[]);
            r.assert_exit(127);
            assert_eq!(r.stderr, message, "{name}");
            assert_eq!(r.stdout, "", "{name}: main must not run");
        }
    }
}
