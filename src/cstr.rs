//! Scanning NUL-terminated strings a word at a time: `strlen`, `strnlen`,
//! `strchrnul` and the printf engine's search for `%` share these loops.
//! They read whole aligned words (an aligned word never crosses into an
//! unmapped page, so reading past the terminator inside it is harmless).

const W: usize = core::mem::size_of::<usize>();
const LOW: usize = usize::MAX / 255;
const HIGH: usize = LOW << 7;

/// True when some byte of `w` is zero.
#[inline(always)]
pub fn has_zero(w: usize) -> bool {
    zero_marks(w) != 0
}

/// `w` with every byte equal to `b`.
#[inline(always)]
pub fn splat(b: u8) -> usize {
    LOW * usize::from(b)
}

/// The length of the string at `s` (the architecture's fastest scan).
///
/// # Safety
/// `s` must be NUL-terminated.
#[inline]
pub unsafe fn len(s: *const u8) -> usize {
    // SAFETY: per the caller.
    unsafe { crate::arch::strlen(s) }
}

/// The length of the string at `s` with the small portable scan, for
/// start-up code: every program links what start-up calls, and the fast
/// [`len`] brings vector code and feature detection with it.
///
/// # Safety
/// `s` must be NUL-terminated.
#[inline]
pub unsafe fn scan_len(s: *const u8) -> usize {
    // SAFETY: per the caller.
    unsafe { span_until(s, 0) }
}

/// The bytes of the string at `p`, without its NUL (`CStr::from_ptr` would
/// call `strlen`, which a program may define for itself). The small scan:
/// start-up reads the environment with it.
///
/// # Safety
/// `p` is NUL-terminated, and the string outlives `'a` unchanged.
#[inline]
pub unsafe fn bytes<'a>(p: *const core::ffi::c_char) -> &'a [u8] {
    // SAFETY: per the caller.
    unsafe { core::slice::from_raw_parts(p.cast(), scan_len(p.cast())) }
}

/// The string at `p` as a `CStr` (without `CStr::from_ptr`'s call of
/// `strlen`; the small scan, as [`bytes`]).
///
/// # Safety
/// As [`bytes`].
#[inline]
pub unsafe fn c_str<'a>(p: *const core::ffi::c_char) -> &'a core::ffi::CStr {
    // SAFETY: per the caller: the bytes, then the NUL, none inside.
    unsafe { core::ffi::CStr::from_bytes_with_nul_unchecked(core::slice::from_raw_parts(p.cast(), scan_len(p.cast()) + 1)) }
}

/// `strcmp` a word at a time once `a` is aligned: `a`'s words are aligned
/// reads; `b`'s unaligned ones are made only when they stay inside a page.
/// (The portable version; an architecture may have a faster one.)
///
/// # Safety
/// Both NUL-terminated.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
pub unsafe fn compare(mut a: *const u8, mut b: *const u8) -> i32 {
    const PAGE: usize = 4096;
    // SAFETY: reads stay within each string, or within the aligned word
    // of `a` holding its NUL and the page holding `b`'s current word.
    unsafe {
        loop {
            if (a as usize).is_multiple_of(W) && (b as usize) % PAGE <= PAGE - W {
                let wa = (a as *const usize).read();
                let wb = (b as *const usize).read_unaligned();
                if wa == wb && !has_zero(wa) {
                    a = a.add(W);
                    b = b.add(W);
                    continue;
                }
            }
            let (x, y) = (*a, *b);
            if x != y || x == 0 {
                return i32::from(x) - i32::from(y);
            }
            a = a.add(1);
            b = b.add(1);
        }
    }
}

/// The high bit of every zero byte of `w`, in little-endian byte order (a
/// byte above a zero byte may be marked too, so only the lowest mark is
/// exact: the first zero byte).
#[inline(always)]
fn zero_marks(w: usize) -> usize {
    w.wrapping_sub(LOW) & !w & HIGH
}

