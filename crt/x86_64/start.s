# crt0 entry point for x86_64 Linux (System V psABI, section 3.4.1).
# The kernel enters here with %rsp pointing at argc; every other register is
# unspecified except %rdx (an rtld fini pointer, zero for static executables).
# Nothing here may touch memory: no global is safe to read before Rust has
# parsed the auxiliary vector (and, for static-PIE, relocated the image).

    .text
    .globl  _start
    .type   _start, @function
_start:
    .cfi_startproc
    .cfi_undefined rip              # no caller: gdb stops unwinding here
    xor     %ebp, %ebp              # null frame pointer ends frame-pointer walks too
    mov     %rsp, %rdi              # arg 1: the initial stack (argc, argv..., envp..., auxv...)
    and     $-16, %rsp              # the ABI wants %rsp 16-aligned before a call
    call    crt0_start              # never returns; the pushed return address makes the frame look normal
    ud2                             # unreachable: trap instead of running off the end
    .cfi_endproc
    .size   _start, . - _start
