//! Text to binary floating point, as strtod reads it: the syntax (spaces,
//! sign, `inf`/`infinity`, `nan(...)`, hexadecimal `0x1.8p3`, decimal
//! `1.5e3`), and correct rounding (to nearest, ties to even) into any of
//! the formats: float, double, x87 extended, binary128.
//!
//! Doubles and floats are converted by `core` (`str::parse`, correctly
//! rounded); long doubles and every hexadecimal number here, the decimal
//! ones by exact multi-word arithmetic.

use alloc::vec::Vec;

use crate::arch::TININESS_BEFORE_ROUNDING;

/// A binary floating-point format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Format {
    /// Significand bits, the leading one included (24, 53, 64, 113).
    pub bits: u32,
    /// Exponent of the smallest normal number (of its leading bit).
    pub min_exp: i32,
    /// Exponent of the largest finite number.
    pub max_exp: i32,
    /// The leading bit is stored (x87), not implied.
    pub explicit: bool,
}

pub const F32: Format = Format { bits: 24, min_exp: -126, max_exp: 127, explicit: false };
pub const F64: Format = Format { bits: 53, min_exp: -1022, max_exp: 1023, explicit: false };
pub const X87: Format = Format { bits: 64, min_exp: -16382, max_exp: 16383, explicit: true };
pub const F128: Format = Format { bits: 113, min_exp: -16382, max_exp: 16383, explicit: false };

impl Format {
    fn exp_bits(&self) -> u32 {
        if self.max_exp == 127 { 8 } else if self.max_exp == 1023 { 11 } else { 15 }
    }
    /// Bits after the exponent field.
    fn frac_bits(&self) -> u32 {
        if self.explicit { self.bits } else { self.bits - 1 }
    }
    fn encode(&self, neg: bool, biased: u32, frac: u128) -> u128 {
        let sign_at = self.frac_bits() + self.exp_bits();
        (u128::from(neg) << sign_at) | (u128::from(biased) << self.frac_bits()) | frac
    }
    /// ±infinity.
    pub fn infinity(&self, neg: bool) -> u128 {
        let max = (1 << self.exp_bits()) - 1;
        self.encode(neg, max, if self.explicit { 1 << 63 } else { 0 })
    }
    /// A quiet NaN.
    pub fn nan(&self, neg: bool) -> u128 {
        let max = (1 << self.exp_bits()) - 1;
        let quiet = 1u128 << (self.bits - 2);
        self.encode(neg, max, if self.explicit { (1 << 63) | quiet } else { quiet })
    }
}

/// A conversion's result: the value's bits, and C's range error (ERANGE:
/// overflow, or an inexact result in the subnormal range or zero).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Value {
    pub bits: u128,
    pub range_error: bool,
}

/// Rounds `m × 2^e`, plus a little more when `sticky`, to `f` (nearest,
/// ties to even).
pub fn round(neg: bool, m: u128, e: i64, sticky: bool, f: &Format) -> Value {
    if m == 0 {
        // Only a sticky remainder: far below the smallest subnormal.
        return Value { bits: f.encode(neg, 0, 0), range_error: sticky };
    }
    let nb = i64::from(128 - m.leading_zeros());
    let top = nb - 1 + e; // exponent of the leading bit
    // Bits kept: all of them, or fewer below the normal range.
    let keep = i64::from(f.bits) - (i64::from(f.min_exp) - top).max(0);
    let drop = nb - keep;
    let (mut q, inexact) = if drop <= 0 {
        (if drop <= -128 { 0 } else { m << (-drop) }, sticky)
    } else if drop > 128 {
        (0, true)
    } else {
        let q = if drop == 128 { 0 } else { m >> drop };
        let rest = if drop == 128 { m } else { m & ((1u128 << drop) - 1) };
        let half = 1u128 << (drop - 1);
        let up = rest > half || (rest == half && (sticky || q & 1 == 1));
        (q + u128::from(up), rest != 0 || sticky)
    };
    // The exponent of q's unit bit.
    let mut unit = e + drop.max(0) + drop.min(0);
    if q >> f.bits != 0 {
        q >>= 1;
        unit += 1;
    }
    if q == 0 {
        return Value { bits: f.encode(neg, 0, 0), range_error: true };
    }
    let lead = unit + i64::from(128 - q.leading_zeros()) - 1;
    if lead > i64::from(f.max_exp) {
        return Value { bits: f.infinity(neg), range_error: true };
    }
    let subnormal = lead < i64::from(f.min_exp);
    let biased = if subnormal { 0 } else { (lead - i64::from(f.min_exp) + 1) as u32 };
    let frac = if f.explicit { q } else { q & ((1u128 << (f.bits - 1)) - 1) };
    let tiny = if TININESS_BEFORE_ROUNDING { top < i64::from(f.min_exp) } else { subnormal };
    Value { bits: f.encode(neg, biased, frac), range_error: inexact && tiny }
}

