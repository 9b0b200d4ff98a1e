/* The OVERRIDE owner's thread hooks from C: a constructor claims rseq and
 * sets hooks that register a __thread area of its own in every new thread
 * (and unregister it at thread exit); the threads report what they see. */
#include "util.h"
#include "rseq_area.h"

static __thread struct area own __attribute__((aligned(32))) = { 0, -1, 0, 0, {0} };
static __thread int started, registered;
static int starts, exits, unregistered;

static void start_hook(void)
{
    started = 1;
    registered = syscall(SYS_rseq, &own, 32, 0, RSEQ_SIG) == 0;
    __atomic_fetch_add(&starts, 1, __ATOMIC_SEQ_CST);
}

static void exit_hook(void)
{
    if (registered && syscall(SYS_rseq, &own, 32, 1, RSEQ_SIG) == 0)
        __atomic_fetch_add(&unregistered, 1, __ATOMIC_SEQ_CST);
    __atomic_fetch_add(&exits, 1, __ATOMIC_SEQ_CST);
}

__attribute__((constructor)) static void claim(void)
{
    int claimed = crt0_rseq_claim_override();
    kv("ctor claimed", claimed);
    kv("hooks_set", crt0_rseq_set_thread_hooks(start_hook, exit_hook));
    put("\n");
}

static void *report(void *arg)
{
    long first = started, reg = registered;
    long own_ok = own.cpu_id >= 0, crt0_cpu = crt0_rseq_cpu_id();
    (void)arg;
    return (void *)(first | reg << 1 | own_ok << 2 | (crt0_cpu == -1) << 3);
}

int main(void)
{
    long all = 0xf;
    for (int i = 0; i < 4; i++) {
        pthread_t t;
        void *r;
        pthread_create(&t, NULL, report, NULL);
        pthread_join(t, &r);
        all &= (long)r;
    }
    kv("threads hook_first", all & 1);
    kv("registered", (all >> 1) & 1);
    kv("own_cpu_ok", (all >> 2) & 1);
    kv("crt0_unregistered", (all >> 3) & 1);
    kv("starts", starts);
    kv("exits", exits);
    kv("unregistered", unregistered);
    kv("set_again", crt0_rseq_set_thread_hooks(start_hook, exit_hook));
    put("\n");
    return 0;
}
