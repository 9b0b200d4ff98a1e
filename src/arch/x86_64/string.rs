//! `strlen`, `strcmp` and `memcpy` with vector instructions: SSE2, which
//! every x86_64 has, and AVX2 past the first 32 to 128 bytes (strlen,
//! strcmp) or 64 (memcpy), once CPUID has said there is AVX2: asked
//! lazily (see `avx2`), so start-up runs no CPUID for these. Start-up's
//! own string scans use the small portable loop of `cstr::scan_len`, so
//! a program that calls neither strlen nor strcmp links neither.
//!
//! Reading past a string's terminator is safe only inside the page that
//! holds it, so the scans either load aligned vectors (never crossing a
//! page) or check the distance to the page's end before an unaligned load.

use core::arch::x86_64::*;
use core::sync::atomic::{AtomicU32, AtomicU8, Ordering::Relaxed};

const PAGE: usize = 4096;

/// 0: not asked yet; 1: SSE2 only; 2: AVX2 too.
static LEVEL: AtomicU8 = AtomicU8::new(0);
/// Calls that could have used AVX2 before anyone asked (see `avx2`).
static WAITING: AtomicU32 = AtomicU32::new(0);

/// True when AVX2 may be used (detected once, when first asked): the CPU
/// has it (CPUID leaf 7) and the OS saves the YMM registers (OSXSAVE, then
/// XCR0). Three CPUIDs; not `ifunc::Cpu`, whose full detection is four
/// times the code, which memcpy would bring into every program.
#[cold]
fn detect() -> bool {
    // SAFETY: CPUID exists on every x86_64; xgetbv only runs once CPUID
    // reported OSXSAVE; leaf 7 only when the maximum leaf reaches it.
    let avx2 = unsafe {
        let max = __cpuid(0).eax;
        let c1 = __cpuid(1).ecx;
        let b7 = if max >= 7 { __cpuid_count(7, 0).ebx } else { 0 };
        crate::ifunc::count_cpuid_runs(if max >= 7 { 3 } else { 2 });
        let os_saves_ymm = c1 & (1 << 27) != 0 && {
            let (lo, _hi): (u32, u32);
            core::arch::asm!("xgetbv", in("ecx") 0, out("eax") lo, out("edx") _hi, options(nostack, nomem, preserves_flags));
            lo & 6 == 6
        };
        os_saves_ymm && c1 & (1 << 28) != 0 && b7 & (1 << 5) != 0
    };
    LEVEL.store(if avx2 { 2 } else { 1 }, Relaxed);
    avx2
}

/// Whether to take the AVX2 path: once CPUID was asked, its answer. It is
/// asked (four CPUIDs, some 15 µs in a VM) at the 64th call that could
/// use it, so a program that scans or copies a few long strings, as
/// start-up does, never pays for it, and one that does many amortises it.
#[inline]
fn avx2() -> bool {
    match LEVEL.load(Relaxed) {
        0 => {
            // Racing threads may lose a count: harmless.
            let n = WAITING.load(Relaxed) + 1;
            WAITING.store(n, Relaxed);
            n >= 64 && detect()
        }
        l => l == 2,
    }
}

/// `strlen`.
///
/// # Safety
/// `s` is NUL-terminated.
#[inline]
pub unsafe fn strlen(s: *const u8) -> usize {
    // SAFETY: per the caller; unaligned loads only inside s's page,
    // aligned ones never cross a page.
    unsafe {
        let zero = _mm_setzero_si128();
        if in_page(s, 32) {
            // Most strings end in their first 32 bytes.
            let m = _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(s.cast()), zero)) as u32
                | (_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(s.add(16).cast()), zero)) as u32) << 16;
            if m != 0 {
                return m.trailing_zeros() as usize;
            }
            // The next 16-aligned block not entirely checked.
            let p = ((s as usize + 32) & !15) as *const u8;
            if LEVEL.load(Relaxed) == 2 {
                return strlen_avx2(s, p);
            }
            return strlen_rest(s, p);
        }
        // Near the page's end: the 16-byte block holding s, bytes before
        // s masked off, then aligned blocks through s + 32.
        let base = (s as usize & !15) as *const u8;
        let head = _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_load_si128(base.cast()), zero)) as u32 >> (s as usize & 15);
        if head != 0 {
            return head.trailing_zeros() as usize;
        }
        let mut p = base.add(16);
        while p < s.add(32) {
            let m = _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_load_si128(p.cast()), zero));
            if m != 0 {
                return p as usize - s as usize + m.trailing_zeros() as usize;
            }
            p = p.add(16);
        }
        strlen_rest(s, p)
    }
}

