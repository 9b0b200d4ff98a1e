//! The start-up trace: with `CRT0_TRACE=1`, one line per phase on stderr,
//!
//! ```text
//! crt0: phase=<name> [key=value...] owner=<UNSET|PREINIT|LIBC|OVERRIDE> rseq=<status>
//! ```
//!
//! Without it, each phase costs one compare and a branch: no formatting, no
//! system call.

use crate::{io, rseq, settings};

/// One trace line being built in a stack buffer (no allocation, no `core::fmt`).
pub struct Line {
    buf: [u8; 256],
    len: usize,
}

impl Line {
    #[inline(never)]
    fn new(phase: &str) -> Line {
        let mut l = Line { buf: [0; 256], len: 0 };
        l.push(b"crt0: phase=");
        l.push(phase.as_bytes());
        l
    }

    /// Appends what fits; a long line is cut, never a panic. One copy of
    /// the loop for every piece of every line: the trace is rare, its code
    /// is in every program.
    #[inline(never)]
    fn push(&mut self, s: &[u8]) {
        for (d, &b) in self.buf.iter_mut().skip(self.len).zip(s) {
            *d = b;
            self.len += 1;
        }
    }

    fn key(&mut self, key: &str) {
        self.push(b" ");
        self.push(key.as_bytes());
        self.push(b"=");
    }

    /// ` key=<decimal>`
    #[inline(never)]
    pub fn num(&mut self, key: &str, v: usize) -> &mut Line {
        self.decimal(key, false, v as u64)
    }

    /// ` key=<signed decimal>`
    #[inline(never)]
    pub fn int(&mut self, key: &str, v: i64) -> &mut Line {
        self.decimal(key, v < 0, v.unsigned_abs())
    }

    fn decimal(&mut self, key: &str, negative: bool, v: u64) -> &mut Line {
        self.key(key);
        if negative {
            self.push(b"-");
        }
        self.push(io::decimal(v, &mut [0; 20]));
        self
    }

    /// ` key=<word>`
    #[inline(never)]
    pub fn word(&mut self, key: &str, v: &str) -> &mut Line {
        self.key(key);
        self.push(v.as_bytes());
        self
    }

    #[inline(never)]
    fn emit(&mut self) {
        let owner = rseq::owner::name(rseq::owner::get());
        self.word("owner", owner).word("rseq", rseq::status());
        self.push(b"\n");
        let _ = io::write_all(2, self.buf.get(..self.len).unwrap_or(&self.buf));
    }
}

/// Whether the trace is on (for callers that take a longer path when it is).
#[inline(always)]
pub fn enabled() -> bool {
    settings::trace()
}

/// Prints the line for `phase` if tracing is on; `fill` adds its keys.
#[inline(always)]
pub fn phase(name: &str, fill: impl FnOnce(&mut Line)) {
    if settings::trace() {
        let mut line = Line::new(name);
        fill(&mut line);
        line.emit();
    }
}
