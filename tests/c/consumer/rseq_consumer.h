/* A library that uses rseq(2) the way code written for glibc does (the
 * kernel's rseq selftests, librseq, tcmalloc-style allocators): it decides
 * once, in a constructor or at its first use, whether the C library
 * registers rseq, from glibc's __rseq_offset/__rseq_size (weak references,
 * or dlsym), and registers an area of its own only when the C library does
 * not. Then it runs per-CPU critical sections on whichever area it found.
 *
 * Built with -DPROTOCOL_AWARE it also knows crt0's owner protocol: where the
 * runtime offers crt0_rseq_claim_override (a weak reference, so the same
 * source links against glibc), it claims OVERRIDE and registers its own.
 *
 * The tests build the same sources against glibc (gcc -static) and with
 * crt/crt0-cc and compare what they print. */
#ifndef RSEQ_CONSUMER_H
#define RSEQ_CONSUMER_H
#include <stddef.h>

enum consumer_verdict { VERDICT_UNDECIDED, VERDICT_LIBC, VERDICT_OWN, VERDICT_NONE };

struct consumer_state {
    enum consumer_verdict verdict;
    const char *first_use; /* "ctor" or "alloc": where the decision was made */
    const char *lookup;    /* "weak", "dlsym" or "none": how glibc's symbols were found */
    int size_seen;         /* __rseq_size was > 0 when deciding */
    int claimed;           /* PROTOCOL_AWARE: claimed OVERRIDE from the runtime */
    int error;             /* errno of a failed registration of our own */
    int decide_cpu_id;     /* cpu_id of the chosen area when deciding */
};
extern struct consumer_state consumer;

/* The kernel's struct rseq, as far as this library reads it. */
struct consumer_rseq {
    unsigned int cpu_id_start;
    int cpu_id;
    unsigned long rseq_cs;
    unsigned int flags;
    unsigned int pad[3];
} __attribute__((aligned(32)));

/* One counter word per CPU for critical sections, and one for the
 * fallback's atomics (never mixed on one word), a cache line each. */
#define CONSUMER_CPUS 256
struct consumer_counter {
    struct {
        long rseq, atomic;
        char pad[48];
    } slot[CONSUMER_CPUS];
};

/* Decides (once; later calls do nothing). */
void consumer_init(const char *where);
/* An allocator entry point that decides lazily at its first call, as
 * tcmalloc-style allocators do; it also counts one add on `c`. */
void *consumer_alloc(struct consumer_counter *c, size_t n);
/* Per thread: register our own area if that is the plan; undo at exit.
 * Returns 0, or -1 with errno when our registration failed. */
int consumer_thread_start(void);
void consumer_thread_exit(void);
/* The calling thread's area: the C library's at __rseq_offset, or ours. */
struct consumer_rseq *consumer_area(void);
/* Adds n to the calling CPU's word: a critical section when the area is
 * registered (cpu_id >= 0), else an atomic add on the fallback word of the
 * CPU getcpu(2) names. Returns 1 if it took the critical section. */
int consumer_add(struct consumer_counter *c, long n);
long consumer_sum(const struct consumer_counter *c);
#endif
