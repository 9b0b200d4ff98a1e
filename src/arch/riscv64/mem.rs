//! Copy and fill loops for `memcpy`, `memmove` and `memset`. RV64GC has no
//! string instructions, and a plain Rust loop would be recognised by LLVM
//! and compiled into a call to the very function it implements; so the
//! loops are inline assembly. Unlike aarch64, riscv may trap on a
//! misaligned load or store (Linux then emulates it, hundreds of times
//! slower), so whole words are moved only when the two pointers share
//! their alignment: bytes until both are 8-aligned, 8-byte words, then the
//! tail bytes. Pointers that disagree mod 8 are copied byte by byte.
//!
//! Each word is loaded before it is stored, which makes the forward copy
//! safe for `dst <= src` and the backward copy safe for `dst > src` when
//! the ranges overlap.

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
            "li {w}, 8",                    // the word size, for the compares
            "xor {t}, {dst}, {src}",
            "andi {t}, {t}, 7",
            "bnez {t}, 4f",                 // different alignments: bytes only
            "2:",
            "andi {t}, {dst}, 7",           // bytes until both are 8-aligned
            "beqz {t}, 3f",
            "beqz {n}, 5f",
            "lbu {t}, 0({src})",
            "sb {t}, 0({dst})",
            "addi {src}, {src}, 1",
            "addi {dst}, {dst}, 1",
            "addi {n}, {n}, -1",
            "j 2b",
            "3:",
            "bltu {n}, {w}, 4f",            // fewer than 8 left
            "ld {t}, 0({src})",
            "sd {t}, 0({dst})",
            "addi {src}, {src}, 8",
            "addi {dst}, {dst}, 8",
            "addi {n}, {n}, -8",
            "j 3b",
            "4:",
            "beqz {n}, 5f",                 // the tail (or everything), bytes
            "lbu {t}, 0({src})",
            "sb {t}, 0({dst})",
            "addi {src}, {src}, 1",
            "addi {dst}, {dst}, 1",
            "addi {n}, {n}, -1",
            "j 4b",
            "5:",
            n = inout(reg) n => _,
            dst = inout(reg) dst => _,
            src = inout(reg) src => _,
            t = out(reg) _,
            w = out(reg) _,
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
#[cfg_attr(test, allow(dead_code))] // used by memmove, which unit tests leave out
pub unsafe fn copy_backward(dst: *mut u8, src: *const u8, n: usize) {
    // SAFETY: per the caller, every address touched is in [dst, dst + n) / [src, src + n).
    unsafe {
        asm!(
            "add {src}, {src}, {n}",        // both pointers one past the end
            "add {dst}, {dst}, {n}",
            "li {w}, 8",                    // the word size, for the compares
            "xor {t}, {dst}, {src}",
            "andi {t}, {t}, 7",
            "bnez {t}, 4f",
            "2:",
            "andi {t}, {dst}, 7",           // bytes until both ends are 8-aligned
            "beqz {t}, 3f",
            "beqz {n}, 5f",
            "addi {src}, {src}, -1",
            "addi {dst}, {dst}, -1",
            "lbu {t}, 0({src})",
            "sb {t}, 0({dst})",
            "addi {n}, {n}, -1",
            "j 2b",
            "3:",
            "bltu {n}, {w}, 4f",
            "addi {src}, {src}, -8",
            "addi {dst}, {dst}, -8",
            "ld {t}, 0({src})",
            "sd {t}, 0({dst})",
            "addi {n}, {n}, -8",
            "j 3b",
            "4:",
            "beqz {n}, 5f",
            "addi {src}, {src}, -1",
            "addi {dst}, {dst}, -1",
            "lbu {t}, 0({src})",
            "sb {t}, 0({dst})",
            "addi {n}, {n}, -1",
            "j 4b",
            "5:",
            n = inout(reg) n => _,
            dst = inout(reg) dst => _,
            src = inout(reg) src => _,
            t = out(reg) _,
            w = out(reg) _,
            options(nostack),
        );
    }
}

/// Fills `n` bytes with `byte`.
///
/// # Safety
/// `dst` must be valid for `n` bytes.
#[inline(always)]
#[cfg_attr(test, allow(dead_code))] // used by memset, which unit tests leave out
pub unsafe fn fill(dst: *mut u8, byte: u8, n: usize) {
    let pattern = u64::from(byte) * 0x0101_0101_0101_0101; // the byte in all 8 lanes
    // SAFETY: per the caller, every address touched is in [dst, dst + n).
    unsafe {
        asm!(
            "li {w}, 8",                    // the word size, for the compare
            "2:",
            "andi {t}, {dst}, 7",           // bytes until dst is 8-aligned
            "beqz {t}, 3f",
            "beqz {n}, 5f",
            "sb {p}, 0({dst})",
            "addi {dst}, {dst}, 1",
            "addi {n}, {n}, -1",
            "j 2b",
            "3:",
            "bltu {n}, {w}, 4f",
            "sd {p}, 0({dst})",
            "addi {dst}, {dst}, 8",
            "addi {n}, {n}, -8",
            "j 3b",
            "4:",
            "beqz {n}, 5f",
            "sb {p}, 0({dst})",
            "addi {dst}, {dst}, 1",
            "addi {n}, {n}, -1",
            "j 4b",
            "5:",
            n = inout(reg) n => _,
            dst = inout(reg) dst => _,
            p = in(reg) pattern,
            t = out(reg) _,
            w = out(reg) _,
            options(nostack),
        );
    }
}
