//! Where the heap's memory comes from: the program break (brk), which grows
//! one contiguous heap, and anonymous mappings for large blocks and for
//! heap regions when the break cannot grow. A trait, so that the unit
//! tests can run the heap on memory of their own.

/// The kernel's memory calls, as the heap uses them.
pub trait Os {
    /// brk(2): asks for the program break at `addr` and returns the break
    /// afterwards, the unchanged one if refused (`addr` 0 just asks).
    fn brk(&mut self, addr: usize) -> usize;

    /// A fresh, zero-filled, private read-write mapping of `len` bytes.
    fn map(&mut self, len: usize) -> Option<*mut u8>;

    /// Gives back `[p, p + len)`, a mapping or a page-aligned part of one.
    ///
    /// # Safety
    /// Nothing may use that memory afterwards.
    unsafe fn unmap(&mut self, p: *mut u8, len: usize);

    /// Resizes the mapping at `p` from `old` to `new` bytes, moving it if
    /// it must (its pages move with it, nothing is copied).
    ///
    /// # Safety
    /// `[p, p + old)` must be a whole mapping of the heap's that nothing
    /// else refers to.
    unsafe fn remap(&mut self, p: *mut u8, old: usize, new: usize) -> Option<*mut u8>;

    /// The page size.
    fn page_size(&self) -> usize;

    /// Drops the pages of `[p, p + len)` (page-aligned, inside the heap's memory): they stay
    /// mapped and read back as zeros when touched again.
    ///
    /// # Safety
    /// Nothing may rely on the contents of the range afterwards.
    unsafe fn purge(&mut self, p: *mut u8, len: usize);

    /// Memory of the heap's that the allocator takes back to reuse as it likes (a block or
    /// span going back to the list): under valgrind it was the program's, possibly made
    /// NOACCESS by its free, and becomes the allocator's again.
    fn recycle(&mut self, _p: *mut u8, _len: usize) {}
}

/// The kernel.
#[cfg(not(any(test, all(panic = "unwind", not(doc)))))]
pub struct System;

#[cfg(not(any(test, all(panic = "unwind", not(doc)))))]
impl Os for System {
    fn brk(&mut self, addr: usize) -> usize {
        crate::syscall::brk(addr)
    }

    fn map(&mut self, len: usize) -> Option<*mut u8> {
        use crate::syscall::{mmap_anonymous, Prot};
        mmap_anonymous(len, Prot::READ | Prot::WRITE).ok()
    }

    /// # Safety
    /// As [`Os::unmap`].
    unsafe fn unmap(&mut self, p: *mut u8, len: usize) {
        // A failure (never expected for a range the heap mapped) leaves
        // the memory mapped: a leak, not corruption.
        // SAFETY: per the caller.
        let _ = unsafe { crate::syscall::munmap(p, len) };
    }

    /// # Safety
    /// As [`Os::remap`].
    unsafe fn remap(&mut self, p: *mut u8, old: usize, new: usize) -> Option<*mut u8> {
        // SAFETY: per the caller.
        unsafe { crate::syscall::mremap(p, old, new) }.ok()
    }

    fn recycle(&mut self, p: *mut u8, len: usize) {
        super::valgrind::make_undefined(p, len);
    }

    /// # Safety
    /// As [`Os::purge`].
    unsafe fn purge(&mut self, p: *mut u8, len: usize) {
        // A failure only leaves the pages resident.
        // SAFETY: per the caller.
        let _ = unsafe { crate::syscall::madvise_dontneed(p, len) };
    }

    fn page_size(&self) -> usize {
        // Some aarch64 kernels use 16 or 64 KiB pages.
        match crate::auxv::value(crate::auxv::AT_PAGESZ) {
            0 => 4096,
            p => p,
        }
    }
}

/// Rounds `x` up to a multiple of the power of two `a`; `None` on overflow.
#[inline]
pub const fn round_up(x: usize, a: usize) -> Option<usize> {
    match x.checked_add(a - 1) {
        Some(v) => Some(v & !(a - 1)),
        None => None,
    }
}

/// A stand-in for the kernel in unit tests: a break inside a reserved
/// range (which can be made to refuse growth) and real mappings.
#[cfg(test)]
pub mod fake {
    use super::Os;

