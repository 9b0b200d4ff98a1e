//! `%f %F %e %E %g %G` (and, through `hex`, `%a %A`): the layout of the
//! digits `float` computes, with sign, point, exponent and padding.

use alloc::vec::Vec;
use core::mem::MaybeUninit;

use super::int::Field;
use super::spec::{ALT, MINUS, ZERO};
use super::{hex, Counted, Out};
use crate::float::{Class, Digits, Float, Mode};

/// Bytes and runs of zeros: a number's text without copying its digits.
#[derive(Clone, Copy)]
pub enum Piece<'a> {
    Bytes(&'a [u8]),
    Zeros(usize),
}

/// Up to eight pieces.
pub struct Pieces<'a> {
    p: [Piece<'a>; 8],
    n: usize,
}

impl<'a> Pieces<'a> {
    pub fn new() -> Self {
        Pieces { p: [Piece::Zeros(0); 8], n: 0 }
    }
    pub fn push(&mut self, piece: Piece<'a>) {
        if let Some(slot) = self.p.get_mut(self.n) {
            *slot = piece;
            self.n += 1;
        }
    }
    pub fn bytes(&mut self, b: &'a [u8]) {
        self.push(Piece::Bytes(b));
    }
    pub fn zeros(&mut self, n: usize) {
        self.push(Piece::Zeros(n));
    }
    fn len(&self) -> usize {
        self.p[..self.n].iter().map(|p| match p {
            Piece::Bytes(b) => b.len(),
            Piece::Zeros(n) => *n,
        }).sum()
    }

    /// Writes sign, prefix and pieces in the field's width: zero padding
    /// (the `0` flag without `-`) goes after the sign and prefix.
    pub fn emit(&self, w: &mut Counted, f: &Field, sign: &[u8], prefix: &[u8], zero_pad: bool) {
        let len = sign.len() + prefix.len() + self.len();
        let pad = f.width.saturating_sub(len);
        let left = f.has(MINUS);
        let zero_pad = zero_pad && f.has(ZERO) && !left;
        if !left && !zero_pad {
            w.fill(b' ', pad);
        }
        w.put(sign);
        w.put(prefix);
        if zero_pad {
            w.fill(b'0', pad);
        }
        for p in &self.p[..self.n] {
            match *p {
                Piece::Bytes(b) => w.put(b),
                Piece::Zeros(n) => w.fill(b'0', n),
            }
        }
        if left {
            w.fill(b' ', pad);
        }
    }
}

