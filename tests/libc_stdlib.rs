//! stdlib, math and the environment against glibc (the same C sources
//! built with gcc -static and with crt0-cc, outputs identical): number
//! parsing over generated inputs (strtol family in every base; strtod,
//! strtof, strtold exactly; sscanf), qsort's order (stable, as glibc's),
//! glibc's rand sequences, setenv and friends on environ, getopt and
//! getopt_long with their messages, realpath, assert, math.h with errno;
//! the _FORTIFY_SOURCE entry points and their overflow abort. And a
//! program that defines its own strlen, printf and malloc family links and
//! gets its own.

mod common;
use common::*;

for_libc_configs! {
    fn numbers_match_glibc(cfg: Config) {
        for mode in ["int", "float"] {
            let r = differential(cfg, "tests/c/libc/numbers.c", &[], &[mode], &[], b"");
            r.assert_exit(0);
            assert!(r.lines().len() > 1500, "{mode}: {} lines", r.lines().len());
        }
    }
}

for_libc_configs! {
    fn stdlib_matches_glibc(cfg: Config) {
        let src = "tests/c/libc/stdlib.c";
        for mode in ["sort", "rand", "getopt"] {
            differential(cfg, src, &[], &[mode], &[], b"").assert_exit(0);
        }
        let r = differential(cfg, src, &[], &["env"], &[("HOME", "/home/x"), ("LANG", "C"), ("A", "from the start")], b"");
        assert!(r.stdout.contains("assigned environ: [A=assigned] [C=3] | A=assigned B=(null)"), "{}", r.stdout);
        let dir = scratch("realpath", cfg);
        let r = differential(cfg, src, &[], &["realpath", dir.to_str().unwrap()], &[], b"");
        assert!(r.stdout.contains("realpath <dir>/link/sub: <dir>/real/sub"), "{}", r.stdout);
        std::fs::remove_dir_all(&dir).ok();
        let r = differential(cfg, src, &[], &["assert"], &[], b"");
        assert_eq!(r.signal.or(r.code.map(|c| c - 128)), Some(6), "SIGABRT: {r:?}");
        assert!(r.stderr.starts_with("stdlib: "), "{}", r.stderr);
    }
}

for_libc_configs! {
    fn math_matches_glibc(cfg: Config) {
        let r = differential(cfg, "tests/c/libc/math.c", &["-lm"], &[], &[], b"");
        r.assert_exit(0);
        assert!(r.lines().len() > 1500, "{} lines", r.lines().len());
    }
}

for_libc_configs! {
    fn fortify_matches_glibc(cfg: Config) {
        let flags = ["-D_FORTIFY_SOURCE=2"];
        let src = "tests/c/libc/fortify_string.c";
        let r = differential(cfg, src, &flags, &[], &[], b"one\ntwo\n");
        r.assert_exit(0);
        assert!(r.stdout.contains("fgets: two"), "{}", r.stdout);
        // The checking forms are really called.
        let nm = std::process::Command::new("nm").arg(c_program(src, "fortify_string", &flags, cfg)).output().unwrap();
        let symbols = String::from_utf8_lossy(&nm.stdout);
        for chk in ["__strcpy_chk", "__memcpy_chk", "__snprintf_chk", "__printf_chk", "__fgets_chk", "__fread_chk"] {
            assert!(symbols.contains(chk), "{chk} not linked");
        }
        // An overflow: glibc's message (on stderr, where LIBC_FATAL_STDERR_
        // sends glibc's too) and SIGABRT.
        for kind in ["strcpy", "snprintf"] {
            let r = differential(cfg, src, &flags, &[kind, "0123456789abcdefghijklmnop"], &[("LIBC_FATAL_STDERR_", "1")], b"");
            assert_eq!(r.stderr, "*** buffer overflow detected ***: terminated\n", "{kind}");
            assert_eq!(r.signal, Some(6), "{kind}: {r:?}");
        }
    }
}

for_libc_configs! {
    fn a_programs_own_definitions_win(cfg: Config) {
        let p = c_program("tests/c/libc/override.c", "override", &["-fno-builtin"], cfg);
        let r = run(cfg, &p, &[], &[]);
        r.assert_exit(0);
        assert_eq!(
            r.stdout,
            "[my printf] called by the program\nstrlen: 1003\nstrdup gave my block: yes\nasprintf 42 (my block)\n\
             getenv: yes\nfprintf still crt0's: ok 7\nmallocs 4 frees 2\n"
        );
    }
}

for_libc_configs! {
    // glibc 2.38's C23 names (the reference glibc 2.36 has none): the strto*
    // family takes 0b there, the plain names do not.
    fn isoc23_names_take_0b(cfg: Config) {
        let r = run(cfg, &c_program("tests/c/libc/isoc23.c", "isoc23", &[], cfg), &[], &[]);
        r.assert_exit(0);
        for line in [
            "0b101 base 0: 5 rest [] | 5 5 5 5 5",
            "0b101 base 2: 5 rest [] | 5 5 5 5 5",
            "0b101 base 10: 0 rest [b101] | 0 0 0 0 0",
            "0b101 base 16: 45313 rest [] | 45313 45313 45313 45313 45313",
            "-0B11 base 0: -3 rest [] | 18446744073709551613 -3 18446744073709551613 -3 18446744073709551613",
            "0b base 0: 0 rest [b] | 0 0 0 0 0",
            "0b2 base 2: 0 rest [b2] | 0 0 0 0 0",
            "0x1f base 0: 31 rest [] | 31 31 31 31 31",
            "017 base 0: 15 rest [] | 15 15 15 15 15",
            "strtol: 0 rest [b101]",
            "sscanf: 2 42 x",
        ] {
            assert!(r.stdout.lines().any(|l| l == line), "{line:?} not in:\n{}", r.stdout);
        }
    }
}