/// The rest of `strlen` from the 16-aligned `p`.
///
/// # Safety
/// `s`'s first 32 bytes have no NUL; `p` is 16-aligned, at most `s + 32`,
/// and every byte before it is checked.
#[inline(never)]
unsafe fn strlen_rest(s: *const u8, p: *const u8) -> usize {
    // SAFETY: per the caller.
    unsafe { if avx2() { strlen_avx2(s, p) } else { strlen_sse2(s, p) } }
}

/// The rest of the string from `p`: 16-byte blocks up to a 64-byte
/// boundary, then 64 bytes per step.
///
/// # Safety
/// `p` is 16-aligned, inside `s`'s string before its NUL.
unsafe fn strlen_sse2(s: *const u8, mut p: *const u8) -> usize {
    // SAFETY: aligned loads of blocks inside the pages holding the string.
    unsafe {
        let zero = _mm_setzero_si128();
        while !(p as usize).is_multiple_of(64) {
            let m = _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_load_si128(p.cast()), zero));
            if m != 0 {
                return p as usize - s as usize + m.trailing_zeros() as usize;
            }
            p = p.add(16);
        }
        loop {
            let a = _mm_load_si128(p.cast());
            let b = _mm_load_si128(p.add(16).cast());
            let c = _mm_load_si128(p.add(32).cast());
            let d = _mm_load_si128(p.add(48).cast());
            let min = _mm_min_epu8(_mm_min_epu8(a, b), _mm_min_epu8(c, d));
            if _mm_movemask_epi8(_mm_cmpeq_epi8(min, zero)) != 0 {
                let m = |v| _mm_movemask_epi8(_mm_cmpeq_epi8(v, zero)) as u32 as u64;
                let all = m(a) | m(b) << 16 | m(c) << 32 | m(d) << 48;
                return p as usize - s as usize + all.trailing_zeros() as usize;
            }
            p = p.add(64);
        }
    }
}

/// The rest of the string past its first 32 bytes (`p`, 16-aligned, is
/// where they end, rounded down): the next 128 bytes with four unaligned
/// loads when they are inside the page, then 128-byte aligned blocks
/// (32-byte ones up to the first 128-byte boundary otherwise).
///
/// # Safety
/// `s`'s first 32 bytes have no NUL; AVX2 is available.
#[target_feature(enable = "avx2")]
unsafe fn strlen_avx2(s: *const u8, mut p: *const u8) -> usize {
    // SAFETY: unaligned loads only inside the page, aligned ones never
    // cross one; all inside the pages holding the string.
    unsafe {
        let zero = _mm256_setzero_si256();
        let q = s.add(32);
        if in_page(q, 128) {
            let (a, b) = (_mm256_loadu_si256(q.cast()), _mm256_loadu_si256(q.add(32).cast()));
            let (c, d) = (_mm256_loadu_si256(q.add(64).cast()), _mm256_loadu_si256(q.add(96).cast()));
            let min = _mm256_min_epu8(_mm256_min_epu8(a, b), _mm256_min_epu8(c, d));
            if _mm256_movemask_epi8(_mm256_cmpeq_epi8(min, zero)) != 0 {
                let m = |v| _mm256_movemask_epi8(_mm256_cmpeq_epi8(v, zero)) as u32 as u64;
                let (low, high) = (m(a) | m(b) << 32, m(c) | m(d) << 32);
                let i = if low != 0 { low.trailing_zeros() } else { 64 + high.trailing_zeros() };
                return 32 + i as usize;
            }
            // Checked through q + 128; the aligned blocks start at or before it.
            p = ((q as usize + 128) & !127) as *const u8;
        } else {
            if !(p as usize).is_multiple_of(32) {
                let m = _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_load_si128(p.cast()), _mm_setzero_si128()));
                if m != 0 {
                    return p as usize - s as usize + m.trailing_zeros() as usize;
                }
                p = p.add(16);
            }
            while !(p as usize).is_multiple_of(128) {
                let m = _mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_load_si256(p.cast()), zero));
                if m != 0 {
                    return p as usize - s as usize + m.trailing_zeros() as usize;
                }
                p = p.add(32);
            }
        }
        loop {
            let a = _mm256_load_si256(p.cast());
            let b = _mm256_load_si256(p.add(32).cast());
            let c = _mm256_load_si256(p.add(64).cast());
            let d = _mm256_load_si256(p.add(96).cast());
            let min = _mm256_min_epu8(_mm256_min_epu8(a, b), _mm256_min_epu8(c, d));
            if _mm256_movemask_epi8(_mm256_cmpeq_epi8(min, zero)) != 0 {
                let m = |v| _mm256_movemask_epi8(_mm256_cmpeq_epi8(v, zero)) as u32 as u64;
                let (low, high) = (m(a) | m(b) << 32, m(c) | m(d) << 32);
                let i = if low != 0 { low.trailing_zeros() } else { 64 + high.trailing_zeros() };
                return p as usize - s as usize + i as usize;
            }
            p = p.add(128);
        }
    }
}

