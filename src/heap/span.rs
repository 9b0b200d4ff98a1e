//! Spans: 64 KiB blocks of the list, each cut into the slots of one small
//! class. A span hands out slots it never used before in address order
//! (so untouched memory stays untouched) and slots given back from its own
//! free list; it counts the slots it has out, so that an empty span can go
//! back to the list, where it coalesces with its neighbours.
//!
//! ```text
//! span (4096-aligned)        slot 0                    slot 1
//! | Span, 72 bytes ... |header|payload (16-aligned) ...|header|payload ...
//! ```

use core::ptr;

use super::block::{self, FREE, SPAN_ALIGN};
use super::classes::{slot_size, HEADER};

/// Bytes of every span.
pub const SPAN_BYTES: usize = 64 * 1024;

/// Where slot 0's header sits: after the span's own fields, 8 bytes before a
/// 16-byte boundary, so that every payload is 16-aligned.
const FIRST_SLOT: usize = 72;

/// A span's bookkeeping, at its start.
#[repr(C)]
pub struct Span {
    /// Payloads of slots given back, linked through their first word.
    free: *mut u8,
    /// The next never-used slot's header address, and the end of the slots.
    fresh: usize,
    end: usize,
    /// Slots out: with the program or in a thread cache.
    pub used: usize,
    /// The class's list of spans with a slot to give (see `Central`).
    pub next: *mut Span,
    pub prev: *mut Span,
    /// The header every slot of this span carries (without `FREE`).
    header: usize,
    pub class: u8,
    /// Whether the span is on its class's list.
    pub listed: bool,
}

const _: () = assert!(core::mem::size_of::<Span>() <= FIRST_SLOT);
const _: () = assert!((FIRST_SLOT + HEADER).is_multiple_of(16));

impl Span {
    /// Sets up a span of `class` in the `SPAN_BYTES` at `at`.
    ///
    /// # Safety
    /// `at` must be `SPAN_ALIGN`-aligned and own `SPAN_BYTES` writable bytes.
    pub unsafe fn init(at: *mut u8, class: usize) -> *mut Span {
        let span = at.cast::<Span>();
        let start = at as usize;
        let slot = slot_size(class);
        let slots = (SPAN_BYTES - FIRST_SLOT) / slot;
        debug_assert!(start.is_multiple_of(SPAN_ALIGN) && slots > 0);
        // SAFETY: per the caller, the memory is ours and aligned for Span.
        unsafe {
            span.write(Span {
                free: ptr::null_mut(),
                fresh: start + FIRST_SLOT,
                end: start + FIRST_SLOT + slots * slot,
                used: 0,
                next: ptr::null_mut(),
                prev: ptr::null_mut(),
                header: block::small_header(start, class),
                class: class as u8,
                listed: false,
            })
        };
        span
    }

    /// Whether the span has no slot to give.
    #[inline]
    pub fn is_exhausted(&self) -> bool {
        self.free.is_null() && self.fresh + slot_size(self.class as usize) > self.end
    }

    /// A slot's payload, its header marked `FREE` (as for every block
    /// waiting in a cache), or `None` when exhausted.
    ///
    /// # Safety
    /// The span must have been set up by [`Span::init`].
    #[inline]
    pub unsafe fn take(&mut self) -> Option<*mut u8> {
        let p = if !self.free.is_null() {
            let p = self.free;
            // SAFETY: free slots hold the next free payload in their first word.
            self.free = unsafe { p.cast::<*mut u8>().read() };
            p
        } else {
            let slot = slot_size(self.class as usize);
            if self.fresh + slot > self.end {
                return None;
            }
            let h = self.fresh as *mut usize;
            self.fresh += slot;
            // SAFETY: the slot lies inside the span, unused until now.
            unsafe {
                h.write(self.header | FREE);
                h.cast::<u8>().add(HEADER)
            }
        };
        self.used += 1;
        Some(p)
    }

    /// Takes back the slot at payload `p`, whose header is marked `FREE`.
    ///
    /// # Safety
    /// `p` must be a slot of this span that is out and no longer used.
    #[inline]
    pub unsafe fn give(&mut self, p: *mut u8) {
        // SAFETY: the slot is free, so its payload is ours to link through.
        unsafe { p.cast::<*mut u8>().write(self.free) };
        self.free = p;
        self.used -= 1;
    }

    /// Whether `h` is the header of a slot of this span: a check that
    /// catches most pointers that are not this heap's before they do damage.
    #[inline]
    pub fn owns_header(&self, h: usize) -> bool {
        h & !FREE == self.header
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::heap::classes::SPAN_CLASS_COUNT;

    #[repr(C, align(4096))]
    struct Area([u8; SPAN_BYTES]);

    #[test]
    fn slots_are_aligned_distinct_inside_and_come_back() {
        let mut area = Box::new(Area([0; SPAN_BYTES]));
        for class in 0..SPAN_CLASS_COUNT {
            let base = area.0.as_mut_ptr();
            // SAFETY: the area is aligned and large enough.
            let span = unsafe { &mut *Span::init(base, class) };
            let slot = slot_size(class);
            let mut got = vec![];
            // SAFETY: the span was just set up.
            while let Some(p) = unsafe { span.take() } {
                let a = p as usize;
                assert_eq!(a % 16, 0);
                assert!(a >= base as usize + FIRST_SLOT + HEADER && a + slot - HEADER <= base as usize + SPAN_BYTES);
                // SAFETY: p is a payload of the span.
                let h = unsafe { *block::header(p) };
                assert!(span.owns_header(h) && h & FREE != 0);
                assert_eq!(block::class_of_small(h), class);
                assert_eq!(block::span_of(h), base as usize);
                got.push(p);
            }
            assert!(span.is_exhausted());
            assert_eq!(span.used, got.len());
            assert_eq!(got.len(), (SPAN_BYTES - FIRST_SLOT) / slot);
            assert!(got.windows(2).all(|w| w[1] as usize - w[0] as usize == slot));
            for &p in got.iter().rev() {
                // SAFETY: each slot is out once.
                unsafe { span.give(p) };
            }
            assert_eq!(span.used, 0);
            // SAFETY: the span is set up.
            let again: Vec<_> = core::iter::from_fn(|| unsafe { span.take() }).collect();
            assert_eq!(again, got);
        }
    }
}
