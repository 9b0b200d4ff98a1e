//! stdio against glibc: the same C sources built with `gcc -static` and
//! with crt0-cc must print the same, byte for byte. A generated table of
//! about 43,000 printf cases (every conversion, flag, width, precision and
//! length modifier; float rounding ties, subnormals, extreme exponents,
//! NaN and infinity signs, long doubles), then streams: files, stdin,
//! buffering as the order of output shows it, the flush at exit.

mod common;
use common::*;

for_libc_configs! {
    fn printf_table_matches_glibc(cfg: Config) {
        let r = differential(cfg, "tests/c/libc/printf_table.c", &[], &[], &[], b"");
        r.assert_exit(0);
        assert!(r.lines().len() > 40_000, "the table has {} lines", r.lines().len());
    }
}

for_libc_configs! {
    fn streams_match_glibc(cfg: Config) {
        let dir = scratch("stdio", cfg);
        let d = dir.to_str().unwrap();
        let src = "tests/c/libc/stdio_streams.c";
        let r = differential(cfg, src, &[], &[d, "files"], &[], b"");
        assert!(r.stdout.contains("lines 2001 chars"), "{}", r.stdout);
        // Long lines, no final newline, a partial line longer than the buffer.
        let mut text = String::new();
        for i in 0..3000 {
            text.push_str(&"word ".repeat(i % 9));
            text.push_str(&format!("{i}\n"));
        }
        text.push_str("no newline at the end");
        differential(cfg, src, &[], &[d, "stdin"], &[], text.as_bytes());
        differential(cfg, src, &[], &[d, "getc"], &[], text.as_bytes());
        differential(cfg, src, &[], &[d, "fread"], &[], text.as_bytes());
        differential(cfg, src, &[], &[d, "stdin"], &[], b"");
        let r = differential(cfg, src, &[], &[d, "buffering"], &[], b"");
        assert!(r.stdout.starts_with("[direct write]\nfirst, buffered ...\n[after fflush]\n"), "{}", r.stdout);
        let r = differential(cfg, src, &[], &[d, "exit"], &[("STREAMS_DTOR", "1")], b"");
        r.assert_exit(3);
        assert_eq!(r.stdout, "main prints, then returns 3atexit handler prints\ndestructor prints\n");
        let r = differential(cfg, src, &[], &[d, "_exit"], &[], b"");
        r.assert_exit(4);
        assert_eq!(r.stdout, "");
        differential(cfg, src, &[], &[d, "unbuffered"], &[], b"");
        differential(cfg, src, &[], &[d, "line"], &[], b"");
        std::fs::remove_dir_all(&dir).ok();
    }
}

for_libc_configs! {
    fn scanf_matches_glibc(cfg: Config) {
        let r = differential(cfg, "tests/c/libc/numbers.c", &[], &["scan"], &[], b"");
        r.assert_exit(0);
        assert!(r.lines().len() > 1000, "{} lines", r.lines().len());
    }
}
