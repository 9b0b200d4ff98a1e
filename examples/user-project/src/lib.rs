//! tally's logic: counting words. `#![no_std]` with `alloc` in the program;
//! its unit tests run on the host's test harness, with std.
#![cfg_attr(not(test), no_std)]

extern crate alloc;

use alloc::collections::BTreeMap;
use alloc::string::String;
use core::fmt::Write;

/// How often each word occurs.
pub fn tally<'a>(words: impl IntoIterator<Item = &'a str>) -> BTreeMap<&'a str, usize> {
    let mut counts = BTreeMap::new();
    for w in words {
        *counts.entry(w).or_insert(0) += 1;
    }
    counts
}

/// One line per word, most frequent first (alphabetical within a count):
/// `count word`.
pub fn render(counts: &BTreeMap<&str, usize>) -> String {
    let mut sorted: alloc::vec::Vec<_> = counts.iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let mut out = String::new();
    for (word, n) in sorted {
        let _ = writeln!(out, "{n} {word}");
    }
    out
}

/// Prints the report with crt0's `print!`. Under the test harness crt0 is
/// linked too (this function uses it), compiled for a hosted program: no
/// start-up, no C symbols, no panic handler of its own.
pub fn report(counts: &BTreeMap<&str, usize>) {
    crt0::print!("{}", render(counts));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_orders() {
        let counts = tally("b a b c b a".split(' '));
        assert_eq!(counts["b"], 3);
        assert_eq!(render(&counts), "3 b\n2 a\n1 c\n");
    }

    #[test]
    fn nothing_to_count() {
        assert_eq!(render(&tally([])), "");
    }

    #[test]
    fn crt0_functions_run_under_the_harness() {
        let mut buf = [0; 20];
        assert_eq!(crt0::io::decimal(1234, &mut buf), b"1234");
        // write(2) on a pipe of the test's own: crt0's output path, hosted.
        let mut fds = [0; 2];
        assert_eq!(unsafe { pipe(fds.as_mut_ptr()) }, 0);
        crt0::io::write_all(fds[1], b"through crt0").unwrap();
        let mut got = [0u8; 12];
        assert_eq!(unsafe { read(fds[0], got.as_mut_ptr(), got.len()) }, 12);
        assert_eq!(&got, b"through crt0");
    }

    extern "C" {
        fn pipe(fds: *mut i32) -> i32;
        fn read(fd: i32, buf: *mut u8, n: usize) -> isize;
    }
}
