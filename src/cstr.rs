//! Scanning NUL-terminated strings a word at a time: `strlen`, `strnlen`,
//! `strchrnul` and the printf engine's search for `%` share these loops.
//! Bytes are examined one at a time up to a word boundary, then whole
//! aligned words (an aligned word never crosses into an unmapped page, so
//! reading past the terminator inside it is harmless), then bytes again.

const W: usize = core::mem::size_of::<usize>();
const LOW: usize = usize::MAX / 255;
const HIGH: usize = LOW << 7;

/// True when some byte of `w` is zero.
#[inline(always)]
pub fn has_zero(w: usize) -> bool {
    w.wrapping_sub(LOW) & !w & HIGH != 0
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

/// The number of bytes before the first `c` or NUL at `s` (`strchrnul`'s
/// distance).
///
/// # Safety
/// `s` must be NUL-terminated.
#[inline]
pub unsafe fn span_until(s: *const u8, c: u8) -> usize {
    let mut p = s;
    let cc = splat(c);
    // SAFETY: reads stay within the string or the aligned word holding its
    // terminator (or the `c` that stops the scan).
    unsafe {
        while !(p as usize).is_multiple_of(W) {
            if *p == 0 || *p == c {
                return p as usize - s as usize;
            }
            p = p.add(1);
        }
        loop {
            let w = (p as *const usize).read();
            if has_zero(w) || has_zero(w ^ cc) {
                break;
            }
            p = p.add(W);
        }
        while *p != 0 && *p != c {
            p = p.add(1);
        }
    }
    p as usize - s as usize
}

/// The length of the string at `s`, at most `max` (reading no byte past
/// `s + max`).
///
/// # Safety
/// `s` must be readable up to its NUL or for `max` bytes.
pub unsafe fn nlen(s: *const u8, max: usize) -> usize {
    let mut i = 0;
    // SAFETY: per the caller, bytes before the NUL and below max are readable;
    // whole words are read only while they lie below max.
    unsafe {
        while i < max && !(s.add(i) as usize).is_multiple_of(W) {
            if *s.add(i) == 0 {
                return i;
            }
            i += 1;
        }
        while i + W <= max && !has_zero((s.add(i) as *const usize).read()) {
            i += W;
        }
        while i < max && *s.add(i) != 0 {
            i += 1;
        }
    }
    i
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
}
