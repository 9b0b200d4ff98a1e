//! Integers (`%d %i %u %o %x %X %b %B`), pointers (`%p`), characters and
//! strings: digits, sign, prefix, precision zeros and width padding.

use super::spec::{ALT, MINUS, PLUS, SPACE, ZERO};
use super::{Counted, Out};

/// A conversion's flags, width and precision, its `*` arguments fetched.
#[derive(Clone, Copy)]
pub struct Field {
    pub flags: u8,
    pub width: usize,
    pub prec: Option<usize>,
}

impl Field {
    pub fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }

    /// The sign character for a value: `-`, or `+`/space as the flags ask.
    pub fn sign(&self, negative: bool) -> &'static [u8] {
        if negative {
            b"-"
        } else if self.has(PLUS) {
            b"+"
        } else if self.has(SPACE) {
            b" "
        } else {
            b""
        }
    }

    /// Writes `parts` (sign, prefix, body) right- or left-justified in the
    /// width; with `zero_pad`, zeros between prefix and body instead of
    /// leading spaces.
    pub fn emit(&self, w: &mut Counted, sign: &[u8], prefix: &[u8], zeros: usize, body: &[&[u8]], zero_pad: bool) {
        let len = sign.len() + prefix.len() + zeros + body.iter().map(|b| b.len()).sum::<usize>();
        let pad = self.width.saturating_sub(len);
        let left = self.has(MINUS);
        if !left && !zero_pad {
            w.fill(b' ', pad);
        }
        w.put(sign);
        w.put(prefix);
        w.fill(b'0', zeros + if zero_pad && !left { pad } else { 0 });
        for b in body {
            w.put(b);
        }
        if left {
            w.fill(b' ', pad);
        }
    }
}

/// "00" to "99", for two decimal digits per division.
static PAIRS: &[u8; 200] = b"\
0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// The decimal digits of `v` at the end of `buf`.
pub fn decimal(mut v: u64, buf: &mut [u8; 64]) -> &[u8] {
    let mut i = buf.len();
    while v >= 100 {
        let pair = (v % 100) as usize * 2;
        v /= 100;
        i -= 2;
        (buf[i], buf[i + 1]) = (PAIRS[pair], PAIRS[pair + 1]);
    }
    if v >= 10 {
        let pair = v as usize * 2;
        i -= 2;
        (buf[i], buf[i + 1]) = (PAIRS[pair], PAIRS[pair + 1]);
    } else {
        i -= 1;
        buf[i] = b'0' + v as u8;
    }
    &buf[i..]
}

/// The digits of `v` in base 2, 8 or 16 at the end of `buf`.
fn power_of_two(mut v: u64, shift: u32, upper: bool, buf: &mut [u8; 64]) -> &[u8] {
    let digits: &[u8; 16] = if upper { b"0123456789ABCDEF" } else { b"0123456789abcdef" };
    let mask = (1u64 << shift) - 1;
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = digits[(v & mask) as usize];
        v >>= shift;
        if v == 0 {
            break;
        }
    }
    &buf[i..]
}

/// An integer conversion of magnitude `v` (`negative` for `%d`'s sign).
pub fn integer(w: &mut Counted, f: &Field, conv: u8, v: u64, negative: bool) {
    let mut buf = [0u8; 64];
    let digits: &[u8] = match (conv, f.prec) {
        // Precision 0 and value 0: no digits at all.
        (_, Some(0)) if v == 0 => &[],
        (b'd' | b'u', _) => decimal(v, &mut buf),
        (b'o', _) => power_of_two(v, 3, false, &mut buf),
        (b'b' | b'B', _) => power_of_two(v, 1, false, &mut buf),
        _ => power_of_two(v, 4, conv == b'X', &mut buf),
    };
    let sign = if conv == b'd' { f.sign(negative) } else { b"" };
    let prefix: &[u8] = match conv {
        _ if !f.has(ALT) || v == 0 => b"",
        b'x' => b"0x",
        b'X' => b"0X",
        b'b' => b"0b",
        b'B' => b"0B",
        _ => b"",
    };
    let mut zeros = f.prec.unwrap_or(0).saturating_sub(digits.len());
    // `%#o`: the first digit is a 0.
    if conv == b'o' && f.has(ALT) && zeros == 0 && digits.first() != Some(&b'0') {
        zeros = 1;
    }
    f.emit(w, sign, prefix, zeros, &[digits], f.has(ZERO) && f.prec.is_none());
}

/// `%p`: `(nil)` for NULL, else as `%#lx` (with the sign flags, as glibc).
pub fn pointer(w: &mut Counted, f: &Field, v: u64) {
    if v == 0 {
        return string(w, &Field { prec: None, ..*f }, b"(nil)");
    }
    let mut buf = [0u8; 64];
    let digits = power_of_two(v, 4, false, &mut buf);
    let zeros = f.prec.unwrap_or(0).saturating_sub(digits.len());
    f.emit(w, f.sign(false), b"0x", zeros, &[digits], f.has(ZERO) && f.prec.is_none());
}

/// `%s` and `%c`: the bytes, padded with spaces to the width.
pub fn string(w: &mut Counted, f: &Field, s: &[u8]) {
    if f.width <= s.len() {
        return w.put(s);
    }
    f.emit(w, b"", b"", 0, &[s], false);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_digits() {
        let mut b = [0; 64];
        for v in [0u64, 7, 10, 99, 100, 12345, u64::MAX] {
            assert_eq!(decimal(v, &mut b), v.to_string().as_bytes());
        }
    }
}