/// A floating-point conversion of `x`.
pub fn float(w: &mut Counted, f: &Field, conv: u8, x: &Float) {
    let upper = conv.is_ascii_uppercase();
    let sign = f.sign(x.neg);
    if matches!(x.class, Class::Inf | Class::Nan) {
        let text: &[u8] = match (x.class, upper) {
            (Class::Inf, false) => b"inf",
            (Class::Inf, true) => b"INF",
            (_, false) => b"nan",
            (_, true) => b"NAN",
        };
        let mut p = Pieces::new();
        p.bytes(text);
        return p.emit(w, f, sign, b"", false);
    }
    if matches!(conv, b'a' | b'A') {
        return hex::hex_float(w, f, upper, x);
    }
    let prec = f.prec.unwrap_or(6);
    let mode = match conv {
        b'f' | b'F' => Mode::Fixed(prec),
        b'e' | b'E' => Mode::Sig(prec.saturating_add(1)),
        _ => Mode::Sig(prec.max(1)),
    };
    // Only the room this value needs is zeroed (most need a few dozen
    // bytes of the 800 a double may).
    let mut stack = MaybeUninit::<[u8; 800]>::uninit();
    let mut heap = Vec::new();
    let cap = x.capacity(mode);
    let buf: &mut [u8] = if cap <= 800 {
        // SAFETY: the first `cap` bytes are zeroed before the slice is made.
        unsafe {
            let p = stack.as_mut_ptr().cast::<u8>();
            core::ptr::write_bytes(p, 0, cap);
            core::slice::from_raw_parts_mut(p, cap)
        }
    } else {
        heap.resize(cap, 0);
        &mut heap
    };
    let mut d = Digits { buf, len: 0, exp: 0 };
    x.digits(mode, &mut d);
    let mut exp_buf = [0u8; 8];
    let mut p = Pieces::new();
    match conv {
        b'f' | b'F' => fixed(&mut p, &d, prec, f.has(ALT)),
        b'e' | b'E' => scientific(&mut p, &d, prec, f.has(ALT), upper, &mut exp_buf),
        _ => {
            let p_g = prec.max(1);
            let x_exp = d.exp;
            let alt = f.has(ALT);
            // Digits after the point that are not trailing zeros.
            let shown = |after: usize| if alt { after } else { after.min(usize::try_from(d.len as i64 - 1 - i64::from(d.exp)).unwrap_or(0)) };
            // glibc's quirk: when the value has exactly P integer digits
            // (so %f-style with no fraction digits) and rounding carries
            // into a new digit, it switches to %e-style but keeps the zero
            // fraction digits: `%#.3g` of 999.5 is `1.e+03`. Only `#`
            // shows it (otherwise the zeros are stripped anyway).
            let carried = alt && x_exp as i64 == p_g as i64 && d.len == 1 && x.below_pow10(p_g as u32);
            if carried {
                scientific(&mut p, &d, 0, alt, upper, &mut exp_buf);
            } else if (p_g as i64) > i64::from(x_exp) && x_exp >= -4 {
                let after = (p_g as i64 - 1 - i64::from(x_exp)) as usize;
                fixed(&mut p, &d, shown(after), alt);
            } else {
                let after = (p_g - 1).min(if alt { usize::MAX } else { d.len.saturating_sub(1) });
                scientific(&mut p, &d, after, alt, upper, &mut exp_buf);
            }
        }
    }
    p.emit(w, f, sign, b"", true);
}

/// `ddd.ddd`: the digits of weights `exp..0`, a point (when `prec > 0` or
/// `alt`), then `prec` digits of negative weight.
fn fixed<'a>(p: &mut Pieces<'a>, d: &'a Digits, prec: usize, alt: bool) {
    let exp = i64::from(d.exp);
    if d.len == 0 || exp < 0 {
        p.bytes(b"0");
    } else {
        let int_len = exp as usize + 1;
        let stored = int_len.min(d.len);
        p.bytes(&d.buf[..stored]);
        p.zeros(int_len - stored);
    }
    if prec > 0 || alt {
        p.bytes(b".");
    }
    if prec == 0 {
        return;
    }
    // Fraction: leading zeros (weights -1 down to exp+1), stored digits, zeros.
    let (lead, first) = if d.len == 0 { (prec, d.len) } else if exp < 0 { ((-exp - 1) as usize, 0) } else { (0, exp as usize + 1) };
    let lead = lead.min(prec);
    p.zeros(lead);
    let digits = d.from(first.min(d.len));
    let take = digits.len().min(prec - lead);
    p.bytes(&digits[..take]);
    p.zeros(prec - lead - take);
}

/// `d.ddde+XX`: one digit, a point (when `prec > 0` or `alt`), `prec`
/// more digits, then the exponent with a sign and at least two digits.
fn scientific<'a>(p: &mut Pieces<'a>, d: &'a Digits, prec: usize, alt: bool, upper: bool, exp_buf: &'a mut [u8; 8]) {
    if d.len == 0 {
        p.bytes(b"0");
    } else {
        p.bytes(&d.buf[..1]);
    }
    if prec > 0 || alt {
        p.bytes(b".");
    }
    let rest = d.from(1);
    let take = rest.len().min(prec);
    p.bytes(&rest[..take]);
    p.zeros(prec - take);
    let e = d.exp;
    exp_buf[0] = if upper { b'E' } else { b'e' };
    exp_buf[1] = if e < 0 { b'-' } else { b'+' };
    let mut digits = [0u8; 64];
    let text = super::int::decimal(u64::from(e.unsigned_abs()), &mut digits);
    let mut n = 2;
    if text.len() < 2 {
        exp_buf[n] = b'0';
        n += 1;
    }
    exp_buf[n..n + text.len()].copy_from_slice(text);
    p.bytes(&exp_buf[..n + text.len()]);
}
