//! Returning a long double (x87 80-bit extended, in st(0)), which Rust
//! cannot express: `strtold` calls crt0's Rust conversion, which returns
//! the value's bits in rax:rdx, and loads them onto the x87 stack. In a
//! section of its own, so a program that does not call it links none of it.

#[cfg(not(test))]
core::arch::global_asm!(
    ".section .text.strtold,\"ax\",@progbits",
    ".globl strtold",
    ".type strtold,@function",
    "strtold:",
    ".cfi_startproc",
    "    sub $24, %rsp",                 // a 16-byte slot; the call needs rsp 16-aligned
    ".cfi_def_cfa_offset 32",
    "    call crt0_strtold_bits",        // (s, end) pass through in rdi, rsi
    "    mov %rax, (%rsp)",              // the 80-bit value's low 8 bytes
    "    mov %rdx, 8(%rsp)",             // its sign and exponent
    "    fldt (%rsp)",                   // st(0): the return value
    "    add $24, %rsp",
    ".cfi_def_cfa_offset 8",
    "    ret",
    ".cfi_endproc",
    ".size strtold, . - strtold",
    options(att_syntax)
);
