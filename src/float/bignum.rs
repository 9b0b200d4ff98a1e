//! Exact decimal digits of `m × 2^e` for any `m < 2^128` and the exponent
//! range of a long double, by multi-word arithmetic: the integer part is
//! divided by 10^9 repeatedly, the fraction multiplied by 10^9, nine
//! digits at a time. Digits stop as soon as the rounding is decided; the
//! rounding is to nearest, ties to even, on the exact value.

use super::{Digits, Mode};

/// 32-bit words for `2^16384 × 2^128` (the largest integer part) or a
/// 16,494 + 128-bit fraction, with room to spare.
const WORDS: usize = 524;
const BILLION: u32 = 1_000_000_000;

/// A natural number in 32-bit words, least significant first.
struct Big {
    w: [u32; WORDS],
    len: usize,
}

impl Big {
    /// `m × 2^shift`.
    fn shifted(m: u128, shift: u32) -> Big {
        let mut b = Big { w: [0; WORDS], len: 0 };
        let (words, bits) = ((shift / 32) as usize, shift % 32);
        let mut v = m;
        let mut i = words;
        let mut carry = 0u32;
        while v != 0 || carry != 0 {
            let low = v as u32;
            b.w[i] = (low << bits) | carry;
            carry = if bits == 0 { 0 } else { low >> (32 - bits) };
            v >>= 32;
            i += 1;
        }
        b.len = i;
        b.trim();
        b
    }

    fn trim(&mut self) {
        while self.len > 0 && self.w[self.len - 1] == 0 {
            self.len -= 1;
        }
    }

    fn is_zero(&self) -> bool {
        self.len == 0
    }

    /// Divides by 10^9 in place; returns the remainder.
    fn div_billion(&mut self) -> u32 {
        let mut rem = 0u64;
        for word in self.w[..self.len].iter_mut().rev() {
            let cur = (rem << 32) | u64::from(*word);
            *word = (cur / u64::from(BILLION)) as u32;
            rem = cur % u64::from(BILLION);
        }
        self.trim();
        rem as u32
    }

    /// Multiplies by `k`, growing as needed.
    fn mul_small(&mut self, k: u32) {
        let n = self.len;
        let carry = self.mul_by(n, k);
        if carry != 0 && n < WORDS {
            self.w[n] = carry;
            self.len += 1;
        }
    }

    fn mul_by(&mut self, n: usize, k: u32) -> u32 {
        let mut carry = 0u64;
        for word in &mut self.w[..n] {
            let cur = u64::from(*word) * u64::from(k) + carry;
            *word = cur as u32;
            carry = cur >> 32;
        }
        carry as u32
    }

    fn cmp(&self, other: &Big) -> core::cmp::Ordering {
        self.len.cmp(&other.len).then_with(|| self.w[..self.len].iter().rev().cmp(other.w[..other.len].iter().rev()))
    }

    /// Multiplies the first `n` words by 10^9; returns what overflows them.
    fn mul_billion(&mut self, n: usize) -> u32 {
        self.mul_by(n, BILLION)
    }
}

/// True when `m × 2^e < 10^p` (for `p` up to a long double's range).
pub fn below_pow10(m: u128, e: i32, p: u32) -> bool {
    let bits = i64::from(128 - m.leading_zeros()) + i64::from(e);
    if p > 5000 || bits <= 0 {
        return true; // beyond a long double's range, or below 1
    }
    // m × 2^e against 5^p × 2^p: the smaller power of two cancels.
    let shift = i64::from(e) - i64::from(p);
    let mut five = Big::shifted(1, if shift < 0 { (-shift) as u32 } else { 0 });
    for _ in 0..p {
        five.mul_small(5);
    }
    let x = Big::shifted(m, shift.max(0) as u32);
    x.cmp(&five).is_lt()
}

