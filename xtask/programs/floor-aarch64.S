/* The aarch64 floor of the start-up benchmark (`startup-aarch64`): a static "hello" with no
   runtime at all, the counterpart of floor.S. */
	.globl	_start
	.text
_start:
	mov	x8, #64			/* write */
	mov	x0, #1
	adr	x1, msg
	mov	x2, #6
	svc	#0
	mov	x8, #94			/* exit_group; the write's result is ignored, as nothing can report it */
	mov	x0, #0
	svc	#0

	.section .rodata
msg:	.ascii	"hello\n"

	/* No executable stack: the linker would otherwise warn and mark it so. */
	.section .note.GNU-stack,"",@progbits