/// True when `n` bytes from `p` stay inside `p`'s page.
#[inline(always)]
fn in_page(p: *const u8, n: usize) -> bool {
    p as usize % PAGE <= PAGE - n
}

/// The difference of the first bytes that differ (or the terminator),
/// one byte at a time for `n` bytes; None when all `n` are equal and not NUL.
///
/// # Safety
/// Both strings readable to their NUL or `n` bytes.
#[inline(always)]
unsafe fn bytes(a: *const u8, b: *const u8, n: usize) -> Option<i32> {
    for i in 0..n {
        // SAFETY: per the caller; stops at the first NUL.
        let (x, y) = unsafe { (*a.add(i), *b.add(i)) };
        if x != y || x == 0 {
            return Some(i32::from(x) - i32::from(y));
        }
    }
    None
}

/// Where two 16-byte blocks first differ or `a`'s has its NUL, as a bit mask.
///
/// # Safety
/// Both readable for 16 bytes.
#[inline(always)]
unsafe fn stop16(a: *const u8, b: *const u8) -> u32 {
    // SAFETY: per the caller.
    unsafe {
        let va = _mm_loadu_si128(a.cast());
        let vb = _mm_loadu_si128(b.cast());
        // Zero where the bytes differ or `a` has its NUL.
        let same = _mm_min_epu8(va, _mm_cmpeq_epi8(va, vb));
        _mm_movemask_epi8(_mm_cmpeq_epi8(same, _mm_setzero_si128())) as u32
    }
}

/// The difference at the first stop in `mask` (a bit per byte from `a`).
///
/// # Safety
/// The bytes at the mask's lowest set bit are readable.
#[inline(always)]
unsafe fn diff_at(a: *const u8, b: *const u8, mask: u64) -> i32 {
    let i = mask.trailing_zeros() as usize;
    // SAFETY: per the caller.
    unsafe { i32::from(*a.add(i)) - i32::from(*b.add(i)) }
}

/// Bytes from `a` and from `b` to the nearer of their pages' ends.
#[inline(always)]
fn room(a: *const u8, b: *const u8) -> usize {
    PAGE - (a as usize % PAGE).max(b as usize % PAGE)
}

/// `strcmp`: the first 32 bytes here (short strings end there), then 128
/// at a time with AVX2, or 32 more and 64 at a time without.
/// The unaligned loads stay inside both strings' pages: the loops run to
/// the nearer page end, which is crossed 16 bytes or one byte at a time.
///
/// # Safety
/// Both NUL-terminated.
#[inline]
pub unsafe fn strcmp(a: *const u8, b: *const u8) -> i32 {
    // SAFETY: the loads stay inside pages holding the strings.
    unsafe {
        if in_page(a, 32) && in_page(b, 32) {
            let m = stop16(a, b) | stop16(a.add(16), b.add(16)) << 16;
            if m != 0 {
                return diff_at(a, b, m.into());
            }
            if LEVEL.load(Relaxed) == 2 {
                return strcmp_avx2(a.add(32), b.add(32));
            }
            return strcmp_rest(a.add(32), b.add(32));
        }
        strcmp_rest(a, b)
    }
}