/// An upper bound on the integer part's decimal digits.
pub fn int_digits_bound(m: u128, e: i32) -> usize {
    let bits = (128 - m.leading_zeros()) as i32 + e;
    // log10(2) < 0.30103 < 309/1024.
    if bits <= 0 { 1 } else { (bits as usize * 309).div_ceil(1024) + 1 }
}

/// Collects digits in decreasing weight, keeping those the mode asks for
/// and noting the first dropped one and whether anything nonzero follows.
struct Sink<'a, 'b> {
    d: &'a mut Digits<'b>,
    mode: Mode,
    /// Weight (power of ten) of the next digit.
    weight: i32,
    /// Lowest kept weight (for `Sig`, known at the first nonzero digit).
    cut: Option<i32>,
    /// Zeros kept but not yet stored (stored when a nonzero digit follows).
    zeros: usize,
    /// The first dropped digit.
    round: Option<u8>,
    sticky: bool,
    /// Once the first kept digit is in: how many more to keep (the fast
    /// path of `push`); 0 before it and after the last.
    left: i64,
}

impl Sink<'_, '_> {
    /// Takes the next digit (0-9); true when no more are needed.
    #[inline]
    fn push(&mut self, digit: u8) -> bool {
        if self.left > 0 {
            self.left -= 1;
            self.weight -= 1;
            if digit == 0 {
                self.zeros += 1;
            } else {
                self.store(digit);
            }
            return false;
        }
        self.push_edge(digit)
    }

    /// `push` before the first kept digit, at it, and past the last.
    #[inline(never)]
    fn push_edge(&mut self, digit: u8) -> bool {
        let w = self.weight;
        self.weight -= 1;
        if self.round.is_some() {
            self.sticky |= digit != 0;
            return digit != 0;
        }
        let started = self.d.len > 0;
        if !started && digit == 0 && self.cut.is_none_or(|c| w >= c) {
            return false; // a leading zero
        }
        if !started && digit != 0 {
            if let Mode::Sig(n) = self.mode {
                self.cut = Some(w - n as i32 + 1);
            }
        }
        let cut = self.cut.unwrap_or(i32::MIN);
        if w >= cut {
            if digit == 0 {
                self.zeros += 1;
            } else {
                if !started {
                    self.d.exp = w;
                    // The digits of weights w-1 down to the cut.
                    self.left = i64::from(w) - i64::from(cut);
                }
                self.store(digit);
            }
            return false;
        }
        // The first dropped digit (a skipped leading zero, if the first
        // nonzero digit lies below the cut already, makes it 0).
        let r = if w == cut - 1 { digit } else { 0 };
        self.round = Some(r);
        self.sticky = w < cut - 1 && digit != 0;
        r != 5 || self.sticky
    }

    #[inline]
    fn store(&mut self, digit: u8) {
        let d = &mut *self.d;
        if self.zeros == 0 {
            if let Some(slot) = d.buf.get_mut(d.len) {
                *slot = b'0' + digit;
                d.len += 1;
            }
            return;
        }
        let need = self.zeros + 1;
        if let Some(dst) = d.buf.get_mut(d.len..d.len + need) {
            dst.fill(b'0');
            dst[need - 1] = b'0' + digit;
            d.len += need;
        }
        self.zeros = 0;
    }

    /// Rounds half to even and trims trailing zeros.
    fn finish(mut self) {
        let r = self.round.unwrap_or(0);
        let last_odd = self.zeros == 0 && self.d.len > 0 && (self.d.buf[self.d.len - 1] - b'0') % 2 == 1;
        if r > 5 || (r == 5 && (self.sticky || last_odd)) {
            if self.d.len == 0 {
                // Only zeros kept: the result is one unit of the last kept place.
                self.d.exp = self.cut.unwrap_or(0);
                self.zeros = 0;
                self.store(1);
            } else if self.zeros > 0 {
                self.zeros -= 1;
                self.store(1);
            } else {
                let d = &mut *self.d;
                let mut i = d.len;
                loop {
                    i -= 1;
                    if d.buf[i] == b'9' {
                        d.buf[i] = b'0';
                        if i == 0 {
                            d.buf[0] = b'1';
                            d.exp += 1;
                            break;
                        }
                    } else {
                        d.buf[i] += 1;
                        break;
                    }
                }
            }
        }
        while self.d.len > 0 && self.d.buf[self.d.len - 1] == b'0' {
            self.d.len -= 1;
        }
        if self.d.len == 0 {
            self.d.exp = 0;
        }
    }
}

