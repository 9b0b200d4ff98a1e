//! string.h, strings.h and ctype.h against glibc: every search, compare,
//! copy and token function over generated strings at every alignment, the
//! ctype tables and functions over -128..=255, and the texts of every errno
//! and signal (tests/c/libc/strings.c, built with gcc -static and with
//! crt0-cc, outputs identical).

mod common;
use common::*;

for_libc_configs! {
    fn strings_match_glibc(cfg: Config) {
        let r = differential(cfg, "tests/c/libc/strings.c", &[], &[], &[], b"");
        r.assert_exit(0);
        assert!(r.lines().len() > 2500, "{} lines", r.lines().len());
        assert!(r.stderr.contains("perror: Permission denied"), "{}", r.stderr);
    }
}

for_libc_configs! {
    // The optimiser knows the C library's functions by name and rewrites
    // calls between them (`stpcpy` called for its side effect becomes
    // `strcpy`, `memcmp(..) == 0` becomes `bcmp`, malloc + memset becomes
    // calloc): inside crt0's own definitions that can turn a function into
    // an endless call of itself. Where the optimiser sees that the recursion
    // never ends it deletes it, leaving a function that does nothing, which
    // the differential tests catch; where it cannot, the call stays, which
    // this test catches: no exported function may refer to itself, but
    // fflush (fflush(NULL) flushes each stream with fflush).
    fn no_c_function_calls_itself(cfg: Config) {
        c_program("tests/c/libc/strings.c", "strings", &[], cfg);
        let target = match (cfg.freestanding(), cfg.pie()) {
            (false, _) => cfg.cargo_target().0.to_string(),
            (true, pie) => format!("{}-none{}", cfg.arch().name(), if pie { "-pie" } else { "" }),
        };
        let archive = root().join("target/crt0-cc").join(target).join("release/link/libcrt0.a");
        let objdump = match cfg.arch() {
            Arch::X86_64 => "objdump".to_string(),
            a => format!("{}-linux-gnu-objdump", a.name()),
        };
        let out = std::process::Command::new(&objdump).args(["-dr", "--no-show-raw-insn"]).arg(&archive).output().unwrap();
        assert!(out.status.success(), "{objdump} {}: {}", archive.display(), String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).unwrap();
        let (mut function, mut functions, mut bad) = ("", 0, Vec::new());
        for line in text.lines() {
            // "0000000000000000 <strcpy>:" starts a function; relocations read
            // "   1c: R_X86_64_PLT32	strcpy-0x4".
            if let Some(name) = line.strip_suffix(">:").and_then(|l| l.split_once(" <")).map(|(_, n)| n) {
                // riscv64's objdump also starts a block at each local
                // label of a PC-relative pair (".Lpcrel_hi1"), inside a function.
                if name.starts_with(".L") {
                    continue;
                }
                function = name;
                functions += 1;
            } else if let Some((_, target)) = line.split_once(": R_").and_then(|(_, r)| r.split_once('\t')) {
                let target = target.split(['-', '+']).next().unwrap();
                if target == function && !function.starts_with("_R") && function != "fflush" {
                    bad.push(format!("{function}: {}", line.trim()));
                }
            }
        }
        assert!(functions > 1000, "{functions} functions in {}", archive.display());
        assert!(bad.is_empty(), "C functions referring to themselves:\n{}", bad.join("\n"));
    }
}