/// `strcmp` after its first 32 bytes (or near a page end from the start).
///
/// # Safety
/// Both NUL-terminated.
#[inline(never)]
unsafe fn strcmp_rest(a: *const u8, b: *const u8) -> i32 {
    // SAFETY: the loads stay inside pages holding the strings.
    unsafe {
        if in_page(a, 32) && in_page(b, 32) {
            let m = stop16(a, b) | stop16(a.add(16), b.add(16)) << 16;
            if m != 0 {
                return diff_at(a, b, m.into());
            }
        } else if let Some(d) = bytes(a, b, 32) {
            return d;
        }
        let (a, b) = (a.add(32), b.add(32));
        if avx2() { strcmp_avx2(a, b) } else { strcmp_sse2(a, b) }
    }
}

/// The end of a page's stretch: `r < 128` bytes to the nearer page end,
/// 16 then 1 at a time. Ok(()) when they are all equal and not NUL.
///
/// # Safety
/// Both strings readable to their NUL or `r` bytes.
#[inline(always)]
unsafe fn to_page_end(a: &mut *const u8, b: &mut *const u8, mut r: usize) -> Result<(), i32> {
    // SAFETY: per the caller.
    unsafe {
        while r >= 16 {
            let m = stop16(*a, *b);
            if m != 0 {
                return Err(diff_at(*a, *b, m.into()));
            }
            *a = a.add(16);
            *b = b.add(16);
            r -= 16;
        }
        if let Some(d) = bytes(*a, *b, r) {
            return Err(d);
        }
        *a = a.add(r);
        *b = b.add(r);
    }
    Ok(())
}

/// The rest of a `strcmp`, 64 bytes per step.
///
/// # Safety
/// Both NUL-terminated.
unsafe fn strcmp_sse2(mut a: *const u8, mut b: *const u8) -> i32 {
    // SAFETY: every load stays before the nearer page end.
    unsafe {
        loop {
            let r = room(a, b);
            let end = a.add(r - r % 64);
            while a < end {
                let m = u64::from(stop16(a, b))
                    | u64::from(stop16(a.add(16), b.add(16))) << 16
                    | u64::from(stop16(a.add(32), b.add(32))) << 32
                    | u64::from(stop16(a.add(48), b.add(48))) << 48;
                if m != 0 {
                    return diff_at(a, b, m);
                }
                a = a.add(64);
                b = b.add(64);
            }
            if let Err(d) = to_page_end(&mut a, &mut b, r % 64) {
                return d;
            }
        }
    }
}

/// The rest of a long `strcmp`, 128 bytes per step.
///
/// # Safety
/// Both NUL-terminated; AVX2 is available.
#[target_feature(enable = "avx2")]
unsafe fn strcmp_avx2(mut a: *const u8, mut b: *const u8) -> i32 {
    // SAFETY: every load stays before the nearer page end.
    unsafe {
        let zero = _mm256_setzero_si256();
        let stops = |v| _mm256_movemask_epi8(_mm256_cmpeq_epi8(v, zero)) as u32 as u64;
        loop {
            let r = room(a, b);
            let end = a.add(r - r % 128);
            while a < end {
                // Zero where the bytes differ or `a` has its NUL.
                let same = |i: usize| {
                    let va = _mm256_loadu_si256(a.add(i).cast());
                    _mm256_min_epu8(va, _mm256_cmpeq_epi8(va, _mm256_loadu_si256(b.add(i).cast())))
                };
                let (s0, s1, s2, s3) = (same(0), same(32), same(64), same(96));
                let all = _mm256_min_epu8(_mm256_min_epu8(s0, s1), _mm256_min_epu8(s2, s3));
                if stops(all) != 0 {
                    let low = stops(s0) | stops(s1) << 32;
                    if low != 0 {
                        return diff_at(a, b, low);
                    }
                    return diff_at(a.add(64), b.add(64), stops(s2) | stops(s3) << 32);
                }
                a = a.add(128);
                b = b.add(128);
            }
            if let Err(d) = to_page_end(&mut a, &mut b, r % 128) {
                return d;
            }
        }
    }
}

