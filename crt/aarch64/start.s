// crt0 entry points for aarch64 Linux (AAPCS64; the kernel's ELF loader).
// The kernel enters with sp pointing at argc; x0 may hold an rtld fini
// pointer (zero for static executables) and x29/x30 are not meaningful.
// Nothing here may touch memory: no global is safe to read before Rust has
// parsed the auxiliary vector (and, for static-PIE, relocated the image);
// __ehdr_start is only an address, computed relative to the code.
//
// Two entries, each in its own section so that --gc-sections keeps only the
// one the link names (as glibc has crt1.o and rcrt1.o): _start for programs
// linked at a fixed address, and _start_pie (-e _start_pie) for static-PIE.

    .section .text._start, "ax", %progbits
    .globl  _start
    .type   _start, %function
_start:
    .cfi_startproc
    .cfi_undefined x30              // no caller: gdb stops unwinding here
    mov     x29, #0                 // null frame record: frame-pointer walks end at crt0_start's saved x29
    mov     x30, #0                 // and no return address, should a debugger stop in _start itself
    mov     x0, sp                  // arg 1: the initial stack (argc, argv..., envp..., auxv...)
    adrp    x1, __ehdr_start        // arg 2: the ELF header, so that a static-PIE
    add     x1, x1, :lo12:__ehdr_start //  entered here is refused (PC-relative)
    and     sp, x0, #-16            // AAPCS64 wants sp 16-aligned at every access (the kernel gives that; cheap insurance)
    bl      crt0_start              // never returns
    udf     #0                      // unreachable: trap instead of running off the end
    .cfi_endproc
    .size   _start, . - _start

    .section .text._start_pie, "ax", %progbits
    .globl  _start_pie
    .type   _start_pie, %function
_start_pie:
    .cfi_startproc
    .cfi_undefined x30              // no caller: gdb stops unwinding here
    mov     x29, #0                 // null frame record, as in _start
    mov     x30, #0
    mov     x19, sp                 // the initial stack, kept across the call (callee-saved)
    adrp    x0, __ehdr_start        // arg 1: where the ELF header is now (link address
    add     x0, x0, :lo12:__ehdr_start //  + load bias), PC-relative: nothing is relocated yet
    and     sp, x19, #-16           // 16-aligned, as in _start
    bl      crt0_relocate           // RELATIVE and RELR: from here on, stored pointers are right
    mov     x0, x19                 // arg 1: the initial stack
    mov     x1, #0                  // arg 2: no header: relocated, nothing to refuse
    bl      crt0_start              // never returns
    udf     #0                      // unreachable: trap instead of running off the end
    .cfi_endproc
    .size   _start_pie, . - _start_pie