/// The digits of `m × 2^e` (m > 0) rounded as `mode` says.
pub fn digits(m: u128, e: i32, mode: Mode, d: &mut Digits) {
    let cut = match mode {
        Mode::Fixed(p) => Some(-(p.min(i32::MAX as usize / 2) as i32)),
        Mode::Sig(_) => None,
    };
    let mut sink = Sink { d, mode, weight: 0, cut, zeros: 0, round: None, sticky: false, left: 0 };
    // Trailing zero bits change nothing and may let the value fit the fast path.
    let tz = m.trailing_zeros().min(127);
    let (m, e) = (m >> tz, e.saturating_add(tz as i32));
    if small_digits(m, e, &mut sink) {
        return sink.finish();
    }
    let (int, frac, frac_bits) = if e >= 0 {
        (Big::shifted(m, e as u32), None, 0)
    } else {
        let s = e.unsigned_abs();
        let int = if s >= 128 { 0 } else { m >> s };
        let f = if s >= 128 { m } else { m & ((1u128 << s) - 1) };
        (Big::shifted(int, 0), Some(f), s)
    };
    if integer_digits(int, &mut sink) {
        return sink.finish();
    }
    if let Some(f) = frac.filter(|&f| f != 0) {
        // The fraction f / 2^frac_bits, scaled so the point falls on a
        // word boundary: whatever overflows the words after a
        // multiplication by 10^9 is the next nine digits.
        let pad = (32 - frac_bits % 32) % 32;
        let words = ((frac_bits + pad) / 32) as usize;
        let mut big = Big::shifted(f, pad);
        big.len = words;
        'digits: loop {
            let chunk = big.mul_billion(words);
            big.trim();
            let mut div = BILLION / 10;
            while div > 0 {
                if sink.push((chunk / div % 10) as u8) {
                    break 'digits;
                }
                div /= 10;
            }
            if big.is_zero() {
                break;
            }
            big.len = words;
        }
    }
    sink.finish()
}

/// The fast path, for the values programs print: an integer part below
/// 2^128 and a fraction of at most 98 bits, so that 128-bit arithmetic is
/// exact (a fraction times 10^9 stays below 2^128). Feeds the digits to
/// `sink` and returns true, or returns false without touching it.
fn small_digits(m: u128, e: i32, sink: &mut Sink) -> bool {
    let bits = 128 - m.leading_zeros() as i32;
    let (int, frac, k) = if e >= 0 {
        if bits + e > 128 {
            return false;
        }
        (m << e, 0u128, 0u32)
    } else {
        let k = e.unsigned_abs();
        if k > 98 {
            return false;
        }
        (m >> k, m & ((1u128 << k) - 1), k)
    };
    if int == 0 {
        sink.weight = -1;
    } else {
        // At most 39 digits, written from the right.
        let mut buf = [0u8; 40];
        let mut i = buf.len();
        let mut v = int;
        while v >= 1 << 64 {
            let mut low = (v % 10_000_000_000_000_000_000) as u64;
            v /= 10_000_000_000_000_000_000;
            for _ in 0..19 {
                i -= 1;
                buf[i] = (low % 10) as u8;
                low /= 10;
            }
        }
        let mut low = v as u64;
        while low > 0 {
            i -= 1;
            buf[i] = (low % 10) as u8;
            low /= 10;
        }
        sink.weight = (buf.len() - i) as i32 - 1;
        for &digit in &buf[i..] {
            if sink.push(digit) {
                return true;
            }
        }
    }
    let mask = if k == 0 { 0 } else { (1u128 << k) - 1 };
    let mut f = frac;
    while f != 0 {
        f *= u128::from(BILLION);
        let chunk = (f >> k) as u32;
        f &= mask;
        let mut div = BILLION / 10;
        while div > 0 {
            if sink.push((chunk / div % 10) as u8) {
                return true;
            }
            div /= 10;
        }
    }
    true
}

