/* One rseq critical section per architecture: if the area still says we
 * are on `cpu`, *slot += n, committed by a single store. The descriptor
 * (struct rseq_cs: version, flags, start_ip, post_commit_offset, abort_ip)
 * goes into __rseq_cs; the abort handler into __rseq_failure, behind the
 * architecture's signature, which the kernel checks before jumping there.
 * Returns 0 when committed, 1 when aborted (preempted, migrated, signalled
 * or no longer on `cpu`). */
#ifndef CONSUMER_PERCPU_ASM_H
#define CONSUMER_PERCPU_ASM_H

#if defined(__x86_64__)
#define CONSUMER_RSEQ_SIG 0x53053053
static inline int percpu_add_cs(struct consumer_rseq *rs, long *slot, int cpu, long n)
{
    __asm__ goto(
        ".pushsection __rseq_cs, \"aw\"\n\t"
        ".balign 32\n\t"
        "333:\n\t"
        ".long 0, 0\n\t"            /* version 0, flags 0 */
        ".quad 1f, 2f - 1f, 4f\n\t" /* start, length, abort handler */
        ".popsection\n\t"
        "leaq 333b(%%rip), %%rax\n\t"
        "movq %%rax, 8(%[rs])\n\t"  /* rseq_cs: the kernel watches from here */
        "1:\n\t"
        "cmpl %[cpu], 4(%[rs])\n\t" /* still on the CPU whose word we take? */
        "jnz %l[aborted]\n\t"
        "movq (%[slot]), %%rcx\n\t"
        "addq %[n], %%rcx\n\t"
        "movq %%rcx, (%[slot])\n\t" /* the commit */
        "2:\n\t"
        ".pushsection __rseq_failure, \"ax\"\n\t"
        ".long 0x53053053\n\t"      /* signature, right before the handler */
        "4:\n\t"
        "jmp %l[aborted]\n\t"
        ".popsection\n\t"
        :
        : [rs] "r"(rs), [cpu] "r"(cpu), [slot] "r"(slot), [n] "r"(n)
        : "memory", "cc", "rax", "rcx"
        : aborted);
    return 0;
aborted:
    return 1;
}
#elif defined(__aarch64__)
#define CONSUMER_RSEQ_SIG 0xd428bc00 /* brk #0x45e0 */
static inline int percpu_add_cs(struct consumer_rseq *rs, long *slot, int cpu, long n)
{
    __asm__ goto(
        ".pushsection __rseq_cs, \"aw\"\n\t"
        ".balign 32\n\t"
        "333:\n\t"
        ".long 0, 0\n\t"
        ".quad 1f, 2f - 1f, 4f\n\t"
        ".popsection\n\t"
        "adrp x9, 333b\n\t"
        "add x9, x9, :lo12:333b\n\t"
        "str x9, [%[rs], #8]\n\t"   /* rseq_cs: the kernel watches from here */
        "1:\n\t"
        "ldr w10, [%[rs], #4]\n\t"
        "cmp w10, %w[cpu]\n\t"      /* still on the CPU whose word we take? */
        "b.ne %l[aborted]\n\t"
        "ldr x11, [%[slot]]\n\t"
        "add x11, x11, %[n]\n\t"
        "str x11, [%[slot]]\n\t"    /* the commit */
        "2:\n\t"
        ".pushsection __rseq_failure, \"ax\"\n\t"
        ".long 0xd428bc00\n\t"      /* signature, right before the handler */
        "4:\n\t"
        "b %l[aborted]\n\t"
        ".popsection\n\t"
        :
        : [rs] "r"(rs), [cpu] "r"(cpu), [slot] "r"(slot), [n] "r"(n)
        : "memory", "cc", "x9", "x10", "x11"
        : aborted);
    return 0;
aborted:
    return 1;
}
#elif defined(__riscv) && __riscv_xlen == 64
#define CONSUMER_RSEQ_SIG 0xf1401073 /* csrw mhartid, x0 */
static inline int percpu_add_cs(struct consumer_rseq *rs, long *slot, int cpu, long n)
{
    __asm__ goto(
        ".pushsection __rseq_cs, \"aw\"\n\t"
        ".balign 32\n\t"
        "333:\n\t"
        ".long 0, 0\n\t"
        ".quad 1f, 2f - 1f, 4f\n\t"
        ".popsection\n\t"
        "lla t0, 333b\n\t"
        "sd t0, 8(%[rs])\n\t"      /* rseq_cs: the kernel watches from here */
        "1:\n\t"
        "lw t1, 4(%[rs])\n\t"
        "bne t1, %[cpu], %l[aborted]\n\t" /* still on the CPU whose word we take? */
        "ld t2, 0(%[slot])\n\t"
        "add t2, t2, %[n]\n\t"
        "sd t2, 0(%[slot])\n\t"    /* the commit */
        "2:\n\t"
        ".pushsection __rseq_failure, \"ax\"\n\t"
        ".long 0xf1401073\n\t"     /* signature, right before the handler */
        "4:\n\t"
        "j %l[aborted]\n\t"
        ".popsection\n\t"
        :
        : [rs] "r"(rs), [cpu] "r"((long)cpu), [slot] "r"(slot), [n] "r"(n)
        : "memory", "t0", "t1", "t2"
        : aborted);
    return 0;
aborted:
    return 1;
}
#else
#error "no rseq critical section for this architecture"
#endif

static inline void *consumer_thread_pointer(void)
{
    void *tp;
#if defined(__x86_64__)
    __asm__("movq %%fs:0, %0" : "=r"(tp)); /* the TCB's self pointer */
#elif defined(__aarch64__)
    __asm__("mrs %0, tpidr_el0" : "=r"(tp));
#else
    __asm__("mv %0, tp" : "=r"(tp));
#endif
    return tp;
}
#endif
