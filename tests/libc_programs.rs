//! Small real programs of the kind people write, each built with gcc
//! -static and with crt0-cc and fed the same input: the outputs must match.
//! `wc` (getopt, fopen, getc), `sort` (getline, qsort, strtod, strcasecmp),
//! `calc` (a recursive-descent calculator: strtod, math.h, printf %g, -lm);
//! and the same programs built with -D_FORTIFY_SOURCE=2.

mod common;
use common::*;

/// Text with words, numbers (some "nan" and "inf"), blank lines and long lines.
fn text() -> String {
    let mut t = String::new();
    let words = ["alpha", "Beta", "gamma", "nanometre", "infinite", "42", "-3.5", "1e3", "0x10", "", "zeta"];
    let mut seed = 7u32;
    for i in 0..3000 {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let n = (seed >> 16) % 9;
        let line: Vec<&str> = (0..n).map(|k| words[((seed >> (k % 16)) as usize + k as usize) % words.len()]).collect();
        t.push_str(&line.join(if i % 7 == 0 { "\t" } else { " " }));
        if i % 500 == 0 {
            t.push_str(&"long ".repeat(400));
        }
        t.push('\n');
    }
    t
}

const CALC: &str = "1 + 2 * 3\n(1 + 2) * 3\n2 ^ 10\n2 ^ 0.5\n10 / 3\n1 / 0\n0 / 0\nsqrt(2)\nsqrt(-1)\nlog(0)\nlog(-1)\n\
exp(710)\nsin(pi / 6)\ncos(pi)\natan(1) * 4\nlog10(1000)\n1e308 * 10\n1e-320 / 1e10\n0x1.8p3 + 0x10\n1e400\n17 % 5\n\
x = 12.5\ny = x * 2\nx + y\nfloor(-2.5) + ceil(2.5)\n# a comment\n2 +\n(3\nfoo(2)\n0.1 + 0.2\n123456789 * 987654321\n\
2 ^ 1024\n2 ^ -1075\npi\ne\n";

fn programs(cfg: Config, flags: &[&str]) {
    let input = text();
    let wc = "tests/c/libc/wc.c";
    let r = differential(cfg, wc, flags, &[], &[], input.as_bytes());
    assert!(r.stdout.starts_with("   3000 "), "{}", r.stdout);
    differential(cfg, wc, flags, &["-lw"], &[], input.as_bytes());
    let dir = scratch("wc", cfg);
    let file = dir.join("input.txt");
    std::fs::write(&file, &input).unwrap();
    let f = file.to_str().unwrap();
    let r = differential(cfg, wc, flags, &["-c", f, "/nonexistent", f], &[], b"");
    r.assert_exit(1);
    std::fs::remove_dir_all(&dir).ok();
    let sort = "tests/c/libc/sort.c";
    for opts in [&[][..], &["-r"], &["-n"], &["-f", "-u"], &["-k", "2", "-n", "-r"], &["-u"]] {
        differential(cfg, sort, flags, opts, &[], input.as_bytes()).assert_exit(0);
    }
    let r = differential(cfg, "tests/c/libc/calc.c", &[flags, &["-lm"]].concat(), &[], &[], CALC.as_bytes());
    assert!(r.stdout.contains("3.14159\t3.14159265358979"), "{}", r.stdout);
    assert!(r.stderr.contains("sqrt(-1): Numerical argument out of domain"), "{}", r.stderr);
}

for_libc_configs! {
    fn real_programs_match_glibc(cfg: Config) {
        programs(cfg, &[]);
    }
}

for_libc_configs! {
    fn fortified_programs_match_glibc(cfg: Config) {
        programs(cfg, &["-D_FORTIFY_SOURCE=2"]);
    }
}
