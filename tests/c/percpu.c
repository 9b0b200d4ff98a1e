/* crt0's per-CPU C API on one thread, pinned to CPU 0: a counter used
 * from a constructor (PREINIT: the fallback) and from main, compare-store
 * on this CPU's word, and an intrusive stack of nodes in an array. */
#include "util.h"

#ifdef __x86_64__
#define SYS_SCHED_SETAFFINITY 203
#else
#define SYS_SCHED_SETAFFINITY 122
#endif

static void pin_to_cpu0(void)
{
    unsigned long mask[16] = {1};
    syscall(SYS_SCHED_SETAFFINITY, 0, sizeof mask, mask);
}

struct item {
    struct crt0_percpu_link link; /* first: the stack hands back the link */
    int value;
};

static crt0_percpu_counter *early;
static int ctor_cpu_id;

__attribute__((constructor)) static void ctor(void)
{
    pin_to_cpu0();
    early = crt0_percpu_counter_new();
    ctor_cpu_id = crt0_rseq_cpu_id();
    for (int i = 0; i < 100; i++)
        crt0_percpu_counter_add(early, 2);
}

int main(void)
{
    pin_to_cpu0();
    int cpu = crt0_percpu_cpu();
    kv("cpu", cpu);
    kv("possible", crt0_percpu_possible_cpus());
    kv("ctor_cpu_id", ctor_cpu_id);
    crt0_percpu_counter_add(early, -50);
    kv("early_sum", crt0_percpu_counter_sum(early));
    crt0_percpu_counter_free(early);
    put("\n");

    crt0_percpu_words *w = crt0_percpu_words_new(5);
    unsigned long seen = 0;
    int c1 = crt0_percpu_words_compare_store(w, 5, 6, &seen);
    kv("store_cpu_ok", c1 == cpu);
    kv("seen", seen);
    crt0_percpu_words_compare_store(w, 5, 7, &seen);
    kv("stale_seen", seen);
    kv("load", crt0_percpu_words_load(w, cpu));
    kv("load_bad_cpu", crt0_percpu_words_load(w, -1));
    crt0_percpu_words_free(w);
    put("\n");

    static struct item items[50];
    crt0_percpu_stack *s = crt0_percpu_stack_new();
    for (int i = 0; i < 50; i++) {
        items[i].value = i;
        crt0_percpu_stack_push(s, &items[i].link);
    }
    int lifo = 1, n = 0;
    struct crt0_percpu_link *l;
    while ((l = crt0_percpu_stack_pop(s))) {
        lifo &= ((struct item *)l)->value == 49 - n;
        n++;
    }
    kv("popped", n);
    kv("lifo", lifo);
    crt0_percpu_stack_push(s, &items[0].link);
    kv("pop_from_other", crt0_percpu_stack_pop_from(s, cpu + 1) != 0);
    kv("pop_from_own", crt0_percpu_stack_pop_from(s, cpu) == &items[0].link);
    crt0_percpu_stack_free(s);
    put("\n");
    return 0;
}
