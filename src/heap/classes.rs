//! Size classes. A request of `n` bytes needs a slot of `n + 8` bytes (the
//! block's header word sits right before the 16-aligned payload), rounded
//! up to a class: every 16 bytes up to 128, then four classes per doubling
//! (at most 25% rounding, 12% on average), up to 128 KiB. Larger requests
//! have no class: they are mapped on their own (see `large`).
//!
//! The classes up to [`SPAN_SLOT_MAX`] are cut from spans (`span`); the
//! bigger ones are blocks of the list (`list`) rounded to their class, so
//! that a freed one can wait in a thread cache for the next request of the
//! same class. The same "four per doubling" rounding gives large mappings
//! their lengths (`large`), for the same reason.

/// Bytes of the header word before every payload.
pub const HEADER: usize = 8;

/// Classes in all: 8 of 16-byte steps to 128, then 4 per doubling to 128 KiB.
pub const CLASS_COUNT: usize = 8 + 4 * 10;

/// The largest slot of a class.
pub const MAX_SLOT: usize = 128 * 1024;

/// The largest request a class serves.
pub const MAX_CLASS_REQUEST: usize = MAX_SLOT - HEADER;

/// Slots up to this size come from spans; it is the slot of class
/// [`SPAN_CLASS_COUNT`] - 1.
pub const SPAN_SLOT_MAX: usize = 4096;

/// The classes cut from spans are `0..SPAN_CLASS_COUNT`.
pub const SPAN_CLASS_COUNT: usize = class_of_slot(SPAN_SLOT_MAX) + 1;

/// The largest request served from a span: the fast path's limit.
pub const MAX_SPAN_REQUEST: usize = SPAN_SLOT_MAX - HEADER;

/// For `s` above 128: `b` with `s - 1` in `[2^b, 2^(b+1))`, and which
/// quarter of that doubling `s` falls in (0..=3), rounding up.
#[inline(always)]
const fn doubling_and_quarter(s: usize) -> (usize, usize) {
    let b = (usize::BITS - 1 - (s - 1).leading_zeros()) as usize;
    (b, ((s - 1) >> (b - 2)) - 4)
}

/// The smallest class whose slot holds `s` bytes (`16 <= s <= MAX_SLOT`,
/// or any `s <= 16`).
#[inline(always)]
pub const fn class_of_slot(s: usize) -> usize {
    if s <= 128 {
        s.saturating_sub(1) / 16
    } else {
        let (b, quarter) = doubling_and_quarter(s);
        8 + 4 * (b - 7) + quarter
    }
}

/// The class of a request of `n <= MAX_CLASS_REQUEST` bytes.
#[inline(always)]
pub const fn class_of(n: usize) -> usize {
    class_of_slot(n + HEADER)
}

/// The slot size of `class`: a multiple of 16.
#[inline(always)]
pub const fn slot_size(class: usize) -> usize {
    if class < 8 {
        (class + 1) * 16
    } else {
        let k = class - 8;
        let doubling = k / 4;
        (128 << doubling) + (k % 4 + 1) * (32 << doubling)
    }
}

/// `s` rounded up to four steps per doubling (like the classes), for any
/// `s >= 128`; `None` on overflow.
pub const fn round_geometric(s: usize) -> Option<usize> {
    let (b, quarter) = doubling_and_quarter(s);
    let step = 1usize << (b - 2);
    let base = 1usize << b;
    base.checked_add((quarter + 1) * step)
}

/// How many free blocks of `class` a thread cache keeps before it gives
/// half of them back: more of the small ones, about 16-64 KiB per class.
pub const fn cache_limit(class: usize) -> usize {
    let slot = slot_size(class);
    let by_bytes = if class < SPAN_CLASS_COUNT { 32 * 1024 / slot } else { 64 * 1024 / slot };
    if by_bytes > 64 {
        64
    } else if by_bytes < 2 {
        2
    } else {
        by_bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_request_gets_the_smallest_class_that_holds_it() {
        assert_eq!(slot_size(CLASS_COUNT - 1), MAX_SLOT);
        assert_eq!(class_of(MAX_CLASS_REQUEST), CLASS_COUNT - 1);
        for n in 0..=MAX_CLASS_REQUEST {
            let c = class_of(n);
            assert!(slot_size(c) >= n + HEADER, "n={n} class={c}");
            assert!(c == 0 || slot_size(c - 1) < n + HEADER, "n={n} class={c}: a smaller one fits");
        }
    }

    #[test]
    fn slots_are_16_aligned_increasing_and_at_most_25_percent_apart() {
        for c in 1..CLASS_COUNT {
            let (a, b) = (slot_size(c - 1), slot_size(c));
            assert_eq!(b % 16, 0);
            assert!(b > a);
            assert!(b - a <= a / 4 || b <= 128, "class {c}: {a} -> {b}");
            assert_eq!(class_of_slot(b), c);
        }
    }

    #[test]
    fn span_classes_end_at_the_span_slot_limit() {
        assert_eq!(slot_size(SPAN_CLASS_COUNT - 1), SPAN_SLOT_MAX);
        assert_eq!(class_of(MAX_SPAN_REQUEST), SPAN_CLASS_COUNT - 1);
        assert_eq!(class_of(MAX_SPAN_REQUEST + 1), SPAN_CLASS_COUNT);
    }

    #[test]
    fn geometric_rounding_matches_the_classes_and_goes_beyond() {
        for s in 129..=MAX_SLOT {
            assert_eq!(round_geometric(s), Some(slot_size(class_of_slot(s))));
        }
        assert_eq!(round_geometric(1 << 20), Some(1 << 20));
        assert_eq!(round_geometric((1 << 20) + 1), Some((1 << 20) + (1 << 18)));
        assert_eq!(round_geometric(usize::MAX), None);
    }

    #[test]
    fn caches_hold_a_few_blocks_of_every_class() {
        for c in 0..CLASS_COUNT {
            let l = cache_limit(c);
            assert!((2..=64).contains(&l), "class {c}: {l}");
        }
    }
}
