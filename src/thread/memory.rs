//! A thread's memory: one anonymous mapping per thread, from low to high
//!
//! ```text
//! [guard page | stack ............ | TLS allocation | control block | payload]
//!  PROT_NONE    grows down from here ^  (tls::Layout)   (Thread)       (closure, result)
//! ```
//!
//! The guard page turns a stack overflow into SIGSEGV instead of a write
//! into another thread's memory. The stack is exactly the size asked for
//! (rounded up to pages): TLS and the rest come on top, unlike glibc, which
//! takes its TLS out of the stack size. The TLS allocation has the main
//! thread's layout, placed at its alignment.

use core::alloc::Layout;

use crate::tls;

/// Used when nothing says otherwise: Rust's std default. Pages are mapped
/// only when touched, so a thread that uses little costs little.
pub const DEFAULT_STACK_SIZE: usize = 2 << 20;
/// The smallest stack accepted (glibc's PTHREAD_STACK_MIN on x86_64).
pub const MIN_STACK_SIZE: usize = 16 << 10;

const fn round_up(x: usize, a: usize) -> usize {
    (x + a - 1) & !(a - 1)
}

/// Where each part of one thread's mapping goes, as addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placement {
    /// Bytes to map, a multiple of the page size.
    pub len: usize,
    /// The stack's top (its highest address + 1), 16-aligned.
    pub stack_top: usize,
    /// The TLS allocation, the control block and the payload.
    pub tls: usize,
    pub thread: usize,
    pub payload: usize,
}

impl Placement {
    /// Bytes to map for a stack of `stack` bytes: enough to place every part
    /// at its alignment wherever the kernel puts the mapping (page-aligned).
    /// `None` when the sizes overflow.
    pub fn len(stack: usize, page: usize, tls: &tls::Layout, thread: Layout, payload: Layout) -> Option<usize> {
        let stack = stack.checked_add(page - 1)? & !(page - 1);
        let slack = tls.align.saturating_sub(page) + thread.align() + payload.align();
        let above = slack.checked_add(tls.size)?.checked_add(thread.size())?.checked_add(payload.size())?;
        page.checked_add(stack)?.checked_add(above.checked_add(page - 1)? & !(page - 1))
    }

    /// Places the parts in a mapping of `len` bytes (from [`Placement::len`]) at `base`.
    pub fn new(base: usize, len: usize, stack: usize, page: usize, tls: &tls::Layout, thread: Layout, payload: Layout) -> Placement {
        let stack_top = base + page + round_up(stack, page);
        let tls_at = round_up(stack_top, tls.align);
        let thread_at = round_up(tls_at + tls.size, thread.align());
        let payload_at = round_up(thread_at + thread.size(), payload.align());
        debug_assert!(payload_at + payload.size() <= base + len);
        Placement { len, stack_top, tls: tls_at, thread: thread_at, payload: payload_at }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tls::{Shape, Variant};

    fn tls(variant: Variant, size: usize, align: usize) -> tls::Layout {
        let shape = Shape { variant, tls_size: size, tls_align: align, tcb_size: 64, tcb_align: 64, tcb_offset: 0, rseq_size: 32, rseq_align: 32 };
        tls::Layout::new(shape).unwrap()
    }

    #[test]
    fn parts_fit_at_their_alignments_anywhere() {
        let thread = Layout::from_size_align(120, 8).unwrap();
        for page in [4096, 65536] {
            for (size, align) in [(0, 1), (100, 64), (8, 4096), (1 << 20, 65536), (70000, 1 << 20)] {
                for variant in [Variant::I, Variant::II] {
                    let t = tls(variant, size, align);
                    for payload in [Layout::new::<()>(), Layout::from_size_align(24, 8).unwrap(), Layout::from_size_align(64, 4096).unwrap()] {
                        for stack in [MIN_STACK_SIZE, MIN_STACK_SIZE + 1, DEFAULT_STACK_SIZE] {
                            let len = Placement::len(stack, page, &t, thread, payload).unwrap();
                            assert_eq!(len % page, 0);
                            // Any page-aligned base: here a few around 1 TiB.
                            for base in [1usize << 40, (1 << 40) + page, (1 << 40) + 3 * page] {
                                let p = Placement::new(base, len, stack, page, &t, thread, payload);
                                assert!(p.stack_top - base - page >= stack, "the whole stack, above the guard");
                                assert_eq!(p.stack_top % 16, 0);
                                assert!(p.tls >= p.stack_top && p.tls.is_multiple_of(t.align));
                                assert!(p.thread >= p.tls + t.size && p.thread.is_multiple_of(8));
                                assert!(p.payload >= p.thread + 120 && p.payload.is_multiple_of(payload.align()));
                                assert!(p.payload + payload.size() <= base + len);
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn overflowing_sizes_are_refused() {
        let t = tls(Variant::II, 64, 64);
        let one = Layout::new::<u8>();
        assert!(Placement::len(usize::MAX - 100, 4096, &t, one, one).is_none());
        assert!(Placement::len(usize::MAX / 2, 4096, &t, one, Layout::from_size_align(usize::MAX / 2, 1).unwrap()).is_none());
    }
}
