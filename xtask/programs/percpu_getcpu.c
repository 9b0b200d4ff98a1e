/* The C library's ways to find the current CPU, for `xtask percpu`, timed
 * as crt0's percpu_bench times its own (median of interleaved rounds, ns
 * per call): a plain load, cpu_id from glibc's own rseq area (glibc 2.35+
 * registers one per thread and exports __rseq_offset), and sched_getcpu().
 * Build: gcc -O2 -static. Usage: percpu_getcpu ROUNDS BATCH. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/rseq.h>
#include <time.h>

static volatile unsigned plain = 1;

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static unsigned rseq_cpu(void)
{
    /* glibc's area sits at __rseq_offset from the thread pointer. */
    const struct rseq *area = (const void *)((char *)__builtin_thread_pointer() + __rseq_offset);
    return *(volatile const unsigned *)&area->cpu_id;
}

/* One loop per method, eight calls a trip, as in crt0's percpu_bench. */
#define TIMED_LOOP(name, expr)                                   \
    static double name(long n)                                   \
    {                                                            \
        unsigned acc = 0;                                        \
        double start = now_ns();                                 \
        for (long i = 0; i < n / 8; i++)                         \
            for (int j = 0; j < 8; j++)                          \
                acc += (expr);                                   \
        double t = (now_ns() - start) / (n / 8 * 8);             \
        __asm__ volatile("" : : "r"(acc));                       \
        return t;                                                \
    }
TIMED_LOOP(time_plain, plain)
TIMED_LOOP(time_rseq_cpu, rseq_cpu())
TIMED_LOOP(time_sched_getcpu, (unsigned)sched_getcpu())

static double per_call(int method, long n)
{
    return method == 0 ? time_plain(n) : method == 1 ? time_rseq_cpu(n) : time_sched_getcpu(n);
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 11;
    long batch = argc > 2 ? atol(argv[2]) : 10000000;
    static const char *names[] = {"glibc_plain_load", "glibc_rseq_cpu", "glibc_sched_getcpu"};
    double samples[3][101];
    if (rounds < 1 || rounds > 101)
        return 2;
    for (int r = 0; r < rounds; r++)
        for (int m = 0; m < 3; m++)
            samples[m][r] = per_call(m, batch);
    printf("glibc rseq_size=%u\n", __rseq_size);
    for (int m = 0; m < 3; m++) {
        qsort(samples[m], rounds, sizeof(double), cmp);
        printf("%s ns=%.3f\n", names[m], samples[m][rounds / 2]);
    }
    return 0;
}
