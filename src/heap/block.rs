//! What sits before every payload. Payloads are 16-aligned; the word right
//! before one (its header) says where the block came from, so `free` needs
//! no size and no search:
//!
//! - small (a slot of a span): `span address | class << 4`; spans are
//!   4096-aligned, so the low 12 bits are free for the class and the flags;
//! - medium (a block of the list): `block bytes | MEDIUM`, and the word
//!   before the header (the prefix) holds the class, or with `ALIGNED` the
//!   block's start (the payload is not 16 bytes in);
//! - large (a mapping of its own): `mapping length | LARGE`, and the prefix
//!   holds the mapping's start.
//!
//! `FREE` is set while the block is free (in a thread cache or a span's
//! free list): freeing it again is caught instead of corrupting a list.

use super::classes::HEADER;

pub const KIND_MASK: usize = 0b11;
pub const SMALL: usize = 0;
pub const MEDIUM: usize = 1;
pub const LARGE: usize = 2;
/// The block is free.
pub const FREE: usize = 0b100;
/// A medium or large block placed for an alignment above 16, or with an
/// exact (unclassed) size: never kept in a cache, since it fits no class.
pub const ALIGNED: usize = 0b1000;
/// The bits below the span address, the block size or the mapping length.
pub const LOW_BITS: usize = 0xfff;
/// Spans are aligned to this, so a small header holds both the span and the class.
pub const SPAN_ALIGN: usize = 4096;

/// The header word of the block whose payload is `p`.
///
/// # Safety
/// `p` must be a payload this heap handed out (or one being set up).
#[inline(always)]
pub unsafe fn header(p: *mut u8) -> *mut usize {
    // SAFETY: every payload has its header word right before it.
    unsafe { p.sub(HEADER).cast() }
}

/// The prefix word, before the header, of a medium or large block.
///
/// # Safety
/// `p` must be the payload of a medium or large block.
#[inline(always)]
pub unsafe fn prefix(p: *mut u8) -> *mut usize {
    // SAFETY: medium and large payloads start at least 16 bytes into their block.
    unsafe { p.sub(2 * HEADER).cast() }
}

/// The header of a slot of class `class` in the span at `span`.
#[inline(always)]
pub const fn small_header(span: usize, class: usize) -> usize {
    span | class << 4 | SMALL
}

/// The span a small header points to.
#[inline(always)]
pub const fn span_of(h: usize) -> usize {
    h & !LOW_BITS
}

/// The class a small header names.
#[inline(always)]
pub const fn class_of_small(h: usize) -> usize {
    (h & LOW_BITS) >> 4
}

/// The size part of a medium or large header (a multiple of 16).
#[inline(always)]
pub const fn size_of_block(h: usize) -> usize {
    h & !0xf
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::heap::classes::CLASS_COUNT;

    #[test]
    fn small_headers_keep_span_class_and_flags_apart() {
        for class in 0..CLASS_COUNT {
            let h = small_header(0x7f12_3456_7000, class);
            assert_eq!(h & KIND_MASK, SMALL);
            assert_eq!(span_of(h | FREE), 0x7f12_3456_7000);
            assert_eq!(class_of_small(h | FREE), class);
            assert_eq!(h & FREE, 0);
        }
    }

    #[test]
    fn sizes_keep_clear_of_the_flags() {
        let h = ((1 << 20) + 48) | MEDIUM | ALIGNED | FREE;
        assert_eq!(size_of_block(h), (1 << 20) + 48);
        assert_eq!(h & KIND_MASK, MEDIUM);
    }
}
