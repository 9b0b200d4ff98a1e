//! Property tests ("fuzzing") of the pure layers that read data shaped by
//! the kernel or the linker: the auxv table, the PT_TLS scan, the TLS
//! layout, the relocation passes (RELA and RELR, static-PIE's dynamic table)
//! and the rseq length rule. Each property
//! compares the code with a plain model or checks the invariants the
//! start-up code relies on, not merely that nothing panics.
//!
//! `cargo test` runs 2,000 cases of each; the longer run is
//! `PROPTEST_CASES=1000000 cargo test --release --lib fuzz` (see docs/TESTING.md).

use proptest::prelude::*;
use proptest::test_runner::Config;

use crate::auxv::{Table, AT_NULL};
use crate::elf::{find_tls, Phdr};
use crate::ifunc::Rela;
use crate::reloc::{apply_rela, apply_relr, bias_and_dynamic, read_dynamic, Pass};
use crate::rseq::{shape_for, Shape as RseqShape};
use crate::tls::{Layout, Shape, Variant, LIMIT};

/// 2,000 cases unless PROPTEST_CASES says otherwise; no regression files
/// written into the tree (a failure prints its minimal input instead).
fn config() -> Config {
    let mut c = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = 2000;
    }
    c.failure_persistence = None;
    c
}

/// Values that hit the edges: small ones, powers of two and their
/// neighbours, and anything at all.
fn edgy() -> impl Strategy<Value = usize> {
    prop_oneof![
        0usize..80,
        (0u32..64).prop_map(|b| 1usize << b),
        (0u32..64, -1isize..=1).prop_map(|(b, d)| (1usize << b).wrapping_add_signed(d)),
        any::<usize>(),
    ]
}

/// A power of two up to 2^47 (past LIMIT), or occasionally anything.
fn align() -> impl Strategy<Value = usize> {
    prop_oneof![8 => (0u32..48).prop_map(|b| 1usize << b), 1 => edgy()]
}

// ---- auxv ----

/// What `Table` should answer, from the pairs before the first AT_NULL:
/// `value` is the last value of a type below 64 (the copy overwrites), and
/// `get` is that value when non-zero, else the first pair's, walked.
fn auxv_model(pairs: &[(usize, usize)], t: usize) -> (usize, Option<usize>) {
    let live = pairs.iter().take_while(|p| p.0 != AT_NULL);
    let first = live.clone().find(|p| p.0 == t).map(|p| p.1);
    let last = live.filter(|p| p.0 == t).last().map_or(0, |p| p.1);
    let value = if (1..64).contains(&t) { last } else { 0 };
    (value, if value != 0 { Some(value) } else { first })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn fuzz_auxv(pairs in prop::collection::vec(
        (prop_oneof![1usize..70, Just(AT_NULL), edgy()], edgy()), 0..48)) {
        // The vector as the kernel lays it out: flat pairs, AT_NULL last.
        let mut flat: Vec<usize> = pairs.iter().flat_map(|&(k, v)| [k, v]).collect();
        flat.extend([AT_NULL, 0]);
        let t = Table::new();
        // SAFETY: `flat` is pairs ending with AT_NULL and outlives `t`.
        unsafe { t.fill(flat.as_ptr()) };
        let live = pairs.iter().take_while(|p| p.0 != AT_NULL).count();
        prop_assert_eq!(t.entries().count(), live);
        let probes = (0..70).chain(pairs.iter().map(|p| p.0)).chain([usize::MAX]);
        for k in probes {
            let (value, get) = auxv_model(&pairs, k);
            prop_assert_eq!(t.value(k), value, "value({})", k);
            prop_assert_eq!(t.get(k), get, "get({})", k);
        }
    }
}

// ---- PT_TLS scan ----

fn phdr() -> impl Strategy<Value = Phdr> {
    let kind = prop_oneof![4 => Just(7u32), 2 => Just(6u32), 2 => 0u32..8, 1 => any::<u32>()];
    let size = prop_oneof![0u64..256, any::<u64>()];
    (kind, any::<u64>(), size.clone(), size, prop_oneof![align().prop_map(|a| a as u64), any::<u64>()])
        .prop_map(|(p_type, p_vaddr, p_filesz, p_memsz, p_align)| Phdr {
            p_type, p_flags: 0, p_offset: 0, p_vaddr, p_paddr: 0, p_filesz, p_memsz, p_align,
        })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn fuzz_find_tls(hs in prop::collection::vec(phdr(), 0..12), at in any::<usize>()) {
        // The model: the first PT_TLS (7), moved by the load bias.
        let want = match hs.iter().find(|h| h.p_type == 7) {
            None => Some((0, 0, 0, 1)),
            Some(t) => {
                let align = t.p_align.max(1);
                if !align.is_power_of_two() || t.p_filesz > t.p_memsz {
                    None
                } else {
                    Some((at.wrapping_add(t.p_vaddr as usize), t.p_filesz as usize, t.p_memsz as usize, align as usize))
                }
            }
        };
        let got = find_tls(&hs, at).map(|i| (i.addr, i.filesz, i.memsz, i.align));
        prop_assert_eq!(got, want);
    }
}