/// The aligned word holding `p`, in little-endian byte order, with the
/// bytes before `p` set to 0xff (neither NUL nor, once xor'ed, a match).
///
/// # Safety
/// `p`'s byte is readable (so is its aligned word: it never crosses a page).
#[inline(always)]
unsafe fn first_word(p: *const u8) -> (usize, usize) {
    let off = p as usize % W;
    // SAFETY: per the caller.
    let w = usize::from_le(unsafe { ((p as usize - off) as *const usize).read() });
    // The low `off` bytes (those before p) set in `before`.
    let before = (1usize << (off * 8)) - 1;
    (w, before)
}

/// The number of bytes before the first `c` or NUL at `s` (`strchrnul`'s
/// distance). Whole aligned words only, the first with the bytes before `s`
/// masked, and the stop found in the word's bits, not by a byte loop (the
/// optimiser would turn a byte loop looking for NUL into a call to
/// `strlen`, which a program may define for itself).
///
/// # Safety
/// `s` must be NUL-terminated.
#[inline]
pub unsafe fn span_until(s: *const u8, c: u8) -> usize {
    let cc = splat(c);
    // SAFETY: reads stay within aligned words holding bytes of the string
    // (up to its NUL or the `c` that stops the scan).
    unsafe {
        let (w, before) = first_word(s);
        let mut base = s as usize & !(W - 1);
        let mut m = zero_marks(w | before) | zero_marks((w ^ cc) | before);
        while m == 0 {
            base += W;
            let w = usize::from_le((base as *const usize).read());
            m = zero_marks(w) | zero_marks(w ^ cc);
        }
        base + m.trailing_zeros() as usize / 8 - s as usize
    }
}

/// The length of the string at `s`, at most `max` (reading no byte past
/// `s + max`, but for the rest of the aligned word holding the last).
///
/// # Safety
/// `s` must be readable up to its NUL or for `max` bytes.
pub unsafe fn nlen(s: *const u8, max: usize) -> usize {
    if max == 0 {
        return 0;
    }
    // SAFETY: per the caller, each word read holds a byte below s + max
    // that is readable (up to the NUL), and aligned words stay in a page.
    unsafe {
        let (w, before) = first_word(s);
        let mut base = s as usize & !(W - 1);
        let mut m = zero_marks(w | before);
        while m == 0 {
            base += W;
            if base - s as usize >= max {
                return max;
            }
            m = zero_marks(usize::from_le((base as *const usize).read()));
        }
        (base + m.trailing_zeros() as usize / 8 - s as usize).min(max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans() {
        let text = b"hello, world% and more\0padding.........";
        for start in 0..12 {
            // SAFETY: NUL-terminated.
            unsafe {
                let p = text.as_ptr().add(start);
                assert_eq!(len(p), 22 - start);
                assert_eq!(span_until(p, b'%'), 12 - start);
                assert_eq!(span_until(p, b'x'), 22 - start);
                for max in 0..30 {
                    assert_eq!(nlen(p, max), max.min(22 - start));
                }
            }
        }
    }

    #[test]
    fn scans_match_byte_loops() {
        // Bytes that trip word tricks: 0x01 after a NUL, 0x80, 0xff.
        let mut x = 12345u32;
        for _ in 0..2000 {
            let mut buf = [0u8; 72];
            for b in &mut buf[..64] {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                *b = [0, 1, 0x80, 0xff, b'a', b'b'][(x >> 16) as usize % 6];
            }
            for start in 0..16 {
                let tail = &buf[start..];
                let nul = tail.iter().position(|&b| b == 0).unwrap();
                for c in [0u8, 1, 0x80, 0xff, b'a'] {
                    let want = tail.iter().position(|&b| b == 0 || b == c).unwrap();
                    // SAFETY: NUL-terminated (buf ends in zeros).
                    assert_eq!(unsafe { span_until(tail.as_ptr(), c) }, want);
                }
                for max in 0..20 {
                    // SAFETY: as above.
                    assert_eq!(unsafe { nlen(tail.as_ptr(), max) }, nul.min(max));
                }
            }
        }
    }
}
