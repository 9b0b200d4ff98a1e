//! Copy and fill loops for `memcpy`, `memmove` and `memset`. aarch64 has no
//! string instructions before FEAT_MOPS, and a plain Rust loop would be
//! recognised by LLVM and compiled into a call to the very function it
//! implements. So the loops are inline assembly: 16 bytes per iteration
//! with `ldp`/`stp` (unaligned accesses are fine on normal memory), then
//! single bytes for the tail.
//!
//! Each 16-byte chunk is loaded whole before it is stored, which is what
//! makes the forward copy safe for `dst <= src` and the backward copy safe
//! for `dst > src` when the ranges overlap.

use core::arch::asm;

/// Copies `n` bytes forward.
///
/// # Safety
/// `dst` and `src` must be valid for `n` bytes; overlap only if `dst <= src`.
#[inline(always)]
pub unsafe fn copy_forward(dst: *mut u8, src: *const u8, n: usize) {
    // SAFETY: per the caller, every address touched is below dst + n / src + n.
    unsafe {
        asm!(
            "subs {n}, {n}, #16",           // n - 16: borrow means no whole chunk
            "b.lo 3f",
            "2:",
            "ldp {a}, {b}, [{src}], #16",
            "stp {a}, {b}, [{dst}], #16",
            "subs {n}, {n}, #16",
            "b.hs 2b",
            "3:",
            "adds {n}, {n}, #16",           // back to the 0..15 bytes left
            "b.eq 5f",
            "4:",
            "ldrb {a:w}, [{src}], #1",
            "strb {a:w}, [{dst}], #1",
            "subs {n}, {n}, #1",
            "b.ne 4b",
            "5:",
            n = inout(reg) n => _,
            dst = inout(reg) dst => _,
            src = inout(reg) src => _,
            a = out(reg) _,
            b = out(reg) _,
            options(nostack),
        );
    }
}

/// Copies `n` bytes backward, from the end (for overlapping `memmove` with
/// `dst > src`).
///
/// # Safety
/// `dst` and `src` must be valid for `n` bytes.
#[inline(always)]
#[cfg_attr(any(test, all(panic = "unwind", not(doc))), allow(dead_code))] // used by memmove, which unit tests leave out
pub unsafe fn copy_backward(dst: *mut u8, src: *const u8, n: usize) {
    // SAFETY: per the caller, every address touched is in [dst, dst + n) / [src, src + n).
    unsafe {
        asm!(
            "add {src}, {src}, {n}",        // both pointers one past the end
            "add {dst}, {dst}, {n}",
            "subs {n}, {n}, #16",
            "b.lo 3f",
            "2:",
            "ldp {a}, {b}, [{src}, #-16]!",
            "stp {a}, {b}, [{dst}, #-16]!",
            "subs {n}, {n}, #16",
            "b.hs 2b",
            "3:",
            "adds {n}, {n}, #16",
            "b.eq 5f",
            "4:",
            "ldrb {a:w}, [{src}, #-1]!",
            "strb {a:w}, [{dst}, #-1]!",
            "subs {n}, {n}, #1",
            "b.ne 4b",
            "5:",
            n = inout(reg) n => _,
            dst = inout(reg) dst => _,
            src = inout(reg) src => _,
            a = out(reg) _,
            b = out(reg) _,
            options(nostack),
        );
    }
}

/// Fills `n` bytes with `byte`.
///
/// # Safety
/// `dst` must be valid for `n` bytes.
#[inline(always)]
#[cfg_attr(any(test, all(panic = "unwind", not(doc))), allow(dead_code))] // used by memset, which unit tests leave out
pub unsafe fn fill(dst: *mut u8, byte: u8, n: usize) {
    let pattern = u64::from(byte) * 0x0101_0101_0101_0101; // the byte in all 8 lanes
    // SAFETY: per the caller, every address touched is in [dst, dst + n).
    unsafe {
        asm!(
            "subs {n}, {n}, #16",
            "b.lo 3f",
            "2:",
            "stp {p}, {p}, [{dst}], #16",
            "subs {n}, {n}, #16",
            "b.hs 2b",
            "3:",
            "adds {n}, {n}, #16",
            "b.eq 5f",
            "4:",
            "strb {p:w}, [{dst}], #1",
            "subs {n}, {n}, #1",
            "b.ne 4b",
            "5:",
            n = inout(reg) n => _,
            dst = inout(reg) dst => _,
            p = in(reg) pattern,
            options(nostack),
        );
    }
}