/// The shape of a number's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Decimal: the digits (and point) are `s[digits.0..digits.1]`, then a
    /// decimal exponent.
    Decimal { digits: (usize, usize), exp: i64 },
    /// Hexadecimal: hex digits (and point) in `s[digits.0..digits.1]`, then
    /// a binary exponent.
    Hex { digits: (usize, usize), exp: i64 },
    Infinity,
    Nan,
}

/// A number found at the start of a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scan {
    pub neg: bool,
    pub kind: Kind,
    /// Bytes consumed (spaces included).
    pub len: usize,
}

fn lower_eq(s: &[u8], at: usize, word: &[u8]) -> bool {
    s.get(at..at + word.len()).is_some_and(|w| w.eq_ignore_ascii_case(word))
}

/// Digits of `radix` (and at most one point) from `at`: (end, digits seen).
fn digits(s: &[u8], mut at: usize, hex: bool) -> (usize, usize) {
    let mut n = 0;
    let mut point = false;
    while let Some(&c) = s.get(at) {
        if (hex && c.is_ascii_hexdigit()) || c.is_ascii_digit() {
            n += 1;
        } else if c == b'.' && !point {
            point = true;
        } else {
            break;
        }
        at += 1;
    }
    (at, n)
}

/// An exponent (`e`/`p`, sign, digits) at `at`, if complete: (value, end).
fn exponent(s: &[u8], at: usize, marker: u8) -> Option<(i64, usize)> {
    if s.get(at).map(|c| c | 0x20) != Some(marker) {
        return None;
    }
    let mut i = at + 1;
    let neg = s.get(i) == Some(&b'-');
    if matches!(s.get(i), Some(b'-' | b'+')) {
        i += 1;
    }
    let start = i;
    let mut v: i64 = 0;
    while let Some(c) = s.get(i).filter(|c| c.is_ascii_digit()) {
        v = (v * 10 + i64::from(c - b'0')).min(1 << 40);
        i += 1;
    }
    (i > start).then_some((if neg { -v } else { v }, i))
}

/// Reads the number at the start of `s` as strtod does; None when there is none.
pub fn scan(s: &[u8]) -> Option<Scan> {
    let mut i = 0;
    while s.get(i).is_some_and(|&c| c == b' ' || (9..=13).contains(&c)) {
        i += 1;
    }
    let neg = s.get(i) == Some(&b'-');
    if matches!(s.get(i), Some(b'-' | b'+')) {
        i += 1;
    }
    if lower_eq(s, i, b"inf") {
        let len = if lower_eq(s, i, b"infinity") { i + 8 } else { i + 3 };
        return Some(Scan { neg, kind: Kind::Infinity, len });
    }
    if lower_eq(s, i, b"nan") {
        let mut len = i + 3;
        if s.get(len) == Some(&b'(') {
            let mut j = len + 1;
            while s.get(j).is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_') {
                j += 1;
            }
            if s.get(j) == Some(&b')') {
                len = j + 1;
            }
        }
        return Some(Scan { neg, kind: Kind::Nan, len });
    }
    if s.get(i) == Some(&b'0') && s.get(i + 1).map(|c| c | 0x20) == Some(b'x') {
        let (end, n) = digits(s, i + 2, true);
        if n > 0 {
            let (exp, len) = exponent(s, end, b'p').unwrap_or((0, end));
            return Some(Scan { neg, kind: Kind::Hex { digits: (i + 2, end), exp }, len });
        }
        // "0x" without hex digits: the number is the 0.
        return Some(Scan { neg, kind: Kind::Decimal { digits: (i, i + 1), exp: 0 }, len: i + 1 });
    }
    let (end, n) = digits(s, i, false);
    if n == 0 {
        return None;
    }
    let (exp, len) = exponent(s, end, b'e').unwrap_or((0, end));
    Some(Scan { neg, kind: Kind::Decimal { digits: (i, end), exp }, len })
}

