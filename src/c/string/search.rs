//! Searching: `strchr strrchr strchrnul memchr memrchr rawmemchr strstr
//! strcasestr memmem strspn strcspn strpbrk index rindex`.

use core::ffi::{c_char, c_int, c_void};

use crate::cstr::{self, has_zero, splat};

const W: usize = core::mem::size_of::<usize>();

/// Index of the first `c` in `n` bytes at `s`: bytes up to a word
/// boundary, then aligned words, then the rest.
///
/// # Safety
/// `s` readable for `n` bytes.
pub unsafe fn find_byte(s: *const u8, c: u8, n: usize) -> Option<usize> {
    let mut i = 0;
    let cc = splat(c);
    // SAFETY: per the caller, every read is below n.
    unsafe {
        while i < n && !(s.add(i) as usize).is_multiple_of(W) {
            if *s.add(i) == c {
                return Some(i);
            }
            i += 1;
        }
        while i + W <= n && !has_zero((s.add(i) as *const usize).read() ^ cc) {
            i += W;
        }
        while i < n {
            if *s.add(i) == c {
                return Some(i);
            }
            i += 1;
        }
    }
    None
}

/// `void *memchr(const void *s, int c, size_t n)`.
///
/// # Safety
/// `s` readable for `n` bytes.
#[no_mangle]
pub unsafe extern "C" fn memchr(s: *const c_void, c: c_int, n: usize) -> *mut c_void {
    // SAFETY: per the caller.
    match unsafe { find_byte(s.cast(), c as u8, n) } {
        // SAFETY: i < n.
        Some(i) => unsafe { s.cast::<u8>().add(i) }.cast_mut().cast(),
        None => core::ptr::null_mut(),
    }
}

/// `void *rawmemchr(const void *s, int c)`: `c` is known to be there.
///
/// # Safety
/// `c` occurs at `s`.
#[no_mangle]
pub unsafe extern "C" fn rawmemchr(s: *const c_void, c: c_int) -> *mut c_void {
    // SAFETY: per the caller, the search ends at `c`.
    unsafe { memchr(s, c, usize::MAX - s as usize) }
}

/// `void *memrchr(const void *s, int c, size_t n)`: the last `c`.
///
/// # Safety
/// `s` readable for `n` bytes.
#[no_mangle]
pub unsafe extern "C" fn memrchr(s: *const c_void, c: c_int, n: usize) -> *mut c_void {
    let p = s.cast::<u8>();
    // SAFETY: per the caller.
    unsafe { (0..n).rev().find(|&i| *p.add(i) == c as u8).map_or(core::ptr::null_mut(), |i| p.add(i).cast_mut().cast()) }
}

/// `char *strchrnul(const char *s, int c)`: the first `c`, or the NUL.
///
/// # Safety
/// `s` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn strchrnul(s: *const c_char, c: c_int) -> *mut c_char {
    // SAFETY: per the caller.
    unsafe { s.add(cstr::span_until(s.cast(), c as u8)).cast_mut() }
}

/// `char *strchr(const char *s, int c)`: the first `c` (the NUL for 0).
///
/// # Safety
/// `s` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn strchr(s: *const c_char, c: c_int) -> *mut c_char {
    // SAFETY: per the caller.
    unsafe {
        let p = strchrnul(s, c);
        if *p.cast::<u8>() == c as u8 { p } else { core::ptr::null_mut() }
    }
}

/// `char *index(const char *s, int c)`.
///
/// # Safety
/// As strchr.
#[no_mangle]
pub unsafe extern "C" fn index(s: *const c_char, c: c_int) -> *mut c_char {
    // SAFETY: per the caller.
    unsafe { strchr(s, c) }
}

/// `char *strrchr(const char *s, int c)`: the last `c`.
///
/// # Safety
/// `s` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn strrchr(s: *const c_char, c: c_int) -> *mut c_char {
    // SAFETY: per the caller.
    unsafe {
        let n = cstr::len(s.cast());
        memrchr(s.cast(), c & 0xff, n + 1).cast()
    }
}

/// `char *rindex(const char *s, int c)`.
///
/// # Safety
/// As strrchr.
#[no_mangle]
pub unsafe extern "C" fn rindex(s: *const c_char, c: c_int) -> *mut c_char {
    // SAFETY: per the caller.
    unsafe { strrchr(s, c) }
}