/// Copies 16-byte blocks at the given offsets from the start and from the
/// end (they overlap in the middle when `n` is short of twice their
/// span): all loads first, then the stores. Written out, because the
/// crate is optimised for size, which would not unroll a loop.
macro_rules! ends {
    ($dst:expr, $src:expr, $n:expr, [$($i:literal),*]) => {{
        let (dst, src, n) = ($dst, $src, $n);
        let head = [$(load(src, $i)),*];
        let tail = [$(load(src, n - 16 - $i)),*];
        let mut k = 0;
        $(
            store(dst, $i, head[k]);
            store(dst, n - 16 - $i, tail[k]);
            k += 1;
        )*
        let _ = k;
    }};
}

/// `memcpy`, returning `dst`: up to 64 bytes here, with overlapping moves
/// from both ends, and up to 256 the same with AVX2 once it is known to be
/// there (see `avx2`); everything else in `copy_large`, out of line. So
/// the copies up to 256 bytes run in a leaf that saves no register.
///
/// # Safety
/// As memcpy: both valid for `n` bytes, not overlapping.
#[inline]
pub unsafe fn memcpy(dst: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    // SAFETY: per the caller, every access is inside the two ranges;
    // LEVEL 2 means AVX2 is there.
    unsafe {
        if n <= 16 {
            if n >= 8 {
                let (x, y) = (src.cast::<u64>().read_unaligned(), src.add(n - 8).cast::<u64>().read_unaligned());
                dst.cast::<u64>().write_unaligned(x);
                dst.add(n - 8).cast::<u64>().write_unaligned(y);
            } else if n >= 4 {
                let (x, y) = (src.cast::<u32>().read_unaligned(), src.add(n - 4).cast::<u32>().read_unaligned());
                dst.cast::<u32>().write_unaligned(x);
                dst.add(n - 4).cast::<u32>().write_unaligned(y);
            } else if n > 0 {
                let (x, y, z) = (*src, *src.add(n / 2), *src.add(n - 1));
                *dst = x;
                *dst.add(n / 2) = y;
                *dst.add(n - 1) = z;
            }
        } else if n <= 32 {
            ends!(dst, src, n, [0]);
        } else if n <= 64 {
            ends!(dst, src, n, [0, 16]);
        } else if n <= 256 && LEVEL.load(Relaxed) == 2 {
            ends_avx2(dst, src, n);
        } else {
            copy_large(dst, src, n);
        }
    }
    dst
}

/// 65 bytes and more (up to 256 only until AVX2 is known to be there):
/// with AVX2 (see `avx2`) 128 bytes per step up to 2 KiB, otherwise SSE2's
/// 64; from 2 KiB `rep movsb` (fast with ERMS/FSRM). Every program links
/// this (start-up copies), so it is kept short.
///
/// # Safety
/// As memcpy, `n > 64`.
#[inline(never)]
unsafe fn copy_large(dst: *mut u8, src: *const u8, n: usize) {
    // SAFETY: per the caller.
    unsafe {
        if n >= 2048 {
            super::copy_forward(dst, src, n);
        } else if avx2() && n > 256 {
            copy_avx2(dst, src, n);
        } else {
            copy_sse2(dst, src, n);
        }
    }
}

