//! One conversion specification: `%[n$][flags][width][.precision][length]conversion`.

/// Left-justify (`-`).
pub const MINUS: u8 = 1;
/// Always a sign (`+`).
pub const PLUS: u8 = 2;
/// A space where a `+` would go (` `).
pub const SPACE: u8 = 4;
/// The alternative form (`#`).
pub const ALT: u8 = 8;
/// Pad with zeros (`0`).
pub const ZERO: u8 = 16;
/// Thousands grouping (`'`): nothing to group in the C locale.
pub const GROUP: u8 = 32;
/// Locale digits (glibc's `I`): the C locale's are ASCII.
pub const I18N: u8 = 64;

/// A width or precision as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Num {
    /// Not given.
    None,
    /// Digits in the format.
    Lit(usize),
    /// `*` (0: the next argument) or `*m$` (argument m).
    Arg(usize),
}

/// The length modifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Len {
    None,
    /// `hh`: char.
    Hh,
    /// `h`: short.
    H,
    /// `l`: long (and `wint_t`/`wchar_t *` for `%lc`/`%ls`).
    L,
    /// `ll`, `q`, and `L` on an integer conversion: long long.
    Ll,
    /// `L` on a floating-point conversion: long double.
    BigL,
    /// `j`: intmax_t.
    J,
    /// `z`, `Z`: size_t.
    Z,
    /// `t`: ptrdiff_t.
    T,
}

/// A parsed specification, its `*` arguments not yet fetched.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    /// Argument number for `n$` (1-based), 0 when not positional.
    pub pos: usize,
    pub flags: u8,
    pub width: Num,
    pub prec: Num,
    pub len: Len,
    /// The conversion character (0 if the format ended first).
    pub conv: u8,
}

/// Reads decimal digits at `*p`, advancing past them (saturating: the
/// caller rejects anything beyond `INT_MAX`).
///
/// # Safety
/// `*p` points into a NUL-terminated string.
unsafe fn number(p: &mut *const u8) -> usize {
    let mut n: usize = 0;
    // SAFETY: reads stop at the first non-digit, at the latest the NUL.
    unsafe {
        while (**p).is_ascii_digit() {
            n = n.saturating_mul(10).saturating_add(usize::from(**p - b'0'));
            *p = p.add(1);
        }
    }
    n
}

/// `n$` at `*p` (n at least 1): advances past it and returns n.
///
/// # Safety
/// As [`number`].
unsafe fn position(p: &mut *const u8) -> Option<usize> {
    let mut q = *p;
    // SAFETY: per the caller.
    unsafe {
        if !(*q).is_ascii_digit() || *q == b'0' {
            return None;
        }
        let n = number(&mut q);
        if *q != b'$' {
            return None;
        }
        *p = q.add(1);
        Some(n)
    }
}

/// Parses the specification after a `%`; returns it and where the format
/// continues (after the conversion character, or at the NUL).
///
/// # Safety
/// `p` points into a NUL-terminated string.
pub unsafe fn parse(mut p: *const u8) -> (Spec, *const u8) {
    let mut s = Spec { pos: 0, flags: 0, width: Num::None, prec: Num::None, len: Len::None, conv: 0 };
    // SAFETY: every read below stops at the NUL at the latest.
    unsafe {
        s.pos = position(&mut p).unwrap_or(0);
        loop {
            let f = match *p {
                b'-' => MINUS,
                b'+' => PLUS,
                b' ' => SPACE,
                b'#' => ALT,
                b'0' => ZERO,
                b'\'' => GROUP,
                b'I' => I18N,
                _ => break,
            };
            s.flags |= f;
            p = p.add(1);
        }
        if *p == b'*' {
            p = p.add(1);
            s.width = Num::Arg(position(&mut p).unwrap_or(0));
        } else if (*p).is_ascii_digit() {
            s.width = Num::Lit(number(&mut p));
        }
        if *p == b'.' {
            p = p.add(1);
            if *p == b'*' {
                p = p.add(1);
                s.prec = Num::Arg(position(&mut p).unwrap_or(0));
            } else {
                s.prec = Num::Lit(number(&mut p));
            }
        }
        let (len, n) = match (*p, *p.add(usize::from(*p != 0))) {
            (b'h', b'h') => (Len::Hh, 2),
            (b'h', _) => (Len::H, 1),
            (b'l', b'l') => (Len::Ll, 2),
            (b'l', _) => (Len::L, 1),
            (b'L', _) => (Len::BigL, 1),
            (b'q', _) => (Len::Ll, 1),
            (b'j', _) => (Len::J, 1),
            (b'z' | b'Z', _) => (Len::Z, 1),
            (b't', _) => (Len::T, 1),
            _ => (Len::None, 0),
        };
        s.len = len;
        p = p.add(n);
        s.conv = *p;
        if s.conv != 0 {
            p = p.add(1);
        }
    }
    (s, p)
}

/// What a conversion reads from the arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Nothing (`%%`, `%m`, an unknown conversion).
    None,
    /// An integer or a pointer.
    Int,
    /// A double.
    Double,
    /// A long double.
    LongDouble,
}

impl Spec {
    /// The kind of argument the conversion itself takes.
    pub fn kind(&self) -> Kind {
        match self.conv {
            b'd' | b'i' | b'u' | b'o' | b'x' | b'X' | b'b' | b'B' | b'c' | b'C' | b's' | b'S' | b'p' | b'n' => {
                Kind::Int
            }
            b'f' | b'F' | b'e' | b'E' | b'g' | b'G' | b'a' | b'A' => {
                if self.len == Len::BigL {
                    Kind::LongDouble
                } else {
                    Kind::Double
                }
            }
            _ => Kind::None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> (Spec, usize) {
        let c = std::ffi::CString::new(s).unwrap();
        // SAFETY: a NUL-terminated string.
        let (spec, end) = unsafe { parse(c.as_ptr().cast()) };
        (spec, end as usize - c.as_ptr() as usize)
    }

    #[test]
    fn parses_specifications() {
        let (s, n) = p("-+ #08.3lld|");
        assert_eq!((s.flags, s.width, s.prec, s.len, s.conv, n), (MINUS | PLUS | SPACE | ALT | ZERO, Num::Lit(8), Num::Lit(3), Len::Ll, b'd', 11));
        let (s, _) = p("2$*3$.*1$Lf");
        assert_eq!((s.pos, s.width, s.prec, s.len, s.kind()), (2, Num::Arg(3), Num::Arg(1), Len::BigL, Kind::LongDouble));
        let (s, _) = p(".d");
        assert_eq!(s.prec, Num::Lit(0));
        let (s, n) = p("5");
        assert_eq!((s.conv, n), (0, 1));
        let (s, _) = p("0$d");
        assert_eq!((s.pos, s.flags, s.conv), (0, ZERO, b'$'));
        assert_eq!(p("hhx").0.len, Len::Hh);
        assert_eq!(p("Zu").0.len, Len::Z);
    }
}