    pub struct FakeOs {
        pub base: usize,
        pub limit: usize,
        pub brk: usize,
        /// Mappings currently alive, and how many calls of each kind.
        pub mapped: Vec<(usize, usize)>,
        pub maps: usize,
        pub unmaps: usize,
        pub remaps: usize,
        /// Bytes given back with `purge`.
        pub purged: usize,
    }

    impl FakeOs {
        /// A break that can grow by `brk_room` bytes (0: brk always fails).
        pub fn new(brk_room: usize) -> FakeOs {
            let base = if brk_room == 0 {
                0
            } else {
                // SAFETY: a fresh anonymous reservation.
                let p = unsafe {
                    libc::mmap(
                        core::ptr::null_mut(),
                        brk_room,
                        libc::PROT_READ | libc::PROT_WRITE,
                        libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                        -1,
                        0,
                    )
                };
                assert_ne!(p, libc::MAP_FAILED);
                p as usize + 123 // an unaligned start, as the kernel's may be
            };
            FakeOs { base, limit: base + brk_room.saturating_sub(4096), brk: base, mapped: vec![], maps: 0, unmaps: 0, remaps: 0, purged: 0 }
        }

        pub fn mapped_bytes(&self) -> usize {
            self.mapped.iter().map(|m| m.1).sum()
        }
    }

    impl Os for FakeOs {
        fn brk(&mut self, addr: usize) -> usize {
            if addr >= self.base && addr <= self.limit && self.base != 0 {
                self.brk = addr;
            }
            self.brk
        }

        fn map(&mut self, len: usize) -> Option<*mut u8> {
            // SAFETY: a fresh anonymous mapping.
            let p = unsafe {
                libc::mmap(
                    core::ptr::null_mut(),
                    len,
                    libc::PROT_READ | libc::PROT_WRITE,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                    -1,
                    0,
                )
            };
            if p == libc::MAP_FAILED {
                return None;
            }
            self.maps += 1;
            self.mapped.push((p as usize, len));
            Some(p.cast())
        }

        /// # Safety
        /// As [`Os::unmap`].
        unsafe fn unmap(&mut self, p: *mut u8, len: usize) {
            self.unmaps += 1;
            let a = p as usize;
            // Whole mappings, or the front or back of one.
            let i = self.mapped.iter().position(|&(s, l)| a >= s && a + len <= s + l).expect("unmapping what was never mapped");
            let (s, l) = self.mapped.remove(i);
            if a > s {
                self.mapped.push((s, a - s));
            }
            if a + len < s + l {
                self.mapped.push((a + len, s + l - a - len));
            }
            // SAFETY: per the caller.
            assert_eq!(unsafe { libc::munmap(p.cast(), len) }, 0);
        }

        /// # Safety
        /// As [`Os::remap`].
        unsafe fn remap(&mut self, p: *mut u8, old: usize, new: usize) -> Option<*mut u8> {
            self.remaps += 1;
            // SAFETY: per the caller.
            let q = unsafe { libc::mremap(p.cast(), old, new, libc::MREMAP_MAYMOVE) };
            if q == libc::MAP_FAILED {
                return None;
            }
            let i = self.mapped.iter().position(|&(s, l)| s == p as usize && l == old).expect("remapping what was never mapped");
            self.mapped[i] = (q as usize, new);
            Some(q.cast())
        }

        fn page_size(&self) -> usize {
            4096
        }

        /// # Safety
        /// As [`Os::purge`].
        unsafe fn purge(&mut self, p: *mut u8, len: usize) {
            assert!(p as usize % 4096 == 0 && len % 4096 == 0);
            self.purged += len;
            // SAFETY: per the caller.
            assert_eq!(unsafe { libc::madvise(p.cast(), len, libc::MADV_DONTNEED) }, 0);
        }
    }

    impl Drop for FakeOs {
        fn drop(&mut self) {
            for &(s, l) in &self.mapped {
                // SAFETY: the test's heap is gone with its FakeOs.
                unsafe { libc::munmap(s as *mut _, l) };
            }
            if self.base != 0 {
                // SAFETY: as above.
                unsafe { libc::munmap((self.base - 123) as *mut _, self.limit + 4096 - self.base) };
            }
        }
    }
}
