// crt0 entry points for riscv64 Linux (the lp64d psABI; the kernel's ELF
// loader). The kernel enters with sp pointing at argc and 16-aligned; a0
// may hold an rtld fini pointer (zero for static executables); gp, tp, s0
// and ra are not meaningful. Nothing here may touch memory: no global is
// safe to read before Rust has parsed the auxiliary vector (and, for
// static-PIE, relocated the image); __ehdr_start and __global_pointer$ are
// only addresses, computed relative to the code.
//
// gp: linkers may relax an access to a global near __global_pointer$ into
// one gp-relative instruction (GNU ld does by default; rust-lld with
// --relax-gp), so gp must hold that address before any such code runs:
// the first instruction pair, with relaxation off for it (relaxed, it
// would become `addi gp, gp, 0`: gp computed from itself). Threads and
// signal handlers inherit it: it is the same for the whole process.
//
// Two entries, each in its own section so that --gc-sections keeps only the
// one the link names (as glibc has crt1.o and rcrt1.o): _start for programs
// linked at a fixed address, and _start_pie (-e _start_pie) for static-PIE.

    .section .text._start, "ax", %progbits
    .globl  _start
    .type   _start, %function
_start:
    .cfi_startproc
    .cfi_undefined ra               // no caller: gdb stops unwinding here
    .option push
    .option norelax
    lla     gp, __global_pointer$   // PC-relative, so right before and after relocation
    .option pop
    li      s0, 0                   // null frame pointer: frame-pointer walks end at crt0_start's saved s0
    li      ra, 0                   // and no return address, should a debugger stop in _start itself
    mv      a0, sp                  // arg 1: the initial stack (argc, argv..., envp..., auxv...)
    lla     a1, __ehdr_start        // arg 2: the ELF header, so that a static-PIE entered here is refused
    andi    sp, sp, -16             // the psABI wants sp 16-aligned (the kernel gives that; cheap insurance)
    call    crt0_start              // never returns
    unimp                           // unreachable: trap instead of running off the end
    .cfi_endproc
    .size   _start, . - _start

    .section .text._start_pie, "ax", %progbits
    .globl  _start_pie
    .type   _start_pie, %function
_start_pie:
    .cfi_startproc
    .cfi_undefined ra               // no caller: gdb stops unwinding here
    .option push
    .option norelax
    lla     gp, __global_pointer$   // PC-relative: right although nothing is relocated yet
    .option pop
    li      s0, 0                   // null frame pointer, as in _start
    li      ra, 0
    mv      s1, sp                  // the initial stack, kept across the call (callee-saved)
    lla     a0, __ehdr_start        // arg 1: where the ELF header is now (link address + load bias)
    andi    sp, s1, -16             // 16-aligned, as in _start
    call    crt0_relocate           // RELATIVE and RELR: from here on, stored pointers are right
    mv      a0, s1                  // arg 1: the initial stack
    li      a1, 0                   // arg 2: no header: relocated, nothing to refuse
    call    crt0_start              // never returns
    unimp                           // unreachable: trap instead of running off the end
    .cfi_endproc
    .size   _start_pie, . - _start_pie