/// A hexadecimal number's value in `f`.
pub fn hex(neg: bool, s: &[u8], exp: i64, f: &Format) -> Value {
    let mut m: u128 = 0;
    let mut e = exp;
    let mut sticky = false;
    let mut after_point = false;
    for &c in s {
        if c == b'.' {
            after_point = true;
            continue;
        }
        let d = (c as char).to_digit(16).unwrap_or(0) as u128;
        if m >> 120 == 0 {
            m = (m << 4) | d;
            if after_point {
                e -= 4;
            }
        } else {
            // No room: the digit only decides the sticky bit.
            sticky |= d != 0;
            if !after_point {
                e += 4;
            }
        }
    }
    round(neg, m, e, sticky, f)
}

/// A natural number in 32-bit words, least significant first, for the
/// decimal conversion of long doubles (whose exact values need thousands
/// of bits: heap memory).
struct Nat(Vec<u32>);

impl Nat {
    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }
    fn mul_add(&mut self, k: u32, add: u32) {
        let mut carry = u64::from(add);
        for w in &mut self.0 {
            let v = u64::from(*w) * u64::from(k) + carry;
            *w = v as u32;
            carry = v >> 32;
        }
        if carry != 0 {
            self.0.push(carry as u32);
        }
    }
    fn bits(&self) -> u64 {
        self.0.last().map_or(0, |&top| 32 * (self.0.len() as u64 - 1) + u64::from(32 - top.leading_zeros()))
    }
    fn bit(&self, i: u64) -> bool {
        self.0.get((i / 32) as usize).is_some_and(|w| w >> (i % 32) & 1 == 1)
    }
    fn shl(&mut self, n: u64) {
        let (words, bits) = ((n / 32) as usize, (n % 32) as u32);
        if bits != 0 {
            let mut carry = 0;
            for w in &mut self.0 {
                let v = (*w << bits) | carry;
                carry = *w >> (32 - bits);
                *w = v;
            }
            if carry != 0 {
                self.0.push(carry);
            }
        }
        self.0.splice(0..0, core::iter::repeat_n(0, words));
    }
    fn cmp(&self, o: &Nat) -> core::cmp::Ordering {
        self.0.len().cmp(&o.0.len()).then_with(|| self.0.iter().rev().cmp(o.0.iter().rev()))
    }
    fn sub(&mut self, o: &Nat) {
        let mut borrow = 0i64;
        for (i, w) in self.0.iter_mut().enumerate() {
            let v = i64::from(*w) - i64::from(o.0.get(i).copied().unwrap_or(0)) - borrow;
            borrow = i64::from(v < 0);
            *w = v.rem_euclid(1 << 32) as u32;
        }
        self.trim();
    }
    /// The top bits of the number as a u128 (at most 128), the exponent of
    /// their unit, and whether any lower bit is set.
    fn top(&self) -> (u128, i64, bool) {
        let n = self.bits();
        let shift = n.saturating_sub(128);
        let mut m: u128 = 0;
        for i in (shift..n).rev() {
            m = (m << 1) | u128::from(self.bit(i));
        }
        let sticky = (0..shift).any(|i| self.bit(i));
        (m, shift as i64, sticky)
    }
}

/// Significant decimal digits kept: beyond them (a long double's halfway
/// points have fewer) only whether one is nonzero matters.
const MAX_DIGITS: usize = 12_000;

/// A decimal number's value in `f`, by exact arithmetic: the digits as an
/// integer D and the exponent k, D × 10^k rounded once.
pub fn decimal(neg: bool, s: &[u8], exp: i64, f: &Format) -> Value {
    let mut d = Nat(Vec::new());
    let mut k = exp;
    let mut count = 0;
    let mut sticky = false;
    let mut after_point = false;
    for &c in s {
        if c == b'.' {
            after_point = true;
            continue;
        }
        let digit = u32::from(c - b'0');
        if count == 0 && digit == 0 {
            k -= i64::from(after_point);
            continue;
        }
        if count < MAX_DIGITS {
            d.mul_add(10, digit);
            count += 1;
            k -= i64::from(after_point);
        } else {
            sticky |= digit != 0;
            k += i64::from(!after_point);
        }
    }
    if count == 0 {
        return round(neg, 0, 0, false, f);
    }
    // Far outside the format's range: no need for the arithmetic.
    let magnitude = count as i64 + k; // 10^(magnitude-1) <= value < 10^magnitude
    if magnitude > 5000 {
        return Value { bits: f.infinity(neg), range_error: true };
    }
    if magnitude < -5000 {
        return round(neg, 0, 0, true, f);
    }
    if k >= 0 {
        for _ in 0..k {
            d.mul_add(10, 0);
        }
        let (m, e, low) = d.top();
        return round(neg, m, e, sticky || low, f);
    }
    // D / 10^-k: a quotient of bits(f) + 2 bits and the remainder's sign.
    let mut den = Nat(Vec::from([1]));
    for _ in 0..-k {
        den.mul_add(10, 0);
    }
    let want = i64::from(f.bits) + 2;
    let shift = want + den.bits() as i64 - d.bits() as i64;
    if shift > 0 {
        d.shl(shift as u64);
    } else {
        den.shl((-shift) as u64);
    }
    // Long division, one quotient bit at a time from the top.
    let mut q: u128 = 0;
    let mut e = -shift;
    let top_bit = want as u64 + 1;
    let mut divisor = den;
    divisor.shl(top_bit);
    for _ in 0..=top_bit {
        // divisor = den × 2^i for i from top_bit down to 0.
        q <<= 1;
        if d.cmp(&divisor).is_ge() {
            d.sub(&divisor);
            q |= 1;
        }
        let mut half = Nat(Vec::new());
        core::mem::swap(&mut half, &mut divisor);
        divisor = shr1(half);
    }
    if q >> 127 != 0 {
        q >>= 1;
        e += 1;
    }
    round(neg, q, e, sticky || !d.0.is_empty(), f)
}