// ---- TLS layout ----

fn tls_shape() -> impl Strategy<Value = Shape> {
    let variant = prop_oneof![Just(Variant::I), Just(Variant::II)];
    let size = prop_oneof![4 => 0usize..100_000, 1 => edgy()];
    // The TCB is a Rust type, so its size is a multiple of its alignment,
    // which is at least 16 on every arch (crt0's thread data after it on
    // x86_64 needs that); the rseq area's shape always comes from `shape_for`.
    let tcb = (4u32..8, 0usize..8).prop_map(|(b, k)| (k << b, 1usize << b));
    // Where the TCB starts relative to TP: at it (x86_64, aarch64), ending
    // at it (riscv64), somewhere between, or (rarely) somewhere invalid.
    let offset = prop_oneof![3 => Just(0usize), 3 => Just(usize::MAX), 2 => 1usize..8, 1 => any::<i16>().prop_map(|o| o as isize as usize)];
    let rseq = (prop::option::of(edgy()), prop::option::of(edgy())).prop_map(|(f, a)| shape_for(f, a));
    (variant, size, align(), tcb, offset, rseq).prop_map(|(variant, tls_size, tls_align, (tcb_size, tcb_align), o, r)| {
        // 0: at TP; -1 (as usize: huge): below TP; 1..8: that many
        // alignments below TP; anything else: taken as it is.
        let tcb_offset = match o {
            0 => 0,
            usize::MAX => -(tcb_size as isize),
            j @ 1..=7 => -((j * tcb_align) as isize),
            other => other as isize,
        };
        Shape { variant, tls_size, tls_align, tcb_size, tcb_align, tcb_offset, rseq_size: r.size, rseq_align: r.align }
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn fuzz_tls_layout(s in tls_shape()) {
        let below = s.tcb_offset.unsigned_abs();
        let tcb_valid = match s.variant {
            Variant::II => s.tcb_offset == 0,
            Variant::I => s.tcb_offset <= 0 && below <= s.tcb_size && below % s.tcb_align == 0,
        };
        let valid = [s.tls_align, s.tcb_align, s.rseq_align].iter().all(|a| a.is_power_of_two())
            && [s.tls_size, s.tls_align, s.tcb_size, s.tcb_align, s.rseq_size, s.rseq_align].iter().all(|&v| v < LIMIT)
            && tcb_valid;
        let Some(l) = Layout::new(s) else {
            prop_assert!(!valid, "refused a valid shape {:?}", s);
            return Ok(());
        };
        prop_assert!(valid, "accepted an invalid shape {:?}", s);
        // The allocation starts at a multiple of `l.align`, so offsets
        // are aligned exactly when they are multiples.
        for a in [s.tls_align, s.tcb_align, s.rseq_align, 16] {
            prop_assert_eq!(l.align % a, 0);
        }
        prop_assert!(l.align.is_power_of_two());
        prop_assert_eq!(l.block % s.tls_align, 0, "block aligned: {:?}", l);
        let at = |off: isize| l.tp as i128 + off as i128;
        prop_assert_eq!(l.tcb, s.tcb_offset);
        prop_assert_eq!(at(l.tcb) % s.tcb_align as i128, 0, "TCB aligned: {:?}", l);
        prop_assert_eq!(at(l.rseq) % s.rseq_align as i128, 0, "rseq aligned: {:?}", l);
        prop_assert_eq!(at(l.data) % 16, 0, "thread data aligned: {:?}", l);
        // ELF TLS ABI: where the block sits relative to the thread pointer.
        let span = (s.tls_size.div_ceil(s.tls_align) * s.tls_align) as i128;
        match s.variant {
            Variant::II => prop_assert_eq!(l.tp as i128 - l.block as i128, span),
            Variant::I => {
                let gap = (s.tcb_size - below).div_ceil(s.tls_align) * s.tls_align;
                prop_assert_eq!(l.block, l.tp + gap);
            }
        }
        // Four pieces, each inside the allocation, none overlapping.
        let data = std::mem::size_of::<crate::tls::ThreadData>();
        let mut pieces = [
            (l.block as i128, s.tls_size as i128),
            (at(l.tcb), s.tcb_size as i128),
            (at(l.data), data as i128),
            (at(l.rseq), s.rseq_size as i128),
        ];
        for &(start, len) in &pieces {
            prop_assert!(start >= 0 && start + len <= l.size as i128, "piece {:?} outside {:?}", (start, len), l);
        }
        pieces.sort();
        for w in pieces.windows(2) {
            prop_assert!(w[0].0 + w[0].1 <= w[1].0, "overlap {:?} in {:?}", w, l);
        }
    }
}

// ---- IRELATIVE on a buffer ----

/// Entries aimed at a 64-slot buffer, mostly IRELATIVE.
fn rela() -> impl Strategy<Value = Rela> {
    let kind = prop_oneof![20 => Just(crate::arch::R_IRELATIVE as u64), 1 => any::<u64>()];
    (0usize..64, kind, any::<isize>()).prop_map(|(r_offset, r_info, r_addend)| Rela { r_offset, r_info, r_addend })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn fuzz_irelative(relocs in prop::collection::vec(rela(), 0..100)) {
        // The resolver is a pure function of its address; slots are indices.
        let resolve = |a: usize| a.rotate_left(7) ^ 0x5a5a;
        let mut buf = [0usize; 64];
        let mut calls = 0;
        let got = apply_rela(&relocs, 0, Pass::IpltOnly, |a| { calls += 1; resolve(a) }, |slot, v| buf[slot] = v);
        let bad = relocs.iter().position(|r| r.r_info as u32 != crate::arch::R_IRELATIVE);
        let done = bad.unwrap_or(relocs.len());
        let mut want = [0usize; 64];
        for r in &relocs[..done] {
            want[r.r_offset] = resolve(r.r_addend as usize);
        }
        prop_assert_eq!(buf, want);
        prop_assert_eq!(calls, done, "one resolver call per applied entry");
        prop_assert_eq!(got, match bad { None => Ok((relocs.len(), 0)), Some(i) => Err(relocs[i].r_info as u32) });
    }
}

// ---- static-PIE: RELATIVE then IRELATIVE, with a bias ----

/// Entries aimed at a 64-word buffer: RELATIVE, IRELATIVE, NONE, rarely
/// anything else.
fn pie_rela() -> impl Strategy<Value = Rela> {
    use crate::arch::{R_IRELATIVE, R_RELATIVE};
    let kind = prop_oneof![10 => Just(R_RELATIVE as u64), 10 => Just(R_IRELATIVE as u64), 2 => Just(0u64), 1 => any::<u64>()];
    (0usize..64, kind, -64isize..64).prop_map(|(r_offset, r_info, r_addend)| Rela { r_offset, r_info, r_addend })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn fuzz_static_pie_passes(relocs in prop::collection::vec(pie_rela(), 0..100), bias in 0usize..64) {
        use crate::arch::{R_IRELATIVE, R_RELATIVE};
        let resolve = |a: usize| a.rotate_left(9) ^ 0xa5;
        let mut buf = [0usize; 128];
        let mut calls = 0;
        let first = apply_rela(&relocs, bias, Pass::Relative, |_| { calls += 1; 0 }, |s, v| buf[s] = v);
        prop_assert_eq!(calls, 0, "pass 1 calls no resolver");
        let bad = relocs.iter().position(|r| ![R_RELATIVE, R_IRELATIVE, 0].contains(&(r.r_info as u32)));
        let good = &relocs[..bad.unwrap_or(relocs.len())];
        let count = |t: u32| good.iter().filter(|r| r.r_info as u32 == t).count();
        match bad {
            Some(i) => prop_assert_eq!(first, Err(relocs[i].r_info as u32)),
            None => prop_assert_eq!(first, Ok((count(R_RELATIVE), count(R_IRELATIVE)))),
        }
        // Start-up stops at a bad entry; the second pass runs on good tables only.
        let second = apply_rela(good, bias, Pass::Irelative, |a| { calls += 1; resolve(a) }, |s, v| buf[s] = v);
        let mut want = [0usize; 128];
        for r in good.iter().filter(|r| r.r_info as u32 == R_RELATIVE) {
            want[bias + r.r_offset] = bias.wrapping_add(r.r_addend as usize);
        }
        for r in good.iter().filter(|r| r.r_info as u32 == R_IRELATIVE) {
            want[bias + r.r_offset] = resolve(bias.wrapping_add(r.r_addend as usize));
        }
        let irelative = good.iter().filter(|r| r.r_info as u32 == R_IRELATIVE).count();
        prop_assert_eq!(buf, want);
        prop_assert_eq!(second, Ok((irelative, 0)));
        prop_assert_eq!(calls, irelative, "one resolver call per IRELATIVE entry, in pass 2");
    }
}

/// The RELR encoding of a set of word indices (sorted, unique), written
/// from the format's definition: an address starts a run, then bitmaps
/// of 63 words each while any of the next words is in the set.
fn relr_encode(words: &[usize]) -> Vec<u64> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        out.push(words[i] as u64 * 8);
        let mut next = words[i] + 1;
        i += 1;
        loop {
            let mut bits = 0u64;
            while i < words.len() && words[i] < next + 63 {
                bits |= 1 << (words[i] - next);
                i += 1;
            }
            if bits == 0 {
                break;
            }
            out.push(bits << 1 | 1);
            next += 63;
        }
    }
    out
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn fuzz_relr_round_trip(set in prop::collection::btree_set(0usize..2000, 0..300), bias in any::<usize>()) {
        let words: Vec<usize> = set.into_iter().collect();
        let mut got = Vec::new();
        let n = apply_relr(&relr_encode(&words), bias & !7, |at| got.push(at));
        let want: Vec<usize> = words.iter().map(|w| (bias & !7).wrapping_add(w * 8)).collect();
        prop_assert_eq!(n, want.len());
        prop_assert_eq!(got, want);
    }

    #[test]
    fn fuzz_relr_garbage(relr in prop::collection::vec(any::<u64>(), 0..50), bias in any::<usize>()) {
        // Any table: no panic, and the count is the number of words touched.
        let mut calls = 0;
        let n = apply_relr(&relr, bias, |_| calls += 1);
        prop_assert_eq!(n, calls);
    }

    #[test]
    fn fuzz_dynamic_table(entries in prop::collection::vec((0u64..40, any::<u64>()), 0..40), hs in prop::collection::vec(phdr(), 0..12), ehdr in any::<usize>()) {
        let table: Vec<[u64; 2]> = entries.iter().map(|&(t, v)| [t, v]).collect();
        let d = read_dynamic(&table);
        // The model: last value of each tag before the first DT_NULL.
        let live: Vec<_> = table.iter().take_while(|e| e[0] != 0).collect();
        let last = |tag: u64| live.iter().rev().find(|e| e[0] == tag).map_or(0, |e| e[1] as usize);
        // DT_RELASZ without the PLT part when the two ranges end together.
        let (rela, relasz, jmprel, pltrelsz) = (last(7), last(8), last(23), last(2));
        let overlap = pltrelsz != 0 && relasz >= pltrelsz && rela.wrapping_add(relasz) == jmprel.wrapping_add(pltrelsz);
        prop_assert_eq!(d.rela, (rela, if overlap { relasz - pltrelsz } else { relasz }));
        prop_assert_eq!(d.jmprel, (last(23), last(2)));
        prop_assert_eq!(d.relr, (last(36), last(35)));
        prop_assert_eq!(d.has_rel, live.iter().any(|e| e[0] == 17));
        if let Some((bias, dynamic, n)) = bias_and_dynamic(&hs, ehdr) {
            let load = hs.iter().find(|p| p.p_type == 1 && p.p_offset == 0).unwrap();
            let dynh = hs.iter().rev().find(|p| p.p_type == 2).unwrap();
            prop_assert_eq!(bias, ehdr.wrapping_sub(load.p_vaddr as usize));
            prop_assert_eq!(dynamic, bias.wrapping_add(dynh.p_vaddr as usize));
            prop_assert_eq!(n, dynh.p_memsz as usize / 16);
        }
    }
}

