//! What users debug with: a gdb backtrace from main ends cleanly at
//! `_start`; and hostile program headers end in a clear fatal error.

mod common;
use common::*;

use std::process::Command;

fn backtrace(program: &std::path::Path) -> Vec<String> {
    let out = Command::new("gdb")
        .args(["-batch", "-nx", "-ex", "set debuginfod enabled off"])
        // gdb normally stops at main; the frames below it are crt0's.
        .args(["-ex", "set backtrace past-main on", "-ex", "break main", "-ex", "run", "-ex", "bt"])
        .arg(program)
        .env_clear()
        .output()
        .expect("gdb runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(!text.contains("Backtrace stopped"), "{text}");
    assert!(!text.contains("corrupt stack"), "{text}");
    text.lines().filter(|l| l.starts_with('#')).map(str::to_string).collect()
}

#[test]
fn gdb_backtrace_from_main_ends_at_start() {
    let programs = [
        rust("order", Linker::Lld),
        rust("order", Linker::Bfd),
        c_program("tests/c/order.c", "order", &[]),
    ];
    for p in programs {
        // Frames above main may be inlined callees (Rust); the last three are fixed.
        let bt = backtrace(&p);
        let n = bt.len();
        assert!(n >= 3, "{}: {bt:#?}", p.display());
        assert!(bt[n - 3].contains("main ("), "{bt:#?}");
        assert!(bt[n - 2].contains(" in crt0::start::crt0_start ()"), "{bt:#?}");
        assert!(bt[n - 1].ends_with(" in _start ()"), "{bt:#?}");
    }
}

/// A copy of `program` with its PT_TLS header changed by `patch(p_filesz, p_memsz, p_align)`.
fn with_bad_tls(program: &std::path::Path, name: &str, patch: impl Fn(&mut u64, &mut u64, &mut u64)) -> std::path::PathBuf {
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
    let out = root().join("target/c-tests").join(name);
    std::fs::write(&out, elf).unwrap();
    std::fs::set_permissions(&out, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    out
}

#[test]
fn malformed_tls_segments_are_fatal_with_a_message() {
    let good = c_program("tests/c/tls.c", "tls", &[]);
    type Patch = dyn Fn(&mut u64, &mut u64, &mut u64);
    let cases: [(&str, &Patch, &str); 3] = [
        ("tls-align-24", &|_, _, a| *a = 24, "crt0: fatal: malformed PT_TLS segment\n"),
        ("tls-filesz", &|f, m, _| *f = *m + 1, "crt0: fatal: malformed PT_TLS segment\n"),
        ("tls-huge", &|_, m, _| *m = 1 << 50, "crt0: fatal: TLS segment too large\n"),
    ];
    for (name, patch, message) in cases {
        let bad = with_bad_tls(&good, name, patch);
        let r = run(&bad, &[], &[]);
        r.assert_exit(127);
        assert_eq!(r.stderr, message, "{name}");
        assert_eq!(r.stdout, "", "{name}: main must not run");
    }
}
