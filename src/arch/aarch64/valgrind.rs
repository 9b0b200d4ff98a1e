//! valgrind's client requests on aarch64 (the sequence valgrind.h documents for arm64-linux).
//!
//! Four `ror`s of `x12` whose counts add up to 128 (so `x12` comes back unchanged) mark the
//! next instruction, `orr x10, x10, x10`, as a request: valgrind reads the request and its
//! five arguments from the six words `x4` points at and leaves its answer in `x3`. On a real
//! CPU (or under qemu-user) the sequence does nothing, and `x3` keeps the default.

use core::arch::asm;

/// Asks valgrind `args[0]` with the arguments `args[1..]`; `default` when not under valgrind.
#[inline(always)]
pub fn client_request(default: usize, args: &[usize; 6]) -> usize {
    let result;
    // SAFETY: natively, four rotations of x12 by 128 bits in all and an `orr` of x10 with
    // itself: no register changes, no memory is touched, the flags are not set. Under
    // valgrind the tool reads the six words at `args`, which live until the sequence ends.
    // The asm is not marked readonly, so no access to a block moves across a request about it.
    unsafe {
        asm!(
            "ror x12, x12, #3",   // the preamble: 3 + 13 + 51 + 61 = 128
            "ror x12, x12, #13",
            "ror x12, x12, #51",
            "ror x12, x12, #61",
            "orr x10, x10, x10",  // the request: x3 = request(*x4)
            in("x4") args.as_ptr(),
            inout("x3") default => result,
            options(nostack, preserves_flags),
        );
    }
    result
}