// ---- the rseq length rule ----

proptest! {
    #![proptest_config(config())]

    #[test]
    fn fuzz_rseq_shape(feature in prop::option::of(edgy()), at_align in prop::option::of(edgy())) {
        let RseqShape { size, align, len, feature_size } = shape_for(feature, at_align);
        // kernel/rseq.c: rseq_len >= 32; exactly 32 needs 32-alignment;
        // longer needs AT_RSEQ_ALIGN alignment and to cover the features.
        prop_assert!(len >= 32 && align >= 32 && align.is_power_of_two());
        prop_assert!(size >= len && size % align == 0 && size - len < align);
        prop_assert!(len >= feature_size);
        let sane = |v: Option<usize>| v.filter(|&v| v > 0 && v <= crate::rseq::MAX_SANE);
        match sane(feature) {
            Some(f) => prop_assert_eq!(feature_size, f),
            None => prop_assert_eq!(feature_size, 20, "no or absurd AT_RSEQ_FEATURE_SIZE: the original 20"),
        }
        prop_assert_eq!(len, feature_size.max(32), "32 bytes while the features fit, as glibc");
        if let Some(a) = sane(at_align).filter(|a| a.is_power_of_two() && *a > 32) {
            prop_assert_eq!(align, a, "AT_RSEQ_ALIGN honoured");
        } else {
            prop_assert_eq!(align, 32);
        }
    }
}
