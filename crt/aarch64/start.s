// crt0 entry point for aarch64 Linux (AAPCS64; the kernel's ELF loader).
// The kernel enters here with sp pointing at argc; x0 may hold an rtld fini
// pointer (zero for static executables) and x29/x30 are not meaningful.
// Nothing here may touch memory: no global is safe to read before Rust has
// parsed the auxiliary vector (and, for static-PIE, relocated the image).

    .text
    .globl  _start
    .type   _start, %function
_start:
    .cfi_startproc
    .cfi_undefined x30              // no caller: gdb stops unwinding here
    mov     x29, #0                 // null frame record: frame-pointer walks end at crt0_start's saved x29
    mov     x30, #0                 // and no return address, should a debugger stop in _start itself
    mov     x0, sp                  // arg 1: the initial stack (argc, argv..., envp..., auxv...)
    and     sp, x0, #-16            // AAPCS64 wants sp 16-aligned at every access (the kernel gives that; cheap insurance)
    bl      crt0_start              // never returns
    udf     #0                      // unreachable: trap instead of running off the end
    .cfi_endproc
    .size   _start, . - _start
