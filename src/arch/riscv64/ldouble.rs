//! Returning a long double (IEEE binary128): the lp64d psABI returns a
//! 16-byte scalar in a0:a1, floating-point or not (it is wider than the
//! FP registers), which is where crt0's Rust conversion returns its bits
//! as an `unsigned __int128`. So `strtold` is a tail call to it. In a
//! section of its own, so a program that does not call it links none of it.

#[cfg(not(test))]
core::arch::global_asm!(
    ".section .text.strtold,\"ax\",%progbits",
    ".globl strtold",
    ".type strtold,%function",
    "strtold:",
    ".cfi_startproc",
    "    tail crt0_strtold_bits",        // (s, end) in a0, a1; the bits come back in a0:a1
    ".cfi_endproc",
    ".size strtold, . - strtold",
);