/// 65 to 256 bytes with AVX2: 64 or 128 bytes from each end, in 32-byte
/// moves (inline assembly: the crate is built for baseline x86_64, and a
/// `target_feature` function would cost a call). `vzeroupper` after, so
/// SSE code that follows pays no transition penalty.
///
/// # Safety
/// As memcpy, `64 < n <= 256`; AVX2 is available.
#[inline(always)]
unsafe fn ends_avx2(dst: *mut u8, src: *const u8, n: usize) {
    // SAFETY: per the caller; every access is inside the ranges.
    unsafe {
        let (se, de) = (src.add(n), dst.add(n));
        if n <= 128 {
            core::arch::asm!(
                "vmovdqu ymm0, [{s}]",
                "vmovdqu ymm1, [{s} + 32]",
                "vmovdqu ymm2, [{se} - 64]",
                "vmovdqu ymm3, [{se} - 32]",
                "vmovdqu [{d}], ymm0",
                "vmovdqu [{d} + 32], ymm1",
                "vmovdqu [{de} - 64], ymm2",
                "vmovdqu [{de} - 32], ymm3",
                "vzeroupper",
                s = in(reg) src, se = in(reg) se, d = in(reg) dst, de = in(reg) de,
                out("xmm0") _, out("xmm1") _, out("xmm2") _, out("xmm3") _,
                options(nostack, preserves_flags),
            );
        } else {
            core::arch::asm!(
                "vmovdqu ymm0, [{s}]",
                "vmovdqu ymm1, [{s} + 32]",
                "vmovdqu ymm2, [{s} + 64]",
                "vmovdqu ymm3, [{s} + 96]",
                "vmovdqu ymm4, [{se} - 128]",
                "vmovdqu ymm5, [{se} - 96]",
                "vmovdqu ymm6, [{se} - 64]",
                "vmovdqu ymm7, [{se} - 32]",
                "vmovdqu [{d}], ymm0",
                "vmovdqu [{d} + 32], ymm1",
                "vmovdqu [{d} + 64], ymm2",
                "vmovdqu [{d} + 96], ymm3",
                "vmovdqu [{de} - 128], ymm4",
                "vmovdqu [{de} - 96], ymm5",
                "vmovdqu [{de} - 64], ymm6",
                "vmovdqu [{de} - 32], ymm7",
                "vzeroupper",
                s = in(reg) src, se = in(reg) se, d = in(reg) dst, de = in(reg) de,
                out("xmm0") _, out("xmm1") _, out("xmm2") _, out("xmm3") _,
                out("xmm4") _, out("xmm5") _, out("xmm6") _, out("xmm7") _,
                options(nostack, preserves_flags),
            );
        }
    }
}

/// 257..2047 bytes, 128 at a time; the last 128 overlap.
///
/// # Safety
/// As `memcpy`, `n > 128`; AVX2 is available.
#[target_feature(enable = "avx2")]
unsafe fn copy_avx2(dst: *mut u8, src: *const u8, n: usize) {
    // SAFETY: per the caller.
    unsafe {
        let ld = |i: usize| _mm256_loadu_si256(src.add(i).cast());
        let st = |i: usize, v: __m256i| _mm256_storeu_si256(dst.add(i).cast(), v);
        let (t3, t2, t1, t0) = (ld(n - 128), ld(n - 96), ld(n - 64), ld(n - 32));
        let mut i = 0;
        while i + 128 <= n {
            let (a, b, c, d) = (ld(i), ld(i + 32), ld(i + 64), ld(i + 96));
            st(i, a);
            st(i + 32, b);
            st(i + 64, c);
            st(i + 96, d);
            i += 128;
        }
        st(n - 128, t3);
        st(n - 96, t2);
        st(n - 64, t1);
        st(n - 32, t0);
    }
}

/// 16 bytes at `p + i`.
///
/// # Safety
/// Readable.
#[inline(always)]
unsafe fn load(p: *const u8, i: usize) -> __m128i {
    // SAFETY: per the caller.
    unsafe { _mm_loadu_si128(p.add(i).cast()) }
}

/// Stores 16 bytes at `p + i`.
///
/// # Safety
/// Writable.
#[inline(always)]
unsafe fn store(p: *mut u8, i: usize, v: __m128i) {
    // SAFETY: per the caller.
    unsafe { _mm_storeu_si128(p.add(i).cast(), v) }
}

