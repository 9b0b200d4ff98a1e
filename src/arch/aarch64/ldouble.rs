//! Returning a long double (IEEE binary128, in q0): `strtold` calls crt0's
//! Rust conversion, which returns the value's bits in x0:x1 (an
//! `unsigned __int128`), and moves them into v0. In a section of its own,
//! so a program that does not call it links none of it.

#[cfg(not(test))]
core::arch::global_asm!(
    ".section .text.strtold,\"ax\",%progbits",
    ".globl strtold",
    ".type strtold,%function",
    "strtold:",
    ".cfi_startproc",
    "    stp x29, x30, [sp, #-16]!",     // frame record: the call clobbers x30
    ".cfi_def_cfa_offset 16",
    ".cfi_offset 29, -16",
    ".cfi_offset 30, -8",
    "    mov x29, sp",
    "    bl crt0_strtold_bits",          // (s, end) pass through in x0, x1
    "    fmov d0, x0",                   // low 64 bits of q0
    "    fmov v0.d[1], x1",              // high 64 bits: sign and exponent
    "    ldp x29, x30, [sp], #16",
    ".cfi_def_cfa_offset 0",
    "    ret",
    ".cfi_endproc",
    ".size strtold, . - strtold",
);
