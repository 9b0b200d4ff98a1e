/* Time and CPUs: clock_gettime (the vDSO's where there is one), clock_getres,
 * gettimeofday, time, clock, nanosleep, clock_nanosleep, sleep, usleep;
 * sched_getcpu, sched_getaffinity/setaffinity and the CPU_* macros. The
 * values themselves differ from run to run, so the program prints what
 * must hold of them (and every errno). */
#define _GNU_SOURCE
#include <sched.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "out.h"

static long ns(struct timespec t) { return t.tv_sec * 1000000000L + t.tv_nsec; }

static long mono(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return ns(t);
}

static void clocks(void)
{
    put("-- clocks\n");
    struct timespec a, b;
    static const clockid_t ids[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
                                    CLOCK_THREAD_CPUTIME_ID, CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE,
                                    CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME, CLOCK_TAI};
    for (unsigned i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        put("clock ");
        put_int(ids[i]);
        CALL(" gettime", clock_gettime(ids[i], &a));
        kv("nsec_ok", a.tv_nsec >= 0 && a.tv_nsec < 1000000000L);
        put("\n");
    }
    int ordered = 1;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 0; i < 10000; i++) {
        clock_gettime(CLOCK_MONOTONIC, &b);
        ordered &= ns(b) >= ns(a);
        a = b;
    }
    kv("monotonic_ordered", ordered);
    put("\n");
    time_t t1 = time(NULL), t2 = 0;
    clock_gettime(CLOCK_REALTIME, &b);
    struct timeval tv;
    CALL("gettimeofday", gettimeofday(&tv, NULL));
    time_t t3 = time(&t2);
    /* time() reads the coarse clock (the vDSO's, updated once a tick), which may still
     * show the previous second just after clock_gettime saw the next one. */
    kv("time_agrees", t1 <= b.tv_sec + 1 && b.tv_sec <= t3 + 1 && t1 <= tv.tv_sec + 1 && tv.tv_sec <= t3 + 1);
    kv("time_stores", t2 == t3);
    kv("usec_ok", tv.tv_usec >= 0 && tv.tv_usec < 1000000);
    kv("after_2020", t1 > 1577836800);
    put("\n");
    CALL("gettime_bad", clock_gettime(12345, &a));
    CALL("getres_mono", clock_getres(CLOCK_MONOTONIC, &a));
    kv("res", a.tv_sec * 1000000000L + a.tv_nsec);
    put("\n");
    CALL("getres_coarse", clock_getres(CLOCK_MONOTONIC_COARSE, &a));
    kv("coarse_res_positive", ns(a) > 0);
    put("\n");
    CALL("getres_null", clock_getres(CLOCK_REALTIME, NULL));
    CALL("getres_bad", clock_getres(12345, &a));
    CALL("clock_nonneg", clock() >= 0 ? 0 : -1);
}

static void sleeps(void)
{
    put("-- sleeps\n");
    long t0 = mono();
    CALL("nanosleep", nanosleep(&(struct timespec){0, 2000000}, NULL));
    kv("slept_2ms", mono() - t0 >= 2000000);
    put("\n");
    struct timespec rem = {7, 7};
    CALL("nanosleep_bad_nsec", nanosleep(&(struct timespec){0, 1000000000}, &rem));
    CALL("nanosleep_negative", nanosleep(&(struct timespec){-1, 0}, &rem));
    CALL("nanosleep_zero", nanosleep(&(struct timespec){0, 0}, &rem));
    t0 = mono();
    CALL("clock_nanosleep_rel", clock_nanosleep(CLOCK_MONOTONIC, 0, &(struct timespec){0, 1000000}, NULL));
    kv("slept_1ms", mono() - t0 >= 1000000);
    put("\n");
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_nsec += 3000000;
    if (until.tv_nsec >= 1000000000) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000;
    }
    CALL("clock_nanosleep_abs", clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL));
    kv("reached", mono() >= ns(until));
    put("\n");
    CALL("clock_nanosleep_abs_past", clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &(struct timespec){1, 0}, NULL));
    CALL("clock_nanosleep_bad_clock", clock_nanosleep(12345, 0, &(struct timespec){0, 1}, NULL));
    CALL("clock_nanosleep_thread_cpu", clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &(struct timespec){0, 1}, NULL));
    CALL("clock_nanosleep_bad_nsec", clock_nanosleep(CLOCK_MONOTONIC, 0, &(struct timespec){0, -1}, NULL));
    t0 = mono();
    CALL("usleep", usleep(1500));
    kv("slept_1500us", mono() - t0 >= 1500000);
    put("\n");
    CALL("sleep_0", sleep(0));
}

static void cpus(void)
{
    put("-- sched\n");
    long n = sysconf(_SC_NPROCESSORS_CONF);
    int cpu = sched_getcpu();
    kv("getcpu_in_range", cpu >= 0 && cpu < n);
    put("\n");
    cpu_set_t set;
    CPU_ZERO(&set);
    CALL("getaffinity", sched_getaffinity(0, sizeof set, &set));
    int count = CPU_COUNT(&set);
    kv("count_positive", count > 0);
    kv("count_le_n", count <= n);
    kv("current_in_set", CPU_ISSET(sched_getcpu(), &set));
    put("\n");
    CALL("setaffinity_same", sched_setaffinity(0, sizeof set, &set));
    CALL("getaffinity_missing", sched_getaffinity(999999999, sizeof set, &set));
    CALL("setaffinity_empty", sched_setaffinity(0, sizeof set, &(cpu_set_t){0}));
    /* a set larger than cpu_set_t: the rest is cleared */
    cpu_set_t *big = CPU_ALLOC(4096);
    size_t big_size = CPU_ALLOC_SIZE(4096);
    kv("alloc_size", big_size);
    put("\n");
    for (size_t i = 0; i < big_size; i++)
        ((unsigned char *)big)[i] = 0xff;
    CALL("getaffinity_big", sched_getaffinity(0, big_size, big));
    kv("count_big_same", CPU_COUNT_S(big_size, big) == count);
    put("\n");
    CPU_FREE(big);
    /* pin to the first CPU of the set, then sched_getcpu says so */
    int first = 0;
    while (!CPU_ISSET(first, &set))
        first++;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(first, &one);
    CALL("pin", sched_setaffinity(0, sizeof one, &one));
    kv("on_pinned_cpu", sched_getcpu() == first);
    put("\n");
    CALL("unpin", sched_setaffinity(0, sizeof set, &set));
    CALL("yield", sched_yield());
}

int main(void)
{
    clocks();
    sleeps();
    cpus();
    return 0;
}