fn shr1(mut n: Nat) -> Nat {
    let mut carry = 0;
    for w in n.0.iter_mut().rev() {
        let v = (*w >> 1) | (carry << 31);
        carry = *w & 1;
        *w = v;
    }
    n.trim();
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(text: &str, f: &Format) -> Value {
        let s = text.as_bytes();
        match scan(s).unwrap().kind {
            Kind::Decimal { digits: (a, b), exp } => decimal(text.starts_with('-'), &s[a..b], exp, f),
            Kind::Hex { digits: (a, b), exp } => hex(text.starts_with('-'), &s[a..b], exp, f),
            k => panic!("{k:?}"),
        }
    }

    #[test]
    fn scans_like_strtod() {
        let len = |t: &str| scan(t.as_bytes()).map_or(0, |s| s.len);
        assert_eq!(len(" \t+12.5e1x"), 9);
        assert_eq!(len("1e"), 1);
        assert_eq!(len("1e+"), 1);
        assert_eq!(len("0x"), 1);
        assert_eq!(len("0x.p1"), 1);
        assert_eq!(len("0x1p"), 3);
        assert_eq!(len("infx"), 3);
        assert_eq!(len("-INFINITY"), 9);
        assert_eq!(len("nan(12_a)b"), 9);
        assert_eq!(len("nan("), 3);
        assert_eq!(len("-.e5"), 0);
        assert_eq!(len(".5"), 2);
    }

    #[test]
    fn decimal_and_hex_agree_with_core() {
        let mut seed = 0x1234_5678_9abc_def1u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let cases = ["1e-310", "2.4703282292062328e-324", "2.4703282292062327e-324", "1e309", "0.1", "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791.9999", "2.2250738585072011e-308", "7.2057594037927933e16", "9007199254740993", "0.000000000000000000000000000000000000001e39"];
        for c in cases {
            let v = dec(c, &F64);
            assert_eq!(v.bits as u64, c.parse::<f64>().unwrap().to_bits(), "{c}");
        }
        for _ in 0..3000 {
            let digits = 1 + next() % 25;
            let mut t = String::new();
            for i in 0..digits {
                t.push((b'0' + (next() % 10) as u8) as char);
                if i == 0 && next() % 2 == 0 {
                    t.push('.');
                }
            }
            t.push_str(&format!("e{}", (next() % 700) as i64 - 350));
            assert_eq!(dec(&t, &F64).bits as u64, t.parse::<f64>().unwrap().to_bits(), "{t}");
            assert_eq!(dec(&t, &F32).bits as u32, t.parse::<f32>().unwrap().to_bits(), "{t}");
            let x = f64::from_bits(next() >> 1);
            if x.is_finite() {
                let h = format!("{:e}", x);
                assert_eq!(dec(&h, &F64).bits as u64, x.to_bits(), "{h}");
            }
        }
        assert_eq!(dec("0x1p-1074", &F64), Value { bits: 1, range_error: false });
        assert_eq!(dec("0x1.8p-1074", &F64), Value { bits: 2, range_error: true });
        assert_eq!(dec("0x1.fffffffffffff8p1023", &F64).bits as u64, f64::INFINITY.to_bits());
        assert_eq!(dec("0x1.8p0", &X87).bits, 0x3fff_c000_0000_0000_0000);
        assert_eq!(dec("1", &F128).bits, 0x3fff << 112);
    }
}
