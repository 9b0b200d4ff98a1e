//! The memory functions compiled code calls even without a C library: LLVM
//! and gcc emit calls to memcpy, memmove, memset, memcmp and bcmp for
//! copies, initialisers and comparisons, and C code calls strlen. The host
//! targets' compiler_builtins does not provide them, so crt0 does. On the
//! freestanding targets compiler_builtins, built with its `mem` feature,
//! does, and crt0 exports none of them.
//!
//! Copies and fills use the arch module's string instructions; the
//! comparisons are written word-at-a-time so the optimiser cannot turn the
//! loops back into calls to the functions being defined.

use crate::arch;

/// Copies `n` bytes (non-overlapping).
///
/// # Safety
/// Both ranges valid for `n` bytes and disjoint.
#[inline]
pub unsafe fn copy(dst: *mut u8, src: *const u8, n: usize) {
    // SAFETY: per the caller.
    unsafe { arch::copy_forward(dst, src, n) }
}

/// Copies `n` bytes (non-overlapping) with the architecture's memcpy
/// inlined: for the printf engine's and the streams' short pieces, a few
/// moves instead of a call (on x86_64; aarch64's is its copy loop).
///
/// # Safety
/// Both ranges valid for `n` bytes and disjoint.
#[inline(always)]
#[cfg_attr(test, allow(dead_code))] // the streams, which unit tests leave out
pub(crate) unsafe fn copy_inline(dst: *mut u8, src: *const u8, n: usize) {
    // SAFETY: per the caller.
    unsafe { arch::memcpy(dst, src, n) };
}

#[cfg(any(test, not(target_os = "none")))]
const W: usize = core::mem::size_of::<usize>();

/// Index of the first differing byte of `a` and `b` within `n`, or `n`.
///
/// # Safety
/// Both valid for `n` bytes.
#[cfg(any(test, not(target_os = "none")))]
unsafe fn first_difference(a: *const u8, b: *const u8, n: usize) -> usize {
    let mut i = 0;
    // SAFETY: every read is below n; unaligned word reads are fine here.
    unsafe {
        while i + W <= n && (a.add(i) as *const usize).read_unaligned() == (b.add(i) as *const usize).read_unaligned() {
            i += W;
        }
        while i < n && *a.add(i) == *b.add(i) {
            i += 1;
        }
    }
    i
}

#[cfg(not(any(test, target_os = "none")))]
mod exported {
    use super::*;

    /// # Safety
    /// As C's memcpy.
    #[no_mangle]
    pub unsafe extern "C" fn memcpy(dst: *mut u8, src: *const u8, n: usize) -> *mut u8 {
        // SAFETY: per C's contract.
        unsafe { arch::memcpy(dst, src, n) }
    }

    /// # Safety
    /// As C's memmove.
    #[no_mangle]
    pub unsafe extern "C" fn memmove(dst: *mut u8, src: *const u8, n: usize) -> *mut u8 {
        // A forward copy is safe unless dst starts inside [src, src + n).
        // SAFETY: per C's contract.
        unsafe {
            if (dst as usize).wrapping_sub(src as usize) >= n {
                arch::copy_forward(dst, src, n);
            } else {
                arch::copy_backward(dst, src, n);
            }
        }
        dst
    }

    /// # Safety
    /// As C's memset.
    #[no_mangle]
    pub unsafe extern "C" fn memset(dst: *mut u8, c: i32, n: usize) -> *mut u8 {
        // SAFETY: per C's contract.
        unsafe { arch::fill(dst, c as u8, n) };
        dst
    }

    /// # Safety
    /// As C's memcmp.
    #[no_mangle]
    pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
        // SAFETY: per C's contract.
        unsafe {
            let i = first_difference(a, b, n);
            if i == n { 0 } else { i32::from(*a.add(i)) - i32::from(*b.add(i)) }
        }
    }

    /// # Safety
    /// As memcmp; only zero versus non-zero is meaningful.
    #[no_mangle]
    pub unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
        // SAFETY: per C's contract.
        unsafe { (first_difference(a, b, n) != n) as i32 }
    }

    /// # Safety
    /// `s` must be NUL-terminated.
    #[no_mangle]
    pub unsafe extern "C" fn strlen(s: *const u8) -> usize {
        // SAFETY: per C's contract.
        unsafe { arch::strlen(s) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_differences() {
        let a = *b"0123456789abcdefXYZ";
        for n in 0..a.len() {
            for d in 0..n {
                let mut b = a;
                b[d] ^= 1;
                // SAFETY: both arrays are longer than n.
                assert_eq!(unsafe { first_difference(a.as_ptr(), b.as_ptr(), n) }, d);
            }
            // SAFETY: as above.
            assert_eq!(unsafe { first_difference(a.as_ptr(), a.as_ptr(), n) }, n);
        }
    }
}
