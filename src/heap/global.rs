//! Rust's global allocator, and what happens when it fails.
//!
//! On stable Rust a library cannot install an `#[alloc_error_handler]`.
//! When an allocation fails, `alloc::alloc::handle_alloc_error` ends in
//! alloc's default handler, which panics with "memory allocation of N
//! bytes failed" (a panic that cannot unwind). crt0's panic handler asks
//! [`report_allocation_failure`] first: a panic raised in alloc's
//! `alloc.rs` with exactly that message becomes `crt0: fatal: out of memory
//! allocating N bytes` and exit status 127, like crt0's other fatal errors.
//! Fallible allocations (`try_reserve`, `Box::try_new`) never get there:
//! the allocator itself returns null and changes nothing.

use core::alloc::{GlobalAlloc, Layout};
use core::fmt::{self, Write};

use super::process as heap;

/// crt0's heap as a Rust allocator. It is the `#[global_allocator]` with
/// the Cargo feature `global-allocator` (on by default); without it, a
/// program may still name it in its own `#[global_allocator]`.
pub struct Crt0Heap;

// SAFETY: every block is at least the layout's size and aligned to
// max(16, align); blocks are freed only through this heap.
unsafe impl GlobalAlloc for Crt0Heap {
    /// # Safety
    /// As [`GlobalAlloc`] requires of its callers.
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= 16 {
            heap::malloc(layout.size())
        } else {
            heap::aligned_alloc(layout.align(), layout.size())
        }
    }

    /// # Safety
    /// As [`GlobalAlloc`] requires of its callers.
    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= 16 {
            heap::calloc(layout.size())
        } else {
            let p = heap::aligned_alloc(layout.align(), layout.size());
            if !p.is_null() {
                // SAFETY: the block holds layout.size() bytes.
                unsafe { p.write_bytes(0, layout.size()) };
            }
            p
        }
    }

    /// # Safety
    /// As [`GlobalAlloc`] requires of its callers.
    #[inline]
    unsafe fn dealloc(&self, p: *mut u8, _layout: Layout) {
        // SAFETY: per GlobalAlloc's contract, p came from this allocator.
        unsafe { heap::free(p) }
    }

    /// # Safety
    /// As [`GlobalAlloc`] requires of its callers.
    #[inline]
    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if layout.align() <= 16 {
            // SAFETY: per GlobalAlloc's contract (new_size > 0).
            return unsafe { heap::realloc(p, new_size) };
        }
        // heap::realloc may move a block to memory aligned to 16 only.
        let q = heap::aligned_alloc(layout.align(), new_size);
        if !q.is_null() {
            // SAFETY: both blocks are live and distinct; p is freed once.
            unsafe {
                crate::mem::copy(q, p, layout.size().min(new_size));
                heap::free(p);
            }
        }
        q
    }
}

#[cfg(feature = "global-allocator")]
#[global_allocator]
static GLOBAL: Crt0Heap = Crt0Heap;

/// Prints `crt0: fatal: out of memory allocating N bytes` and exits with
/// status 127. No allocation, no formatting machinery.
#[cold]
pub fn out_of_memory(n: usize) -> ! {
    let mut buf = [0u8; 20];
    let digits = crate::io::decimal(n as u64, &mut buf);
    for part in [b"crt0: fatal: out of memory allocating ", digits, b" bytes\n"] {
        let _ = crate::syscall::write_all(2, part);
    }
    crate::syscall::exit_group(crate::fatal::STATUS)
}

/// Ends the program through [`out_of_memory`] if `info` is alloc's
/// allocation-failure panic; returns otherwise. For panic handlers (crt0's
/// calls it first thing).
pub fn report_allocation_failure(info: &core::panic::PanicInfo) {
    let from_alloc = info.location().is_some_and(|l| l.file().ends_with("alloc/src/alloc.rs"));
    if !from_alloc {
        return;
    }
    let mut text = Capture { buf: [0; 64], len: 0 };
    if write!(text, "{}", info.message()).is_err() {
        return;
    }
    let digits = text.as_bytes().strip_prefix(b"memory allocation of ").and_then(|t| t.strip_suffix(b" bytes failed"));
    if let Some(n) = digits.and_then(parse_decimal) {
        out_of_memory(n)
    }
}

/// A message, if it fits in 64 bytes.
struct Capture {
    buf: [u8; 64],
    len: usize,
}

impl Capture {
    fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }
}

impl Write for Capture {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        self.buf.get_mut(self.len..end).ok_or(fmt::Error)?.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

fn parse_decimal(digits: &[u8]) -> Option<usize> {
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0usize, |n, &d| {
        let d = d.checked_sub(b'0').filter(|&d| d < 10)?;
        n.checked_mul(10)?.checked_add(d as usize)
    })
}
