//! The printf engine: a C format string and its arguments, formatted onto
//! an [`Out`]. It knows every conversion, flag, width, precision and length
//! modifier of C17 and glibc's additions (`%m`, `%b`/`%B`, `%C`/`%S`, the
//! `q`/`Z` lengths, `n$` positional arguments), and prints floating point
//! exactly as glibc does: every digit exact, ties rounded to even. The C
//! entry points (`printf`, `snprintf`, ...) are in `c::stdio`; this module
//! has no C in it, so the unit tests exercise it directly.
//!
//! Arguments come through [`Args`], which `c::stdio` implements over a C
//! `va_list` (`arch::va`) and the tests over a slice.

mod args;
mod conv;
mod float;
mod hex;
mod int;
mod spec;

pub use args::Args;

/// Where formatted bytes go: a buffer, a stream, a file descriptor.
pub trait Out {
    /// Appends `bytes`.
    fn put(&mut self, bytes: &[u8]);

    /// Appends `n` copies of `byte` (padding).
    fn fill(&mut self, byte: u8, mut n: usize) {
        if n == 0 {
            return;
        }
        let chunk = [byte; 32];
        while n > 0 {
            let k = n.min(chunk.len());
            self.put(&chunk[..k]);
            n -= k;
        }
    }
}

/// Why formatting failed; the C functions return -1 with this errno.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// A wide character (`%lc`, `%ls`) with no single-byte form in the C
    /// locale: EILSEQ.
    Ilseq,
    /// More than `INT_MAX` bytes, or a width or precision beyond it: EOVERFLOW.
    Overflow,
    /// A positional argument number out of range: EINVAL.
    Invalid,
}

/// An [`Out`] that counts what passes through it (for the return value and
/// `%n`); the engine's functions take it rather than a `dyn Out`, so empty
/// pieces (no sign, no padding) cost no call into the sink.
pub(crate) struct Counted<'a> {
    out: &'a mut dyn Out,
    n: usize,
}

impl Out for Counted<'_> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        if !bytes.is_empty() {
            self.n += bytes.len();
            self.out.put(bytes);
        }
    }
    #[inline]
    fn fill(&mut self, byte: u8, n: usize) {
        if n != 0 {
            self.n += n;
            self.out.fill(byte, n);
        }
    }
}

/// Formats the NUL-terminated `fmt` with `args` onto `out`; returns the
/// number of bytes produced. `errno` is the value `%m` describes (the
/// caller's errno on entry). On an error, what was formatted before it
/// stays written, as with glibc.
///
/// # Safety
/// `fmt` must be NUL-terminated; `args` must supply arguments of the types
/// the format asks for (as C's printf requires), and the pointers among them
/// (`%s`, `%n`) must be valid.
pub unsafe fn format(out: &mut dyn Out, fmt: *const u8, args: &mut dyn Args, errno: i32) -> Result<usize, Error> {
    let mut w = Counted { out, n: 0 };
    // SAFETY: per the caller.
    unsafe { conv::run(&mut w, fmt, args, errno)? };
    if w.n > i32::MAX as usize {
        return Err(Error::Overflow);
    }
    Ok(w.n)
}
