//! The whole heap on a stand-in kernel: random workloads checked against
//! what each block must hold, with and without a thread cache, and with a
//! break that cannot grow.

use super::cache::ThreadCache;
use super::central::Heap;
use super::os::fake::FakeOs;

/// xorshift64*: the same sequence every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

struct Live {
    p: *mut u8,
    n: usize,
    tag: u8,
}

/// The bytes a block's pattern covers: both ends and every 61st byte
/// (whole blocks would make the test slow, not stronger).
fn pattern(n: usize) -> impl Iterator<Item = usize> {
    (0..n.min(32)).chain((32..n).step_by(61)).chain(n.saturating_sub(32).max(32)..n)
}

fn fill(p: *mut u8, n: usize, tag: u8) {
    // SAFETY: p holds n bytes.
    pattern(n).for_each(|i| unsafe { *p.add(i) = tag ^ i as u8 });
}

fn holds(p: *mut u8, n: usize, tag: u8) -> bool {
    holds_prefix(p, n, n, tag)
}

/// Whether the first `kept` bytes of a block filled for `n` bytes still hold the pattern.
fn holds_prefix(p: *mut u8, n: usize, kept: usize, tag: u8) -> bool {
    // SAFETY: p holds at least `kept` bytes.
    pattern(n).filter(|&i| i < kept).all(|i| unsafe { *p.add(i) } == tag ^ i as u8)
}

fn size(rng: &mut Rng) -> usize {
    let r = rng.next();
    match r % 10 {
        0..=5 => (r >> 8) as usize % 80,
        6..=7 => (r >> 8) as usize % 5000,
        8 => (r >> 8) as usize % 140_000,
        _ => (r >> 8) as usize % 600_000,
    }
}

fn workload(heap: &Heap<FakeOs>, mut cache: Option<&mut ThreadCache>, ops: usize, seed: u64) {
    let mut rng = Rng(seed);
    let mut live: Vec<Option<Live>> = (0..300).map(|_| None).collect();
    for i in 0..ops {
        let r = rng.next();
        let slot = &mut live[r as usize % 300];
        let tag = (r >> 32) as u8;
        match slot.take() {
            None => {
                let n = size(&mut rng);
                let p = match r >> 40 & 7 {
                    0 => heap.calloc(cache.as_deref_mut(), n),
                    1 => heap.aligned(cache.as_deref_mut(), 32 << (r >> 44 & 7), n),
                    _ => heap.malloc(cache.as_deref_mut(), n),
                };
                assert!(!p.is_null() && (p as usize).is_multiple_of(16), "op {i}");
                if r >> 40 & 7 == 0 {
                    // SAFETY: p holds n bytes.
                    assert!(unsafe { core::slice::from_raw_parts(p, n) }.iter().all(|&b| b == 0), "calloc {n}");
                }
                if r >> 40 & 7 == 1 {
                    assert_eq!(p as usize % (32 << (r >> 44 & 7)), 0);
                }
                // SAFETY: p is live.
                assert!(unsafe { heap.usable_size(p) } >= n);
                fill(p, n, tag);
                *slot = Some(Live { p, n, tag });
            }
            Some(b) if r >> 40 & 1 == 0 => {
                assert!(holds(b.p, b.n, b.tag), "op {i}: block of {} changed", b.n);
                // SAFETY: freed once.
                unsafe { heap.free(cache.as_deref_mut(), b.p) };
            }
            Some(b) => {
                assert!(holds(b.p, b.n, b.tag), "op {i}: block of {} changed", b.n);
                let n = size(&mut rng);
                // SAFETY: b.p is live; only q is used afterwards.
                let q = unsafe { heap.realloc(cache.as_deref_mut(), b.p, n) };
                assert!(!q.is_null());
                let kept = n.min(b.n);
                assert!(holds_prefix(q, b.n, kept, b.tag), "op {i}: realloc {} -> {n} lost bytes", b.n);
                fill(q, n, tag);
                *slot = Some(Live { p: q, n, tag });
            }
        }
    }
    for b in live.into_iter().flatten() {
        assert!(holds(b.p, b.n, b.tag));
        // SAFETY: freed once.
        unsafe { heap.free(cache.as_deref_mut(), b.p) };
    }
}

fn end_state(heap: &Heap<FakeOs>, cache: Option<&mut ThreadCache>) {
    if let Some(c) = cache {
        heap.flush_cache(c);
    }
    heap.trim();
    heap.with_central(|list, large, os| {
        // Everything went back: the list holds nothing, no mapping is left
        // but the regions' (none once empty), and the break went back.
        assert_eq!(list.usage().0, 0);
        assert_eq!(list.region_count(), 0);
        assert_eq!(large.cached_bytes(), 0);
        assert_eq!(os.mapped_bytes(), 0);
        assert!(os.brk - os.base <= (1 << 20) + 4096, "break at +{}", os.brk - os.base);
    });
}

