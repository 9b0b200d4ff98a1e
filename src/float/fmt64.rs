//! A double's exact digits from `core::fmt`: `{:.P}` rounds at `10^-P`
//! and `{:.Ne}` to N+1 significant digits, both from the exact binary
//! value with ties to even (Grisu with a Dragon4 fallback), which is what
//! glibc prints in the default rounding mode. The text is read back into
//! [`Digits`].

use core::fmt::Write;

use super::{Digits, Mode};

/// Reads `core::fmt`'s output: digits, an optional point, an optional
/// `e` exponent.
struct Collect<'a, 'b> {
    d: &'a mut Digits<'b>,
    /// Digits seen (all of them, leading zeros included).
    seen: usize,
    /// Index of the first nonzero digit.
    first: Option<usize>,
    /// Digits before the point.
    point: Option<usize>,
    /// Zeros seen after the last stored digit, stored only if a nonzero
    /// digit follows (so trailing zeros take no room).
    zeros: usize,
    in_exp: bool,
    exp_neg: bool,
    exp: i32,
}

impl Write for Collect<'_, '_> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        for b in s.bytes() {
            match b {
                b'0'..=b'9' if self.in_exp => self.exp = self.exp * 10 + i32::from(b - b'0'),
                b'0' => {
                    self.seen += 1;
                    if self.first.is_some() {
                        self.zeros += 1;
                    }
                }
                b'1'..=b'9' => {
                    if self.first.is_none() {
                        self.first = Some(self.seen);
                    }
                    self.seen += 1;
                    let need = self.zeros + 1;
                    let d = &mut *self.d;
                    let dst = d.buf.get_mut(d.len..d.len + need).ok_or(core::fmt::Error)?;
                    dst.fill(b'0');
                    dst[need - 1] = b;
                    d.len += need;
                    self.zeros = 0;
                }
                b'.' => self.point = Some(self.seen),
                b'e' => self.in_exp = true,
                b'-' => self.exp_neg = true,
                _ => {}
            }
        }
        Ok(())
    }
}

/// The digits of the non-negative finite `x`, rounded as `mode` says.
pub fn digits(x: f64, mode: Mode, d: &mut Digits) {
    let mut c = Collect { d, seen: 0, first: None, point: None, zeros: 0, in_exp: false, exp_neg: false, exp: 0 };
    // A full buffer is the only error, and the caller sized it for every
    // double (767 significant digits at most).
    let _ = match mode {
        Mode::Fixed(p) => write!(c, "{:.*}", p, x),
        Mode::Sig(n) => write!(c, "{:.*e}", n.max(1) - 1, x),
    };
    let Some(first) = c.first else {
        c.d.len = 0;
        c.d.exp = 0;
        return;
    };
    let int_digits = c.point.unwrap_or(c.seen) as i32;
    let exp10 = if c.exp_neg { -c.exp } else { c.exp };
    c.d.exp = int_digits - 1 - first as i32 + exp10;
}