/// Feeds the integer part's digits to `sink`; true when it needs no more.
fn integer_digits(mut int: Big, sink: &mut Sink) -> bool {
    if int.is_zero() {
        sink.weight = -1;
        return false;
    }
    // Nine digits per word, least significant first.
    let mut chunks = [0u32; WORDS * 32 / 29 + 1];
    let mut n = 0;
    while !int.is_zero() {
        chunks[n] = int.div_billion();
        n += 1;
    }
    let top = chunks[n - 1];
    let top_digits = top.checked_ilog10().unwrap_or(0) as i32 + 1;
    sink.weight = top_digits - 1 + 9 * (n as i32 - 1);
    for (i, &chunk) in chunks[..n].iter().rev().enumerate() {
        let mut div = if i == 0 { 10u32.pow(top_digits as u32 - 1) } else { BILLION / 10 };
        while div > 0 {
            if sink.push((chunk / div % 10) as u8) {
                return true;
            }
            div /= 10;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::super::{Digits, Float, Mode};

    /// The bignum path against core::fmt's on doubles: both must be exact.
    fn check(x: f64, mode: Mode) {
        let f = Float::from_f64(x);
        let (mut a, mut b) = (vec![0u8; 2000], vec![0u8; 2000]);
        let mut da = Digits { buf: &mut a, len: 0, exp: 0 };
        let mut db = Digits { buf: &mut b, len: 0, exp: 0 };
        super::super::fmt64::digits(x.abs(), mode, &mut da);
        if f.class == super::super::Class::Finite {
            super::digits(f.m, f.e, mode, &mut db);
        }
        assert_eq!(
            (std::str::from_utf8(&da.buf[..da.len]).unwrap(), da.exp),
            (std::str::from_utf8(&db.buf[..db.len]).unwrap(), db.exp),
            "{x:e} {mode:?}"
        );
    }

    #[test]
    fn compares_with_powers_of_ten() {
        // The double nearest 1e23 is just below 10^23.
        for (x, p, below) in [(999.5, 3, true), (1000.0, 3, false), (1000.4, 3, false), (0.5, 0, true), (1.0, 0, false), (1e22, 22, false), (1e23, 23, true)] {
            let f = Float::from_f64(x);
            assert_eq!(super::below_pow10(f.m, f.e, p), below, "{x} < 1e{p}");
        }
    }

    #[test]
    fn agrees_with_core_fmt() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let special = [0.5, 1.5, 2.5, 0.25, 0.125, 1e23, 9.5, 99.5, 0.05, 5e-324, f64::MAX, f64::MIN_POSITIVE, 1.0, 0.1];
        for &x in &special {
            for p in [0, 1, 2, 3, 6, 17, 30, 400, 1100] {
                check(x, Mode::Fixed(p));
                check(x, Mode::Sig(p + 1));
            }
        }
        for _ in 0..3000 {
            let x = f64::from_bits(next() & !(1 << 63));
            if !x.is_finite() {
                continue;
            }
            let p = (next() % 40) as usize;
            check(x, Mode::Sig(p + 1));
            check(x, Mode::Fixed(p));
            // Values near the rounding point: few significant bits.
            let y = f64::from_bits(x.to_bits() & !((1 << (next() % 52)) - 1));
            check(y, Mode::Sig(p % 5 + 1));
            check(y, Mode::Fixed(p % 5));
        }
    }
}
