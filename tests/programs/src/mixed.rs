//! The `mixed` heap workload (xtask/programs/heap/mixed.c) written in Rust on the global
//! allocator: the same random operations, sizes and patterns, so it prints the same result
//! line as the C program. Built on crt0 (`heap_mixed`) and, by `cargo xtask heap`, under
//! std on glibc's malloc: the Rust twin of the C benchmark.

use alloc::alloc::{alloc, alloc_zeroed, dealloc, realloc, Layout};
use core::fmt;

const SLOTS: usize = 4096;
/// malloc's alignment on both C libraries' 64-bit targets.
const ALIGN: usize = 16;

/// xorshift64*, seeded as bench.h's `rng_seeded`.
struct Rng(u64);

impl Rng {
    fn seeded(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15).wrapping_add(0x2545_f491_4f6c_dd1d).max(1))
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn within(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }
    fn size(&mut self) -> usize {
        match self.next() % 1000 {
            0..700 => self.within(1, 64),
            700..950 => self.within(65, 4064),
            950..995 => self.within(4096, 65536),
            _ => self.within(128 << 10, 1100 << 10),
        }
    }
}

fn pattern_byte(key: u64, i: usize) -> u8 {
    (key >> (8 * (i % 7))) as u8 ^ i as u8 ^ (i >> 9) as u8
}

/// The pattern's positions in a block of `n` bytes: every 61st byte and the last.
fn positions(n: usize) -> impl Iterator<Item = usize> {
    (0..n).step_by(61).chain(core::iter::once(n - 1))
}

/// # Safety
/// `p` must hold `n` writable bytes.
unsafe fn stamp(p: *mut u8, n: usize, key: u64) {
    // SAFETY: per the caller, every position is inside the block.
    positions(n).for_each(|i| unsafe { *p.add(i) = pattern_byte(key, i) });
}

/// Whether the first `kept` bytes of a block stamped for `n` bytes hold the pattern.
///
/// # Safety
/// `p` must hold `min(n, kept)` readable bytes.
unsafe fn holds(p: *const u8, n: usize, kept: usize, key: u64) -> bool {
    // SAFETY: per the caller.
    positions(n).filter(|&i| i < kept).all(|i| unsafe { *p.add(i) } == pattern_byte(key, i))
}

#[derive(Clone, Copy)]
struct Slot {
    p: *mut u8,
    n: usize,
    key: u64,
}

/// What a run did: the C program's result line.
pub struct Report {
    ops: u64,
    counts: [u64; 4],
    bytes: u64,
    pub failures: u64,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let [allocs, frees, reallocs, replaced] = self.counts;
        writeln!(
            f,
            "mixed ops={} allocs={allocs} frees={frees} reallocs={reallocs} replaced={replaced} bytes={} failures={}",
            self.ops, self.bytes, self.failures
        )
    }
}

struct State {
    rng: Rng,
    slots: [Slot; SLOTS],
    next_key: u64,
    report: Report,
}

impl State {
    fn fill(&mut self, i: usize, zeroed: bool) {
        let n = self.rng.size();
        let layout = Layout::from_size_align(n, ALIGN).expect("a valid layout");
        // SAFETY: n > 0.
        let p = unsafe { if zeroed { alloc_zeroed(layout) } else { alloc(layout) } };
        assert!(!p.is_null(), "out of memory");
        // SAFETY: p holds n bytes; calloc's zeroes are checked at the pattern's positions.
        unsafe {
            if zeroed && positions(n).any(|j| *p.add(j) != 0) {
                self.fail();
            }
            stamp(p, n, self.next_key);
        }
        self.slots[i] = Slot { p, n, key: self.next_key };
        self.next_key += 1;
        self.report.bytes += n as u64;
    }

    fn empty(&mut self, i: usize) {
        let s = self.slots[i];
        // SAFETY: a live block of s.n bytes, freed once with its layout.
        unsafe {
            if !holds(s.p, s.n, s.n, s.key) {
                self.fail();
            }
            dealloc(s.p, Layout::from_size_align_unchecked(s.n, ALIGN));
        }
        self.slots[i].p = core::ptr::null_mut();
    }

    fn resize(&mut self, i: usize) {
        let s = self.slots[i];
        let n = self.rng.size();
        // SAFETY: a live block of s.n bytes with this layout; n > 0.
        let q = unsafe { realloc(s.p, Layout::from_size_align_unchecked(s.n, ALIGN), n) };
        assert!(!q.is_null(), "out of memory");
        // SAFETY: q holds n bytes, the first min(n, s.n) kept from the old block.
        unsafe {
            if !holds(q, s.n, n, s.key) {
                self.fail();
            }
            stamp(q, n, self.next_key);
        }
        self.slots[i] = Slot { p: q, n, key: self.next_key };
        self.next_key += 1;
        self.report.bytes += n as u64;
    }

    fn fail(&mut self) {
        self.report.failures += 1;
    }
}

/// Runs `ops` operations and frees what is left.
pub fn run(ops: u64) -> Report {
    let empty = Slot { p: core::ptr::null_mut(), n: 0, key: 0 };
    let mut s = alloc::boxed::Box::new(State {
        rng: Rng::seeded(16),
        slots: [empty; SLOTS],
        next_key: 1,
        report: Report { ops, counts: [0; 4], bytes: 0, failures: 0 },
    });
    for _ in 0..ops {
        let i = (s.rng.next() % SLOTS as u64) as usize;
        let r = s.rng.next() % 100;
        let kind = if s.slots[i].p.is_null() {
            s.fill(i, r & 1 == 1);
            0
        } else if r < 40 {
            s.empty(i);
            1
        } else if r < 60 {
            s.resize(i);
            2
        } else {
            s.empty(i);
            s.fill(i, r & 1 == 1);
            3
        };
        s.report.counts[kind] += 1;
    }
    for i in 0..SLOTS {
        if !s.slots[i].p.is_null() {
            s.empty(i);
        }
    }
    let Report { ops, counts, bytes, failures } = s.report;
    Report { ops, counts, bytes, failures }
}
