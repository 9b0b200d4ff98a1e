# crt0 entry points for x86_64 Linux (System V psABI, section 3.4.1).
# The kernel enters with %rsp pointing at argc; every other register is
# unspecified except %rdx (an rtld fini pointer, zero for static executables).
# Nothing here may touch memory: no global is safe to read before Rust has
# parsed the auxiliary vector (and, for static-PIE, relocated the image);
# __ehdr_start is only an address, computed relative to the code.
#
# Two entries, each in its own section so that --gc-sections keeps only the
# one the link names (as glibc has crt1.o and rcrt1.o): _start for programs
# linked at a fixed address, and _start_pie (-e _start_pie) for static-PIE.

    .section .text._start, "ax", @progbits
    .globl  _start
    .type   _start, @function
_start:
    .cfi_startproc
    .cfi_undefined rip              # no caller: gdb stops unwinding here
    xor     %ebp, %ebp              # null frame pointer ends frame-pointer walks too
    mov     %rsp, %rdi              # arg 1: the initial stack (argc, argv..., envp..., auxv...)
    lea     __ehdr_start(%rip), %rsi # arg 2: the ELF header, so a static-PIE entered here is refused
    and     $-16, %rsp              # the ABI wants %rsp 16-aligned before a call
    call    crt0_start              # never returns; the pushed return address makes the frame look normal
    ud2                             # unreachable: trap instead of running off the end
    .cfi_endproc
    .size   _start, . - _start

    .section .text._start_pie, "ax", @progbits
    .globl  _start_pie
    .type   _start_pie, @function
_start_pie:
    .cfi_startproc
    .cfi_undefined rip              # no caller: gdb stops unwinding here
    xor     %ebp, %ebp              # null frame pointer ends frame-pointer walks too
    mov     %rsp, %rbx              # the initial stack, kept across the call (callee-saved)
    lea     __ehdr_start(%rip), %rdi # arg 1: where the ELF header is now (link address + load bias)
    and     $-16, %rsp              # the ABI wants %rsp 16-aligned before a call
    call    crt0_relocate           # RELATIVE and RELR: from here on, stored pointers are right
    mov     %rbx, %rdi              # arg 1: the initial stack
    xor     %esi, %esi              # arg 2: no header: relocated, nothing to refuse
    call    crt0_start              # never returns
    ud2                             # unreachable: trap instead of running off the end
    .cfi_endproc
    .size   _start_pie, . - _start_pie
