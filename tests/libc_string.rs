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
