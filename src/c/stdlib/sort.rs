//! `qsort` and `bsearch`. glibc's qsort (through 2.36) is a top-down merge
//! sort (halves sorted in turn, then merged taking from the left half on
//! ties), so elements that compare equal keep their order and programs
//! come to rely on it: crt0 sorts the same way, so that even a comparator
//! that is not a consistent order (NaN keys, say) sees the same calls and
//! gives the same result. The merge buffer comes from malloc; without
//! memory, an in-place insertion sort (stable too).

use core::ffi::{c_int, c_void};
use core::ptr;

use crate::c::malloc::{alloc, release};

type Compare = unsafe extern "C" fn(*const c_void, *const c_void) -> c_int;

struct Sorter {
    size: usize,
    cmp: Compare,
    /// Room for the whole array.
    tmp: *mut u8,
}

impl Sorter {
    /// # Safety
    /// Both point to elements.
    unsafe fn le(&self, a: *const u8, b: *const u8) -> bool {
        // SAFETY: per the caller.
        unsafe { (self.cmp)(a.cast(), b.cast()) <= 0 }
    }

    /// Sorts `n` elements at `b`.
    ///
    /// # Safety
    /// `b` holds n elements; `tmp` has room for n.
    unsafe fn sort(&self, b: *mut u8, n: usize) {
        if n <= 1 {
            return;
        }
        let s = self.size;
        let (mut n1, mut n2) = (n / 2, n - n / 2);
        // SAFETY: all pointers stay within the n elements of b and tmp.
        unsafe {
            let (mut b1, mut b2) = (b, b.add(n / 2 * s));
            self.sort(b1, n1);
            self.sort(b2, n2);
            let mut t = self.tmp;
            while n1 > 0 && n2 > 0 {
                if self.le(b1, b2) {
                    ptr::copy_nonoverlapping(b1, t, s);
                    b1 = b1.add(s);
                    n1 -= 1;
                } else {
                    ptr::copy_nonoverlapping(b2, t, s);
                    b2 = b2.add(s);
                    n2 -= 1;
                }
                t = t.add(s);
            }
            // What is left of the left half goes after; the right half's
            // rest is in place already.
            ptr::copy_nonoverlapping(b1, t, n1 * s);
            ptr::copy_nonoverlapping(self.tmp, b, (n - n2) * s);
        }
    }

    /// Stable insertion sort in place, with one element's room at `tmp`.
    ///
    /// # Safety
    /// `b` holds n elements; `tmp` one element's room.
    unsafe fn insertion(&self, b: *mut u8, n: usize) {
        let s = self.size;
        // SAFETY: all pointers stay within the n elements.
        unsafe {
            for i in 1..n {
                let x = b.add(i * s);
                let mut j = i;
                while j > 0 && !self.le(b.add((j - 1) * s), x) {
                    j -= 1;
                }
                if j < i {
                    ptr::copy_nonoverlapping(x, self.tmp, s);
                    ptr::copy(b.add(j * s), b.add((j + 1) * s), (i - j) * s);
                    ptr::copy_nonoverlapping(self.tmp, b.add(j * s), s);
                }
            }
        }
    }
}

/// `void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))`.
///
/// # Safety
/// `base` holds `n` elements of `size` bytes; `cmp` compares two of them.
#[no_mangle]
pub unsafe extern "C" fn qsort(base: *mut c_void, n: usize, size: usize, cmp: Compare) {
    if n < 2 || size == 0 {
        return;
    }
    let Some(bytes) = n.checked_mul(size) else { return };
    let base = base.cast::<u8>();
    // SAFETY: per the caller; tmp has the room each sort needs.
    unsafe {
        if let Some(tmp) = alloc(bytes) {
            Sorter { size, cmp, tmp }.sort(base, n);
            release(tmp);
        } else if let Some(tmp) = alloc(size) {
            Sorter { size, cmp, tmp }.insertion(base, n);
            release(tmp);
        }
    }
}

/// `void *bsearch(const void *key, const void *base, size_t n, size_t size, cmp)`.
///
/// # Safety
/// `base` holds `n` sorted elements of `size` bytes.
#[no_mangle]
pub unsafe extern "C" fn bsearch(key: *const c_void, base: *const c_void, n: usize, size: usize, cmp: Compare) -> *mut c_void {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        // SAFETY: mid < n.
        let p = unsafe { base.cast::<u8>().add(mid * size) };
        // SAFETY: per the caller.
        match unsafe { cmp(key, p.cast()) } {
            0 => return p.cast_mut().cast(),
            c if c < 0 => hi = mid,
            _ => lo = mid + 1,
        }
    }
    ptr::null_mut()
}
