/* The floor of the start-up benchmark: a static "hello" with no runtime at all. Anything a
   start-up runtime does shows up as the difference from this program. */
	.globl	_start
	.text
_start:
	mov	$1, %eax		/* write */
	mov	$1, %edi
	lea	msg(%rip), %rsi
	mov	$6, %edx
	syscall
	mov	$231, %eax		/* exit_group; the write's result is ignored, as nothing can report it */
	xor	%edi, %edi
	syscall

	.section .rodata
msg:	.ascii	"hello\n"

	/* No executable stack: the linker would otherwise warn and mark it so. */
	.section .note.GNU-stack,"",@progbits