/// 65..2047 bytes, 64 at a time; the last 64 overlap.
///
/// # Safety
/// As `memcpy`, `n > 64`.
unsafe fn copy_sse2(dst: *mut u8, src: *const u8, n: usize) {
    // SAFETY: per the caller.
    unsafe {
        let (t3, t2, t1, t0) = (load(src, n - 64), load(src, n - 48), load(src, n - 32), load(src, n - 16));
        let mut i = 0;
        while i + 64 <= n {
            let (a, b, c, d) = (load(src, i), load(src, i + 16), load(src, i + 32), load(src, i + 48));
            store(dst, i, a);
            store(dst, i + 16, b);
            store(dst, i + 32, c);
            store(dst, i + 48, d);
            i += 64;
        }
        store(dst, n - 64, t3);
        store(dst, n - 48, t2);
        store(dst, n - 32, t1);
        store(dst, n - 16, t0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two pages, the second inaccessible: a string ending at the first's
    /// end is followed by a fault, so any read past the page shows.
    fn guarded() -> *mut u8 {
        // SAFETY: a fresh anonymous mapping; the second page made PROT_NONE.
        unsafe {
            let p = libc::mmap(
                core::ptr::null_mut(),
                2 * PAGE,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            assert_ne!(p, libc::MAP_FAILED);
            assert_eq!(libc::mprotect(p.cast::<u8>().add(PAGE).cast(), PAGE, libc::PROT_NONE), 0);
            p.cast()
        }
    }

    /// Runs `f` with SSE2 only, then with AVX2 when the CPU has it.
    fn each_level(f: impl Fn()) {
        LEVEL.store(1, Relaxed);
        f();
        if detect() {
            f();
        }
    }

    #[test]
    fn strlen_stays_in_the_page() {
        let page = guarded();
        each_level(|| {
            for len in 0..600 {
                // Strings of `len` bytes ending at the page's end, and at 70 other offsets.
                for end in (PAGE - 70..PAGE).chain([PAGE - 1]) {
                    if len + 1 > end {
                        continue;
                    }
                    // SAFETY: inside the first page.
                    unsafe {
                        let s = page.add(end - len - 1);
                        core::ptr::write_bytes(s, b'x', len);
                        *s.add(len) = 0;
                        assert_eq!(strlen(s), len, "len {len} ending at {end}");
                    }
                }
            }
        });
    }

    #[test]
    fn strcmp_stays_in_the_pages() {
        let (pa, pb) = (guarded(), guarded());
        each_level(|| {
            for len in (0..300).chain([1000, 4000]) {
                for (ea, eb) in [(PAGE, PAGE), (PAGE - 3, PAGE), (PAGE, PAGE - 17), (PAGE - 40, PAGE - 1)] {
                    // SAFETY: inside the first pages.
                    unsafe {
                        let (a, b) = (pa.add(ea - len - 1), pb.add(eb - len - 1));
                        for i in 0..len {
                            let c = b'a' + (i % 23) as u8;
                            (*a.add(i), *b.add(i)) = (c, c);
                        }
                        (*a.add(len), *b.add(len)) = (0, 0);
                        assert_eq!(strcmp(a, b), 0, "len {len}");
                        for d in [0, len / 2, len.saturating_sub(1)] {
                            if d < len {
                                *b.add(d) += 1;
                                assert!(strcmp(a, b) < 0, "len {len} at {d}");
                                assert!(strcmp(b, a) > 0, "len {len} at {d}");
                                *b.add(d) -= 1;
                            }
                        }
                        // A shorter b: its NUL against a's byte.
                        if len > 0 {
                            *b.add(len - 1) = 0;
                            assert!(strcmp(a, b) > 0);
                            *b.add(len - 1) = *a.add(len - 1);
                        }
                    }
                }
            }
        });
    }

    #[test]
    fn memcpy_copies_exactly() {
        each_level(|| {
            let src: std::vec::Vec<u8> = (0..5100u32).map(|i| (i * 7 + 3) as u8).collect();
            for n in (0..700).chain([2047, 2048, 2049, 5000]) {
                for off in [0, 1, 13] {
                    let mut dst = std::vec![0u8; 5100];
                    // SAFETY: both buffers hold n + off bytes.
                    let r = unsafe { memcpy(dst.as_mut_ptr().add(off), src.as_ptr().add(off), n) };
                    assert_eq!(r, dst.as_mut_ptr().wrapping_add(off));
                    assert!(dst[..off].iter().all(|&b| b == 0));
                    assert_eq!(dst[off..off + n], src[off..off + n], "n {n} off {off}");
                    assert!(dst[off + n..].iter().all(|&b| b == 0), "n {n} off {off}");
                }
            }
        });
    }
}
