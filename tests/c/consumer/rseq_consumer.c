/* See rseq_consumer.h. Written as a library for glibc would be: glibc's
 * symbols as weak references, dlsym(RTLD_NEXT) when they are not linked,
 * glibc's rule (__rseq_size > 0: the C library registers every thread's
 * area at __rseq_offset; 0: register our own), cpu_id < 0 taken as "not
 * registered" everywhere. It uses nothing but what crt0 and glibc both
 * have: getenv, syscall, dlsym. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rseq_consumer.h"
#include "percpu_asm.h"

extern const ptrdiff_t __rseq_offset __attribute__((weak));
extern const unsigned int __rseq_size __attribute__((weak));
#ifdef PROTOCOL_AWARE
int crt0_rseq_claim_override(void) __attribute__((weak));
#endif

struct consumer_state consumer;

static const ptrdiff_t *libc_offset;
static const unsigned int *libc_size;

/* Our own area, used only when the C library does not register. */
static __thread struct consumer_rseq own = {.cpu_id = -1};

#define RSEQ_FLAG_UNREGISTER 1
#define CPU_ID_REGISTRATION_FAILED (-2)

static int same(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

/* glibc's symbols: weak references first, as the kernel's selftests do,
 * dlsym(RTLD_NEXT, ...) when they are not linked, and only dlsym when
 * CONSUMER_LOOKUP=dlsym (as librseq does). */
static void find_libc(void)
{
    const char *how = getenv("CONSUMER_LOOKUP");
    if (!(how && same(how, "dlsym")) && &__rseq_size && &__rseq_offset) {
        libc_offset = &__rseq_offset;
        libc_size = &__rseq_size;
        consumer.lookup = "weak";
        return;
    }
    libc_offset = dlsym(RTLD_NEXT, "__rseq_offset");
    libc_size = dlsym(RTLD_NEXT, "__rseq_size");
    consumer.lookup = libc_offset && libc_size ? "dlsym" : "none";
}

static int register_own(void)
{
    if (syscall(SYS_rseq, &own, sizeof own, 0, CONSUMER_RSEQ_SIG) == 0)
        return 0;
    own.cpu_id = CPU_ID_REGISTRATION_FAILED;
    return -1;
}

void consumer_init(const char *where)
{
    if (consumer.verdict != VERDICT_UNDECIDED)
        return;
    consumer.first_use = where;
    find_libc();
#ifdef PROTOCOL_AWARE
    if (crt0_rseq_claim_override)
        consumer.claimed = crt0_rseq_claim_override();
#endif
    consumer.size_seen = libc_size && *libc_size > 0;
    if (consumer.size_seen) {
        consumer.verdict = VERDICT_LIBC;
    } else if (register_own() == 0) {
        consumer.verdict = VERDICT_OWN;
    } else {
        consumer.verdict = VERDICT_NONE;
        consumer.error = errno;
    }
    consumer.decide_cpu_id = consumer_area()->cpu_id;
}

__attribute__((constructor(102))) static void consumer_ctor(void)
{
    consumer_init("ctor");
}

struct consumer_rseq *consumer_area(void)
{
    if (consumer.verdict == VERDICT_LIBC)
        return (struct consumer_rseq *)((char *)consumer_thread_pointer() + *libc_offset);
    return &own;
}

void *consumer_alloc(struct consumer_counter *c, size_t n)
{
    consumer_init("alloc");
    consumer_add(c, 1);
    return malloc(n);
}

int consumer_thread_start(void)
{
    if (consumer.verdict == VERDICT_OWN)
        return register_own();
    if (consumer.verdict == VERDICT_NONE)
        own.cpu_id = CPU_ID_REGISTRATION_FAILED;
    return 0;
}

void consumer_thread_exit(void)
{
    if (consumer.verdict == VERDICT_OWN && own.cpu_id >= 0)
        syscall(SYS_rseq, &own, sizeof own, RSEQ_FLAG_UNREGISTER, CONSUMER_RSEQ_SIG);
}

int consumer_add(struct consumer_counter *c, long n)
{
    struct consumer_rseq *rs = consumer_area();
    for (;;) {
        int cpu = __atomic_load_n(&rs->cpu_id, __ATOMIC_RELAXED);
        if (cpu < 0) {
            /* Not registered (yet): no CPU to trust, the fallback. */
            unsigned int now = 0;
            syscall(SYS_getcpu, &now, NULL, NULL);
            __atomic_fetch_add(&c->slot[now % CONSUMER_CPUS].atomic, n, __ATOMIC_RELAXED);
            return 0;
        }
        if (cpu >= CONSUMER_CPUS)
            abort();
        if (percpu_add_cs(rs, &c->slot[cpu].rseq, cpu, n) == 0)
            return 1;
    }
}

long consumer_sum(const struct consumer_counter *c)
{
    long sum = 0;
    for (int i = 0; i < CONSUMER_CPUS; i++)
        sum += __atomic_load_n(&c->slot[i].rseq, __ATOMIC_RELAXED) +
               __atomic_load_n(&c->slot[i].atomic, __ATOMIC_RELAXED);
    return sum;
}
