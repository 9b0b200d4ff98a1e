/* The riscv64 floor of the start-up benchmark (`startup-riscv64`): a static "hello" with no
   runtime at all, the counterpart of floor.S. */
	.globl	_start
	.text
_start:
	li	a7, 64			/* write */
	li	a0, 1
	lla	a1, msg
	li	a2, 6
	ecall
	li	a7, 94			/* exit_group; the write's result is ignored, as nothing can report it */
	li	a0, 0
	ecall

	.section .rodata
msg:	.ascii	"hello\n"

	/* No executable stack: the linker would otherwise warn and mark it so. */
	.section .note.GNU-stack,"",@progbits