#[test]
fn random_workload_with_a_thread_cache() {
    let heap = Heap::new(FakeOs::new(1 << 30));
    let mut cache = ThreadCache::new();
    workload(&heap, Some(&mut cache), 30_000, 1);
    end_state(&heap, Some(&mut cache));
    heap.with_central(|_, _, os| assert!(os.brk > os.base, "the list grew with brk"));
}

#[test]
fn random_workload_without_a_cache() {
    let heap = Heap::new(FakeOs::new(1 << 30));
    workload(&heap, None, 20_000, 2);
    end_state(&heap, None);
}

#[test]
fn random_workload_when_brk_cannot_grow() {
    for room in [0, 3 << 20] {
        let heap = Heap::new(FakeOs::new(room));
        let mut cache = ThreadCache::new();
        workload(&heap, Some(&mut cache), 20_000, 3);
        end_state(&heap, Some(&mut cache));
    }
}

#[test]
fn large_requests_are_mapped_and_given_back() {
    let heap = Heap::new(FakeOs::new(64 << 20));
    let mut cache = ThreadCache::new();
    let p = heap.malloc(Some(&mut cache), 1 << 20);
    heap.with_central(|_, _, os| assert_eq!(os.maps, 1));
    // SAFETY: p is live, then freed.
    unsafe { heap.free(Some(&mut cache), p) };
    heap.trim();
    heap.with_central(|_, _, os| assert_eq!(os.mapped_bytes(), 0));
    assert_eq!(heap.set_mmap_threshold(1 << 20), 1 << 20);
    let q = heap.malloc(Some(&mut cache), 200 << 10);
    heap.with_central(|_, _, os| assert_eq!(os.maps, 1, "below the raised threshold: from the list"));
    // SAFETY: q is live.
    unsafe {
        assert_eq!(heap.usable_size(q), 200 << 10);
        heap.free(Some(&mut cache), q)
    };
    assert_eq!(heap.set_mmap_threshold(0), super::central::MIN_MMAP_THRESHOLD);
}

#[test]
fn impossible_requests_fail_without_damage() {
    let heap = Heap::new(FakeOs::new(64 << 20));
    let mut cache = ThreadCache::new();
    let keep = heap.malloc(Some(&mut cache), 100);
    fill(keep, 100, 9);
    for n in [1usize << 50, usize::MAX, usize::MAX - 4095, isize::MAX as usize] {
        assert!(heap.malloc(Some(&mut cache), n).is_null(), "{n}");
        assert!(heap.calloc(Some(&mut cache), n).is_null(), "{n}");
        assert!(heap.aligned(Some(&mut cache), 4096, n).is_null(), "{n}");
        // SAFETY: keep is live; it stays so when realloc fails.
        assert!(unsafe { heap.realloc(Some(&mut cache), keep, n) }.is_null());
        assert!(holds(keep, 100, 9));
    }
    // SAFETY: freed once.
    unsafe { heap.free(Some(&mut cache), keep) };
}

#[test]
#[should_panic(expected = "double free")]
fn double_free_is_caught() {
    let heap = Heap::new(FakeOs::new(64 << 20));
    let mut cache = ThreadCache::new();
    let p = heap.malloc(Some(&mut cache), 24);
    // SAFETY: deliberately freed twice: the second is caught before any write.
    unsafe {
        heap.free(Some(&mut cache), p);
        heap.free(Some(&mut cache), p);
    }
}

#[test]
fn zero_sizes_and_small_shrinks() {
    let heap = Heap::new(FakeOs::new(64 << 20));
    let mut cache = ThreadCache::new();
    let a = heap.malloc(Some(&mut cache), 0);
    let b = heap.malloc(Some(&mut cache), 0);
    assert!(!a.is_null() && a != b);
    // SAFETY: live blocks, each freed once (realloc to 0 frees a).
    unsafe {
        let c = heap.realloc(Some(&mut cache), a, 0);
        assert!(!c.is_null());
        let big = heap.malloc(Some(&mut cache), 1000);
        let d = heap.realloc(Some(&mut cache), big, 900);
        assert_eq!(heap.usable_size(d), 1016, "shrunk in place");
        for p in [b, c, d] {
            heap.free(Some(&mut cache), p);
        }
    }
}

#[test]
fn the_fork_hooks_hold_the_lock_and_let_it_go_on_both_sides() {
    let heap = Heap::new(FakeOs::new(16 << 20));
    let p = heap.malloc(None, 100);
    heap.lock_for_fork();
    // SAFETY: this thread took the lock just above (the parent's side of fork).
    unsafe { heap.unlock_after_fork() };
    let q = heap.malloc(None, 200);
    heap.lock_for_fork();
    // SAFETY: as in a fork's child: the lock was taken by this thread, the only one using it.
    unsafe { heap.reset_after_fork() };
    // SAFETY: live blocks, freed once; the heap works after either side.
    unsafe {
        heap.free(None, p);
        heap.free(None, q);
    }
    let r = heap.malloc(None, 300);
    assert!(!p.is_null() && !q.is_null() && !r.is_null());
    // SAFETY: freed once.
    unsafe { heap.free(None, r) };
}
