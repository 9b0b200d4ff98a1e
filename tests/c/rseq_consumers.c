/* A program using the rseq consumer library (consumer/) the way real
 * programs meet such libraries: a .preinit_array entry and constructors
 * look at glibc's symbols, an allocator decides lazily at its first call
 * inside a constructor (CONSUMER_INIT=lazy) or the library decides in its
 * own constructor, then threads (more than CPUs, yielding) add to a per-CPU
 * counter through critical sections on the area the library found, while
 * an interval timer's signal handler adds too, interrupting them. Every
 * line is the same under glibc and crt0 wherever the two are in the same
 * state; CONSUMER_VERBOSE=1 adds what differs on purpose (the cpu_id a
 * constructor sees: crt0 registers after the constructors). */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "consumer/rseq_consumer.h"

extern const unsigned int __rseq_size __attribute__((weak));

static struct consumer_counter counter;
static long expected;

static void out(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    (void)!write(1, s, n);
}

static void num(long v)
{
    char buf[24];
    int i = sizeof buf;
    unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
    do
        buf[--i] = '0' + u % 10;
    while (u /= 10);
    if (v < 0)
        buf[--i] = '-';
    (void)!write(1, buf + i, sizeof buf - i);
}

static void kv(const char *key, long v)
{
    out(" ");
    out(key);
    out("=");
    num(v);
}

static long env_num(const char *name, long fallback)
{
    const char *s = getenv(name);
    long v = 0;
    if (!s || !*s)
        return fallback;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (*s++ - '0');
    return v;
}

static int env_is(const char *name, const char *want)
{
    const char *s = getenv(name);
    if (!s)
        return 0;
    while (*s && *s == *want)
        s++, want++;
    return *s == *want;
}

static void preinit_reader(int argc, char **argv, char **envp)
{
    (void)argc, (void)argv, (void)envp;
    out("preinit:");
    kv("size_published", &__rseq_size && __rseq_size > 0);
    out("\n");
}
__attribute__((section(".preinit_array"), used)) static void (*const preinit_entry)(int, char **, char **) =
    preinit_reader;

/* Before the library's own constructor (102): with CONSUMER_INIT=lazy, the
 * first allocation decides. */
__attribute__((constructor(101))) static void early_allocation(void)
{
    if (env_is("CONSUMER_INIT", "lazy")) {
        free(consumer_alloc(&counter, 64));
        expected++;
    }
}

/* After it: the library has decided either way; its per-CPU add runs
 * before crt0 registers (cpu_id -1: the fallback) or after glibc did. */
__attribute__((constructor(103))) static void later_allocation(void)
{
    free(consumer_alloc(&counter, 64));
    expected++;
}

/* A thread a constructor starts: glibc registers it (it registered before
 * the constructors); crt0 must too, since __rseq_size > 0 already told
 * every reader that the C library registers every thread. */
static pthread_t ctor_thread;
static void *ctor_worker(void *arg)
{
    (void)arg;
    long registered = consumer_thread_start() == 0 && consumer_area()->cpu_id >= 0;
    for (int i = 0; i < 1000; i++)
        consumer_add(&counter, 1);
    consumer_thread_exit();
    return (void *)registered;
}

__attribute__((constructor(104))) static void start_a_thread(void)
{
    expected += 1000;
    if (pthread_create(&ctor_thread, NULL, ctor_worker, NULL) != 0)
        abort();
}

/* The workers add until main says stop, at least `minimum` times each. */
static long minimum;
static int stop;
static long signals;

struct worker_result {
    long registered, adds;
};

static void *worker(void *arg)
{
    struct worker_result *r = arg;
    r->registered = consumer_thread_start() == 0 && consumer_area()->cpu_id >= 0;
    while (r->adds < minimum || !__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
        consumer_add(&counter, 1);
        if ((++r->adds & 1023) == 0)
            sched_yield();
    }
    consumer_thread_exit();
    return NULL;
}

/* Runs on whichever thread the timer's signal interrupts, often inside a
 * critical section, which the kernel then restarts at its abort handler. */
static void on_timer(int sig)
{
    (void)sig;
    consumer_add(&counter, 1);
    __atomic_fetch_add(&signals, 1, __ATOMIC_RELAXED);
}

static void every(long microseconds)
{
    struct itimerval t = {{0, microseconds}, {0, microseconds}};
    setitimer(ITIMER_REAL, &t, NULL);
}

/* cpu_id against getcpu(2), read between two equal cpu_id reads so that a
 * migration in between does not count as a mismatch. */
static int cpu_matches(void)
{
    for (int tries = 0; tries < 1000; tries++) {
        int before = __atomic_load_n(&consumer_area()->cpu_id, __ATOMIC_RELAXED);
        unsigned int now = 0;
        syscall(SYS_getcpu, &now, NULL, NULL);
        int after = __atomic_load_n(&consumer_area()->cpu_id, __ATOMIC_RELAXED);
        if (before == after)
            return before >= 0 && (unsigned int)before == now;
    }
    return 0;
}

int main(void)
{
    static const char *verdicts[] = {"undecided", "libc", "own", "none"};
    out("decided: first_use=");
    out(consumer.first_use);
    out(" lookup=");
    out(consumer.lookup);
    kv("size_published", consumer.size_seen);
    kv("claimed", consumer.claimed);
    out(" verdict=");
    out(verdicts[consumer.verdict]);
    kv("errno", consumer.error);
    out("\n");
    if (env_is("CONSUMER_VERBOSE", "1")) {
        out("verbose:");
        kv("decide_cpu_id", consumer.decide_cpu_id);
        kv("rseq_size_now", &__rseq_size ? (long)__rseq_size : -1);
        out("\n");
    }
    void *ctor_registered;
    pthread_join(ctor_thread, &ctor_registered);
    out("ctor_thread:");
    kv("registered", (long)ctor_registered);
    out("\n");
    int registered = consumer_area()->cpu_id >= 0;
    out("main:");
    kv("registered", registered);
    kv("cpu_matches", registered && cpu_matches());
    out("\n");

    long threads = env_num("CONSUMER_THREADS", 8);
    minimum = env_num("CONSUMER_ITERS", 100000);
    pthread_t t[64];
    struct worker_result results[64] = {0};
    struct sigaction sa = {.sa_handler = on_timer, .sa_flags = SA_RESTART};
    sigemptyset(&sa.sa_mask);
    if (threads > 64)
        threads = 64;
    if (sigaction(SIGALRM, &sa, NULL) != 0)
        return 3;
    every(500);
    for (long i = 0; i < threads; i++)
        if (pthread_create(&t[i], NULL, worker, &results[i]) != 0)
            return 2;
    /* At least 100 signals land among the workers before they may stop. */
    while (__atomic_load_n(&signals, __ATOMIC_RELAXED) < 100) {
        struct timespec ms = {0, 1000000};
        nanosleep(&ms, NULL);
    }
    __atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
    long workers_registered = 0;
    for (long i = 0; i < threads; i++) {
        pthread_join(t[i], NULL);
        workers_registered += results[i].registered;
        expected += results[i].adds;
    }
    every(0);
    expected += __atomic_load_n(&signals, __ATOMIC_RELAXED);
    long sum = consumer_sum(&counter);
    out("threads:");
    kv("n", threads);
    kv("registered", workers_registered);
    kv("signals_at_least_100", signals >= 100);
    kv("exact", sum == expected);
    out("\n");
    if (env_is("CONSUMER_VERBOSE", "1")) {
        out("counts:");
        kv("sum", sum);
        kv("expected", expected);
        kv("signals", signals);
        out("\n");
    }
    return sum == expected ? 0 : 1;
}
