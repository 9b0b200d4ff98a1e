/* POSIX threads from C. Without arguments: results through pthread_join,
 * pthread_self, fresh __thread variables and errno per thread, rseq per
 * thread, stack sizes through attributes (a deep recursion that needs
 * them), detached threads (by attribute and by pthread_detach, before and
 * after they finish), pthread_exit with a value, and thread-local
 * destructors through __cxa_thread_atexit_impl, newest first; the main
 * thread's own destructor runs at exit before the atexit handlers.
 * With "mainexit": main leaves with pthread_exit; the process goes on
 * until its last thread ends, then exits with status 0 (atexit handlers
 * included). */
#include "util.h"

__thread int tls_value = 42;
__thread long tls_zeroes[16];

static void *square(void *arg)
{
    long i = (long)arg;
    int fresh = tls_value == 42;
    for (int k = 0; k < 16; k++)
        fresh &= tls_zeroes[k] == 0;
    tls_value = (int)i;
    tls_zeroes[15] = i + 1;
    errno = 100 + (int)i;
    sched_yield();
    int own = errno == 100 + (int)i && tls_value == (int)i;
    /* i * i, plus flags in the high bits. */
    return (void *)(i * i + ((long)fresh << 32) + ((long)own << 33) + ((long)(crt0_rseq_cpu_id() >= 0) << 34) +
                    ((long)(crt0_rseq_cpu_id() == -2) << 35));
}

static pthread_t seen_self[8];

static void *record_self(void *arg)
{
    seen_self[(long)arg] = pthread_self();
    return NULL;
}

/* 64 KiB frames, `depth` deep. */
static long deep(int depth)
{
    volatile char frame[64 << 10];
    frame[0] = (char)depth;
    frame[sizeof frame - 1] = (char)depth;
    return depth == 0 ? 0 : 1 + deep(depth - 1) + (frame[0] & 0) + (frame[sizeof frame - 1] & 0);
}

static void *recurse(void *arg)
{
    return (void *)deep((int)(long)arg);
}

static volatile int detached_done;

static void *count_detached(void *arg)
{
    (void)arg;
    __atomic_fetch_add(&detached_done, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

static void finish_early(long v)
{
    pthread_exit((void *)v);
}

static void dtor(void *name)
{
    put("dtor ");
    put((const char *)name);
    put("\n");
}

static void *with_dtors(void *arg)
{
    (void)arg;
    __cxa_thread_atexit_impl(dtor, "first", NULL);
    __cxa_thread_atexit_impl(dtor, "second", NULL);
    __cxa_thread_atexit_impl(dtor, "third", NULL);
    put("thread registered dtors\n");
    finish_early(7);
    return NULL;
}

static void atexit_handler(void)
{
    put("atexit handler\n");
}

static void wait_detached(int n)
{
    for (long spins = 0; detached_done < n && spins < 10000000; spins++)
        sched_yield();
}

static int all_threads(void)
{
    pthread_t t[8];
    long sum = 0, fresh = 0, own = 0, registered = 0, failed = 0;
    for (long i = 0; i < 8; i++)
        if (pthread_create(&t[i], NULL, square, (void *)i) != 0)
            return 1;
    for (int i = 0; i < 8; i++) {
        void *r;
        if (pthread_join(t[i], &r) != 0)
            return 1;
        long v = (long)r;
        sum += v & 0xffffffff;
        fresh += (v >> 32) & 1;
        own += (v >> 33) & 1;
        registered += (v >> 34) & 1;
        failed += (v >> 35) & 1;
    }
    kv("join sum", sum);
    kv("fresh", fresh);
    kv("own", own);
    kv("registered", registered);
    kv("failed", failed);
    kv("main_tls", tls_value);
    put("\n");

    int same = 0;
    for (long i = 0; i < 8; i++) {
        pthread_create(&t[i], NULL, record_self, (void *)i);
        pthread_join(t[i], NULL);
        same += pthread_equal(seen_self[i], t[i]) && !pthread_equal(t[i], pthread_self());
    }
    kv("self matches", same);
    kv("join_self", pthread_join(pthread_self(), NULL) == 35 /* EDEADLK */);
    put("\n");

    pthread_attr_t attr;
    size_t size = 0;
    pthread_attr_init(&attr);
    pthread_attr_getstacksize(&attr, &size);
    kv("stack default", (long)size);
    kv("too_small", pthread_attr_setstacksize(&attr, 4096) == 22 /* EINVAL */);
    pthread_attr_setstacksize(&attr, 8 << 20);
    pthread_attr_getstacksize(&attr, &size);
    kv("set", (long)size);
    void *depth = NULL;
    pthread_t big;
    if (pthread_create(&big, &attr, recurse, (void *)96) != 0 || pthread_join(big, &depth) != 0)
        return 1;
    kv("depth", (long)depth);
    pthread_attr_destroy(&attr);
    put("\n");

    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int state = -1;
    pthread_attr_getdetachstate(&attr, &state);
    for (int i = 0; i < 8; i++)
        pthread_create(&t[0], &attr, count_detached, NULL);
    wait_detached(8);
    /* Detached while running, and after finishing (then freed at once). */
    pthread_create(&t[0], NULL, count_detached, NULL);
    int detach_running = pthread_detach(t[0]);
    pthread_create(&t[1], NULL, count_detached, NULL);
    wait_detached(10);
    for (int i = 0; i < 1000; i++)
        sched_yield();
    int detach_finished = pthread_detach(t[1]);
    kv("detached state", state);
    kv("done", detached_done);
    kv("detach_running", detach_running);
    kv("detach_finished", detach_finished);
    put("\n");

    void *r = NULL;
    pthread_create(&t[0], NULL, with_dtors, NULL);
    pthread_join(t[0], &r);
    kv("exit value", (long)r);
    put("\n");

    atexit(atexit_handler);
    __cxa_thread_atexit_impl(dtor, "main", NULL);
    put("main returns\n");
    return 0;
}

static volatile int main_left;

/* The main thread's destructor, which runs in pthread_exit. */
static void main_dtor(void *name)
{
    dtor(name);
    __atomic_store_n(&main_left, 1, __ATOMIC_SEQ_CST);
}

/* Ends after the main thread has left (waiting for it, not for a number
 * of yields, which a loaded machine can outrun). */
static void *outlive_main(void *arg)
{
    (void)arg;
    while (!__atomic_load_n(&main_left, __ATOMIC_SEQ_CST))
        sched_yield();
    put("last thread ends\n");
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc > 1 && argv[1][0] == 'm') {
        pthread_t t;
        atexit(atexit_handler);
        __cxa_thread_atexit_impl(main_dtor, "main", NULL);
        pthread_create(&t, NULL, outlive_main, NULL);
        put("main calls pthread_exit\n");
        pthread_exit(NULL);
    }
    return all_threads();
}
