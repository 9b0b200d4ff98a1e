//! Binary floating point to and from exact decimal: what printf's `%f %e
//! %g` and strtod need. Digits come from [`bignum`] for every format
//! (double, x87 80-bit extended on x86_64, IEEE binary128 on aarch64):
//! 128-bit integer arithmetic for the values programs print, multi-word
//! arithmetic for the extremes; exact, ties to even. The unit tests check
//! it against `core::fmt`'s exact formatting of doubles.

pub mod bignum;
#[cfg(test)]
mod fmt64;
pub mod parse;


use crate::arch::LDBL_MANT_DIG;

/// What a float is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    Zero,
    /// Normal or subnormal: `m × 2^e`.
    Finite,
    Inf,
    Nan,
}

/// Where a value came from: it decides how digits are computed and how
/// `%a` lays out its hexadecimal digits.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Source {
    Double(f64),
    /// x87 extended: 64-bit significand with an explicit integer bit.
    X87,
    /// IEEE binary128: 112 fraction bits and an implicit bit.
    Binary128,
}

/// A decoded float: `(-1)^neg × m × 2^e` when finite.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Float {
    pub neg: bool,
    pub class: Class,
    pub m: u128,
    pub e: i32,
    /// The biased exponent field (0 for subnormals), for `%a`.
    pub biased: i32,
    pub source: Source,
}

impl Float {
    /// Decodes a double.
    pub fn from_f64(x: f64) -> Float {
        let bits = x.to_bits();
        let biased = ((bits >> 52) & 0x7ff) as i32;
        let frac = bits & ((1 << 52) - 1);
        let (class, m, e) = match biased {
            0 if frac == 0 => (Class::Zero, 0, 0),
            0 => (Class::Finite, frac, -1074),
            0x7ff if frac == 0 => (Class::Inf, 0, 0),
            0x7ff => (Class::Nan, 0, 0),
            b => (Class::Finite, frac | 1 << 52, b - 1075),
        };
        Float { neg: bits >> 63 != 0, class, m: m.into(), e, biased, source: Source::Double(x) }
    }

    /// Decodes a long double from its bits (as `Args::long_double` returns
    /// them): x87 extended when `LDBL_MANT_DIG` is 64, binary128 when 113.
    pub fn from_long_double(bits: u128) -> Float {
        if LDBL_MANT_DIG == 64 {
            let m = bits as u64;
            let biased = ((bits >> 64) & 0x7fff) as i32;
            let neg = (bits >> 79) & 1 != 0;
            let (class, e) = match biased {
                0x7fff if m << 1 == 0 => (Class::Inf, 0),
                0x7fff => (Class::Nan, 0),
                // An "unnormal" (no integer bit above the subnormal range,
                // zero significand included): not a valid encoding, which
                // glibc prints as a NaN.
                b if b != 0 && m >> 63 == 0 => (Class::Nan, 0),
                _ if m == 0 => (Class::Zero, 0),
                // Subnormals (and pseudo-denormals) use the minimum exponent.
                0 => (Class::Finite, 1 - 16383 - 63),
                b => (Class::Finite, b - 16383 - 63),
            };
            Float { neg, class, m: m.into(), e, biased, source: Source::X87 }
        } else {
            let frac = bits & ((1 << 112) - 1);
            let biased = ((bits >> 112) & 0x7fff) as i32;
            let (class, m, e) = match biased {
                0 if frac == 0 => (Class::Zero, 0, 0),
                0 => (Class::Finite, frac, 1 - 16383 - 112),
                0x7fff if frac == 0 => (Class::Inf, 0, 0),
                0x7fff => (Class::Nan, 0, 0),
                b => (Class::Finite, frac | 1 << 112, b - 16383 - 112),
            };
            Float { neg: bits >> 127 != 0, class, m, e, biased, source: Source::Binary128 }
        }
    }

    /// The value's digits rounded as `mode` says, into `d` (which must hold
    /// [`Float::capacity`] bytes). Zero gives no digits.
    pub fn digits(&self, mode: Mode, d: &mut Digits) {
        d.len = 0;
        d.exp = 0;
        if self.class == Class::Finite {
            bignum::digits(self.m, self.e, mode, d);
        }
    }

    /// True when the magnitude is below `10^p`.
    pub fn below_pow10(&self, p: u32) -> bool {
        match self.class {
            Class::Zero => true,
            Class::Finite => bignum::below_pow10(self.m, self.e, p),
            _ => false,
        }
    }

    /// Bytes [`Float::digits`] may need for `mode`: never more than the
    /// exact expansion's significant digits (plus one for a carry).
    pub fn capacity(&self, mode: Mode) -> usize {
        let wanted = match mode {
            Mode::Fixed(p) => p.saturating_add(bignum::int_digits_bound(self.m, self.e)),
            Mode::Sig(n) => n,
        };
        let exact = match self.source {
            // A double never has more than 767 significant digits.
            Source::Double(_) => 767,
            _ => bignum::int_digits_bound(self.m, self.e) + self.e.min(0).unsigned_abs() as usize,
        };
        wanted.min(exact) + 2
    }
}

/// How to round the decimal expansion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// To `n` digits after the decimal point (`%f`).
    Fixed(usize),
    /// To `n >= 1` significant digits (`%e`, `%g`).
    Sig(usize),
}

/// Decimal digits `d1 d2 d3 ...` (ASCII, no trailing zeros) of a value
/// `d1.d2d3... × 10^exp`; digits past `len` are zeros; `len` 0 is zero.
pub struct Digits<'a> {
    pub buf: &'a mut [u8],
    pub len: usize,
    pub exp: i32,
}

impl Digits<'_> {
    /// The stored digits from index `i`, for copying runs at once.
    pub fn from(&self, i: usize) -> &[u8] {
        self.buf.get(i..self.len).unwrap_or(&[])
    }
}