/// The first match of `needle` in `hay` (bytes compared through `eq`).
fn find(hay: &[u8], needle: &[u8], eq: impl Fn(u8, u8) -> bool) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    if needle.len() > hay.len() {
        return None;
    }
    (0..=hay.len() - needle.len()).find(|&i| hay[i..i + needle.len()].iter().zip(needle).all(|(&a, &b)| eq(a, b)))
}

/// `void *memmem(const void *hay, size_t n, const void *needle, size_t m)`.
///
/// # Safety
/// `hay` readable for `n` bytes, `needle` for `m`.
#[no_mangle]
pub unsafe extern "C" fn memmem(hay: *const c_void, n: usize, needle: *const c_void, m: usize) -> *mut c_void {
    // SAFETY: per the caller.
    let (h, nd) = unsafe { (core::slice::from_raw_parts(hay.cast::<u8>(), n), core::slice::from_raw_parts(needle.cast::<u8>(), m)) };
    if m == 0 {
        return hay.cast_mut();
    }
    // Candidates start where the first byte occurs.
    let mut at = 0;
    while at + m <= n {
        // SAFETY: at < n.
        let Some(i) = (unsafe { find_byte(h.as_ptr().add(at), nd[0], n - at - m + 1) }) else { break };
        if h[at + i..at + i + m] == *nd {
            // SAFETY: inside hay.
            return unsafe { hay.cast::<u8>().add(at + i) }.cast_mut().cast();
        }
        at += i + 1;
    }
    core::ptr::null_mut()
}

/// `char *strstr(const char *hay, const char *needle)`.
///
/// # Safety
/// Both NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn strstr(hay: *const c_char, needle: *const c_char) -> *mut c_char {
    // SAFETY: per the caller.
    unsafe { memmem(hay.cast(), cstr::len(hay.cast()), needle.cast(), cstr::len(needle.cast())).cast() }
}

/// `char *strcasestr(const char *hay, const char *needle)`: ASCII case folded.
///
/// # Safety
/// Both NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn strcasestr(hay: *const c_char, needle: *const c_char) -> *mut c_char {
    // SAFETY: per the caller.
    unsafe {
        let h = core::slice::from_raw_parts(hay.cast::<u8>(), cstr::len(hay.cast()));
        let nd = core::slice::from_raw_parts(needle.cast::<u8>(), cstr::len(needle.cast()));
        find(h, nd, |a, b| a.eq_ignore_ascii_case(&b)).map_or(core::ptr::null_mut(), |i| hay.add(i).cast_mut())
    }
}

/// The set of bytes in a NUL-terminated string, as 256 bits (NUL included).
///
/// # Safety
/// `set` NUL-terminated.
unsafe fn byte_set(set: *const c_char) -> [u64; 4] {
    let mut bits = [1u64, 0, 0, 0];
    let mut p = set.cast::<u8>();
    // SAFETY: per the caller.
    unsafe {
        while *p != 0 {
            bits[usize::from(*p >> 6)] |= 1 << (*p & 63);
            p = p.add(1);
        }
    }
    bits
}

fn in_set(bits: &[u64; 4], c: u8) -> bool {
    bits[usize::from(c >> 6)] & (1 << (c & 63)) != 0
}

/// `size_t strspn(const char *s, const char *accept)`.
///
/// # Safety
/// Both NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn strspn(s: *const c_char, accept: *const c_char) -> usize {
    // SAFETY: per the caller.
    unsafe {
        let mut bits = byte_set(accept);
        bits[0] &= !1; // NUL ends the span
        let mut i = 0;
        while in_set(&bits, *s.cast::<u8>().add(i)) {
            i += 1;
        }
        i
    }
}

/// `size_t strcspn(const char *s, const char *reject)`.
///
/// # Safety
/// Both NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn strcspn(s: *const c_char, reject: *const c_char) -> usize {
    // SAFETY: per the caller.
    unsafe {
        let bits = byte_set(reject);
        let mut i = 0;
        while !in_set(&bits, *s.cast::<u8>().add(i)) {
            i += 1;
        }
        i
    }
}

/// `char *strpbrk(const char *s, const char *accept)`.
///
/// # Safety
/// Both NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn strpbrk(s: *const c_char, accept: *const c_char) -> *mut c_char {
    // SAFETY: per the caller.
    unsafe {
        let p = s.add(strcspn(s, accept));
        if *p == 0 { core::ptr::null_mut() } else { p.cast_mut() }
    }
}
