//! valgrind's client requests on riscv64 (the sequence valgrind 3.25+
//! decodes for riscv64-linux, VEX/priv/guest_riscv64_toIR.c).
//!
//! Four `srli zero, zero, N` (N = 3, 13, 51, 61), uncompressed, mark the next
//! instruction, `or a0, a0, a0`, as a request: valgrind reads the request
//! and its five arguments from the six words `a4` points at and leaves its
//! answer in `a3`. On a real CPU (or under qemu-user) every one of them
//! writes the zero register or a0 with its own value: nothing changes, and
//! `a3` keeps the default.

use core::arch::asm;

/// Asks valgrind `args[0]` with the arguments `args[1..]`; `default` when not under valgrind.
#[inline(always)]
pub fn client_request(default: usize, args: &[usize; 6]) -> usize {
    let result;
    // SAFETY: natively, shifts into the zero register and an `or` of a0 with
    // itself: no register changes, no memory is touched. Under valgrind the
    // tool reads the six words at `args`, which live until the sequence ends.
    // The asm is not marked readonly, so no access to a block moves across a
    // request about it.
    unsafe {
        asm!(
            ".option push",
            ".option norvc",      // the preamble is matched as 4-byte instructions
            "srli zero, zero, 3", // the preamble
            "srli zero, zero, 13",
            "srli zero, zero, 51",
            "srli zero, zero, 61",
            "or a0, a0, a0",      // the request: a3 = request(*a4)
            ".option pop",
            in("a4") args.as_ptr(),
            inout("a3") default => result,
            options(nostack, preserves_flags),
        );
    }
    result
}
