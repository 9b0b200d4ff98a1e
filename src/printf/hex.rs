//! `%a` and `%A`: hexadecimal floating point laid out as glibc does. A
//! double or binary128 shows its implicit bit as the leading digit
//! (`0x1.8p+0`; subnormals `0x0.0000000000001p-1022`); an x87 long double
//! shows the top four bits of its 64-bit significand (`0x8p-3` is 1.0).
//! Rounding to a precision is to nearest, ties to even; a carry out of an
//! x87 leading digit renormalises (`0x1p+4`), elsewhere the digit becomes 2.

use super::float::Pieces;
use super::int::Field;
use super::spec::ALT;
use super::Counted;
use crate::float::{Class, Float, Source};

/// The leading digit, the fraction's hex digits (as one number) and their
/// count, and the binary exponent.
fn parts(x: &Float) -> (u128, u128, usize, i32) {
    if x.class == Class::Zero {
        return (0, 0, 0, 0);
    }
    match x.source {
        Source::Double(_) => {
            let exp = if x.biased == 0 { -1022 } else { x.biased - 1023 };
            (x.m >> 52, x.m & ((1 << 52) - 1), 13, exp)
        }
        Source::Binary128 => {
            let exp = if x.biased == 0 { -16382 } else { x.biased - 16383 };
            (x.m >> 112, x.m & ((1 << 112) - 1), 28, exp)
        }
        Source::X87 => (x.m >> 60, x.m & ((1 << 60) - 1), 15, x.biased.max(1) - 16383 - 3),
    }
}

/// `%a` of the finite `x`.
pub fn hex_float(w: &mut Counted, f: &Field, upper: bool, x: &Float) {
    let (mut lead, mut frac, n, mut exp) = parts(x);
    let digits = match f.prec {
        Some(p) if p < n => {
            let drop = 4 * (n - p) as u32;
            let v = (lead << (4 * n)) | frac;
            let rest = v & ((1u128 << drop) - 1);
            let half = 1u128 << (drop - 1);
            let mut kept = v >> drop;
            if rest > half || (rest == half && kept & 1 == 1) {
                kept += 1;
            }
            lead = kept >> (4 * p);
            frac = kept & ((1u128 << (4 * p)) - 1);
            if x.source == Source::X87 && lead >= 16 {
                lead = 1;
                frac = 0;
                exp += 4;
            }
            p
        }
        // More digits than there are: the rest are zeros.
        Some(p) => p,
        None => {
            let mut k = n;
            while k > 0 && frac & 0xf == 0 {
                frac >>= 4;
                k -= 1;
            }
            k
        }
    };
    let hexdigits: &[u8; 16] = if upper { b"0123456789ABCDEF" } else { b"0123456789abcdef" };
    // The fraction's stored digits (at most 28), then zeros to the precision.
    let stored = digits.min(n);
    let mut text = [0u8; 32];
    let mut v = frac;
    for slot in text[..stored].iter_mut().rev() {
        *slot = hexdigits[(v & 0xf) as usize];
        v >>= 4;
    }
    let lead_text = [hexdigits[lead as usize & 0xf]];
    let mut exp_text = [0u8; 16];
    exp_text[0] = if upper { b'P' } else { b'p' };
    exp_text[1] = if exp < 0 { b'-' } else { b'+' };
    let mut dec = [0u8; 64];
    let e = super::int::decimal(u64::from(exp.unsigned_abs()), &mut dec);
    exp_text[2..2 + e.len()].copy_from_slice(e);
    let mut p = Pieces::new();
    p.bytes(&lead_text);
    if digits > 0 || f.has(ALT) {
        p.bytes(b".");
    }
    p.bytes(&text[..stored]);
    p.zeros(digits - stored);
    p.bytes(&exp_text[..2 + e.len()]);
    p.emit(w, f, f.sign(x.neg), if upper { b"0X" } else { b"0x" }, true);
}
