/* POSIX thread synchronisation against glibc: the types' sizes and static
 * initialisers (and that no call writes outside an object), mutexes of
 * every kind with trylock and timedlock, condition variables (a
 * producer/consumer with exact totals, timedwait on both clocks), once,
 * keys with destructors, barriers, read-write locks, spinlocks and
 * semaphores. Only results that do not depend on timing are printed;
 * timeouts print the result, not the time. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <semaphore.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "out.h"

#define N_THREADS 4

static struct timespec in_ms(clockid_t clock, long ms)
{
    struct timespec t;
    clock_gettime(clock, &t);
    t.tv_nsec += (ms % 1000) * 1000000;
    t.tv_sec += ms / 1000 + t.tv_nsec / 1000000000;
    t.tv_nsec %= 1000000000;
    return t;
}

static void line(const char *name, long v)
{
    kv(name, v);
    put("\n");
}

static pthread_t start(void *(*f)(void *), void *arg)
{
    pthread_t t;
    if (pthread_create(&t, NULL, f, arg) != 0)
        _exit(3);
    return t;
}

/* ---- layout ---- */

#define GUARDED(T) struct { unsigned char before[64]; T obj; unsigned char after[64]; }

static int guards_ok(const unsigned char *before, const unsigned char *after)
{
    for (int i = 0; i < 64; i++)
        if (before[i] != 0xa5 || after[i] != 0xa5)
            return 0;
    return 1;
}

#define FILL(g) do { unsigned char *p_ = (unsigned char *)&(g); for (size_t i_ = 0; i_ < sizeof(g); i_++) p_[i_] = 0xa5; } while (0)

static void layout(void)
{
    put("-- layout\n");
    kv("mutex", sizeof(pthread_mutex_t));
    kv("mutex_align", _Alignof(pthread_mutex_t));
    kv("kind_at", offsetof(pthread_mutex_t, __data.__kind));
    kv("cond", sizeof(pthread_cond_t));
    kv("rwlock", sizeof(pthread_rwlock_t));
    kv("rw_flags_at", offsetof(pthread_rwlock_t, __data.__flags));
    kv("barrier", sizeof(pthread_barrier_t));
    kv("sem", sizeof(sem_t));
    kv("once", sizeof(pthread_once_t));
    kv("key", sizeof(pthread_key_t));
    kv("spin", sizeof(pthread_spinlock_t));
    kv("mutexattr", sizeof(pthread_mutexattr_t));
    kv("condattr", sizeof(pthread_condattr_t));
    kv("rwlockattr", sizeof(pthread_rwlockattr_t));
    kv("barrierattr", sizeof(pthread_barrierattr_t));
    put("\n");
    pthread_mutex_t r = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP, e = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;
    pthread_rwlock_t w = PTHREAD_RWLOCK_WRITER_NONRECURSIVE_INITIALIZER_NP;
    kv("recursive_kind", r.__data.__kind);
    kv("errorcheck_kind", e.__data.__kind);
    kv("rw_writer_flags", w.__data.__flags);
    put("\n");

    /* every call on an object stays inside it */
    GUARDED(pthread_mutex_t) gm;
    FILL(gm);
    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&gm.obj, &ma);
    pthread_mutex_lock(&gm.obj);
    pthread_mutex_lock(&gm.obj);
    pthread_mutex_unlock(&gm.obj);
    pthread_mutex_unlock(&gm.obj);
    pthread_mutex_destroy(&gm.obj);
    GUARDED(pthread_cond_t) gc;
    FILL(gc);
    pthread_cond_init(&gc.obj, NULL);
    pthread_cond_signal(&gc.obj);
    pthread_cond_broadcast(&gc.obj);
    pthread_mutex_t cm = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&cm);
    struct timespec past = {1, 0};
    pthread_cond_timedwait(&gc.obj, &cm, &past);
    pthread_mutex_unlock(&cm);
    pthread_cond_destroy(&gc.obj);
    GUARDED(pthread_rwlock_t) gr;
    FILL(gr);
    pthread_rwlock_init(&gr.obj, NULL);
    pthread_rwlock_rdlock(&gr.obj);
    pthread_rwlock_unlock(&gr.obj);
    pthread_rwlock_wrlock(&gr.obj);
    pthread_rwlock_unlock(&gr.obj);
    pthread_rwlock_destroy(&gr.obj);
    GUARDED(pthread_barrier_t) gb;
    FILL(gb);
    pthread_barrier_init(&gb.obj, NULL, 1);
    pthread_barrier_wait(&gb.obj);
    pthread_barrier_destroy(&gb.obj);
    GUARDED(sem_t) gs;
    FILL(gs);
    sem_init(&gs.obj, 0, 1);
    sem_wait(&gs.obj);
    sem_post(&gs.obj);
    sem_destroy(&gs.obj);
    GUARDED(pthread_spinlock_t) gp;
    FILL(gp);
    pthread_spin_init(&gp.obj, 0);
    pthread_spin_lock(&gp.obj);
    pthread_spin_unlock(&gp.obj);
    GUARDED(pthread_mutexattr_t) gma;
    FILL(gma);
    pthread_mutexattr_init(&gma.obj);
    pthread_mutexattr_settype(&gma.obj, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutexattr_setpshared(&gma.obj, PTHREAD_PROCESS_SHARED);
    GUARDED(pthread_condattr_t) gca;
    FILL(gca);
    pthread_condattr_init(&gca.obj);
    pthread_condattr_setclock(&gca.obj, CLOCK_MONOTONIC);
    GUARDED(pthread_rwlockattr_t) gra;
    FILL(gra);
    pthread_rwlockattr_init(&gra.obj);
    pthread_rwlockattr_setkind_np(&gra.obj, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    GUARDED(pthread_barrierattr_t) gba;
    FILL(gba);
    pthread_barrierattr_init(&gba.obj);
    pthread_barrierattr_setpshared(&gba.obj, PTHREAD_PROCESS_SHARED);
    kv("guards", guards_ok(gm.before, gm.after) + guards_ok(gc.before, gc.after) + guards_ok(gr.before, gr.after) +
                     guards_ok(gb.before, gb.after) + guards_ok(gs.before, gs.after) + guards_ok(gp.before, gp.after) +
                     guards_ok(gma.before, gma.after) + guards_ok(gca.before, gca.after) +
                     guards_ok(gra.before, gra.after) + guards_ok(gba.before, gba.after));
    put("\n");
}

/* ---- mutexes ---- */

static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;
static volatile int holding, release_it;

static void *holder(void *m)
{
    pthread_mutex_lock(m);
    __atomic_store_n(&holding, 1, __ATOMIC_SEQ_CST);
    while (!__atomic_load_n(&release_it, __ATOMIC_SEQ_CST))
        usleep(1000);
    pthread_mutex_unlock(m);
    return NULL;
}

static void *unlock_other(void *m) { return (void *)(intptr_t)pthread_mutex_unlock(m); }

static void mutexes(void)
{
    put("-- mutexes\n");
    pthread_mutex_t n = PTHREAD_MUTEX_INITIALIZER;
    line("normal_lock", pthread_mutex_lock(&n));
    line("normal_trylock_held", pthread_mutex_trylock(&n));
    line("normal_destroy_held", pthread_mutex_destroy(&n));
    line("normal_unlock", pthread_mutex_unlock(&n));
    line("normal_trylock", pthread_mutex_trylock(&n));
    line("normal_unlock", pthread_mutex_unlock(&n));
    line("normal_destroy", pthread_mutex_destroy(&n));

    pthread_mutex_t r = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
    line("rec_lock", pthread_mutex_lock(&r));
    line("rec_lock_again", pthread_mutex_lock(&r));
    line("rec_trylock_again", pthread_mutex_trylock(&r));
    void *res;
    pthread_join(start(unlock_other, &r), &res);
    line("rec_unlock_other_thread", (intptr_t)res);
    line("rec_unlock", pthread_mutex_unlock(&r));
    line("rec_unlock", pthread_mutex_unlock(&r));
    line("rec_unlock", pthread_mutex_unlock(&r));
    line("rec_unlock_unheld", pthread_mutex_unlock(&r));

    pthread_mutex_t e = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;
    line("err_lock", pthread_mutex_lock(&e));
    line("err_relock", pthread_mutex_lock(&e));
    line("err_trylock", pthread_mutex_trylock(&e));
    pthread_join(start(unlock_other, &e), &res);
    line("err_unlock_other_thread", (intptr_t)res);
    line("err_unlock", pthread_mutex_unlock(&e));
    line("err_unlock_unheld", pthread_mutex_unlock(&e));

    pthread_mutexattr_t a;
    int v = -1;
    line("attr_init", pthread_mutexattr_init(&a));
    pthread_mutexattr_gettype(&a, &v);
    line("attr_default_type", v);
    line("attr_settype_bad", pthread_mutexattr_settype(&a, 99));
    line("attr_settype_rec", pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE));
    pthread_mutexattr_gettype(&a, &v);
    line("attr_type", v);
    line("attr_setpshared", pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED));
    pthread_mutexattr_getpshared(&a, &v);
    line("attr_pshared", v);
    line("attr_setpshared_bad", pthread_mutexattr_setpshared(&a, 5));
    pthread_mutex_t m;
    line("init_with_attr", pthread_mutex_init(&m, &a));
    line("shared_rec_lock", pthread_mutex_lock(&m));
    line("shared_rec_lock", pthread_mutex_lock(&m));
    line("shared_rec_unlock", pthread_mutex_unlock(&m));
    line("shared_rec_unlock", pthread_mutex_unlock(&m));
    line("attr_destroy", pthread_mutexattr_destroy(&a));
    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(&m, &a);
    line("attr_err_lock", pthread_mutex_lock(&m));
    line("attr_err_relock", pthread_mutex_lock(&m));
    line("attr_err_unlock", pthread_mutex_unlock(&m));

    /* timeouts while another thread holds it */
    pthread_t h = start(holder, &held);
    while (!__atomic_load_n(&holding, __ATOMIC_SEQ_CST))
        usleep(1000);
    line("trylock_busy", pthread_mutex_trylock(&held));
    struct timespec t = in_ms(CLOCK_REALTIME, 30);
    line("timedlock_timeout", pthread_mutex_timedlock(&held, &t));
    t.tv_nsec = 1000000000;
    line("timedlock_bad_nsec", pthread_mutex_timedlock(&held, &t));
    t = (struct timespec){-1, 0};
    line("timedlock_negative", pthread_mutex_timedlock(&held, &t));
    t = (struct timespec){1, 0};
    line("timedlock_past", pthread_mutex_timedlock(&held, &t));
    t = in_ms(CLOCK_MONOTONIC, 30);
    line("clocklock_mono_timeout", pthread_mutex_clocklock(&held, CLOCK_MONOTONIC, &t));
    line("clocklock_bad_clock", pthread_mutex_clocklock(&held, 12345, &t));
    __atomic_store_n(&release_it, 1, __ATOMIC_SEQ_CST);
    t = in_ms(CLOCK_REALTIME, 10000);
    line("timedlock_acquires", pthread_mutex_timedlock(&held, &t));
    line("unlock", pthread_mutex_unlock(&held));
    pthread_join(h, NULL);
    t.tv_nsec = -5;
    line("timedlock_free_bad_nsec", pthread_mutex_timedlock(&held, &t));
    pthread_mutex_unlock(&held);
    pthread_mutex_t e2 = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;
    pthread_mutex_lock(&e2);
    t = in_ms(CLOCK_REALTIME, 10);
    line("timedlock_err_relock", pthread_mutex_timedlock(&e2, &t));
    pthread_mutex_unlock(&e2);
}

/* ---- condition variables: producer/consumer ---- */

#define SLOTS 8
#define ITEMS 20000
static struct {
    pthread_mutex_t m;
    pthread_cond_t not_full, not_empty;
    long buf[SLOTS];
    int head, count, produced, consumed;
    long sum;
} q = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER, {0}, 0, 0, 0, 0, 0};

static void *producer(void *arg)
{
    long base = (intptr_t)arg * ITEMS;
    for (long i = 1; i <= ITEMS; i++) {
        pthread_mutex_lock(&q.m);
        while (q.count == SLOTS)
            pthread_cond_wait(&q.not_full, &q.m);
        q.buf[(q.head + q.count++) % SLOTS] = base + i;
        q.produced++;
        pthread_cond_signal(&q.not_empty);
        pthread_mutex_unlock(&q.m);
    }
    return NULL;
}

static void *consumer(void *arg)
{
    (void)arg;
    long mine = 0;
    for (;;) {
        pthread_mutex_lock(&q.m);
        while (q.count == 0 && q.consumed < N_THREADS * ITEMS)
            pthread_cond_wait(&q.not_empty, &q.m);
        if (q.count == 0) {
            pthread_mutex_unlock(&q.m);
            return (void *)mine;
        }
        long v = q.buf[q.head];
        q.head = (q.head + 1) % SLOTS;
        q.count--;
        q.consumed++;
        q.sum += v;
        mine++;
        if (q.consumed == N_THREADS * ITEMS)
            pthread_cond_broadcast(&q.not_empty);
        pthread_cond_signal(&q.not_full);
        pthread_mutex_unlock(&q.m);
    }
}

static pthread_mutex_t gate_m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_c = PTHREAD_COND_INITIALIZER;
static int gate_open, gate_waiting;

static void *gate_waiter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&gate_m);
    gate_waiting++;
    while (!gate_open)
        pthread_cond_wait(&gate_c, &gate_m);
    pthread_mutex_unlock(&gate_m);
    return NULL;
}

static void conds(void)
{
    put("-- conds\n");
    pthread_t p[N_THREADS], c[N_THREADS];
    for (intptr_t i = 0; i < N_THREADS; i++)
        p[i] = start(producer, (void *)i);
    for (int i = 0; i < N_THREADS; i++)
        c[i] = start(consumer, NULL);
    long total = 0;
    for (int i = 0; i < N_THREADS; i++) {
        pthread_join(p[i], NULL);
    }
    for (int i = 0; i < N_THREADS; i++) {
        void *mine;
        pthread_join(c[i], &mine);
        total += (long)mine;
    }
    long n = (long)N_THREADS * ITEMS;
    kv("produced", q.produced);
    kv("consumed", q.consumed);
    kv("by_consumers", total);
    kv("sum", q.sum);
    kv("sum_expected", n * (n + 1) / 2);
    put("\n");

    /* broadcast wakes every waiter */
    pthread_t g[N_THREADS];
    for (int i = 0; i < N_THREADS; i++)
        g[i] = start(gate_waiter, NULL);
    for (;;) {
        pthread_mutex_lock(&gate_m);
        int w = gate_waiting;
        pthread_mutex_unlock(&gate_m);
        if (w == N_THREADS)
            break;
        usleep(1000);
    }
    pthread_mutex_lock(&gate_m);
    gate_open = 1;
    line("broadcast", pthread_cond_broadcast(&gate_c));
    pthread_mutex_unlock(&gate_m);
    for (int i = 0; i < N_THREADS; i++)
        pthread_join(g[i], NULL);
    line("all_passed", gate_waiting);

    /* timeouts, on both clocks; the mutex is held again afterwards */
    pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
    pthread_mutex_t em = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;
    pthread_mutex_lock(&em);
    struct timespec t = in_ms(CLOCK_REALTIME, 30);
    line("timedwait_timeout", pthread_cond_timedwait(&cv, &em, &t));
    line("relocked", pthread_mutex_lock(&em));
    t.tv_nsec = 1000000000;
    line("timedwait_bad_nsec", pthread_cond_timedwait(&cv, &em, &t));
    t = (struct timespec){1, 0};
    line("timedwait_past", pthread_cond_timedwait(&cv, &em, &t));
    t = in_ms(CLOCK_MONOTONIC, 30);
    line("clockwait_mono", pthread_cond_clockwait(&cv, &em, CLOCK_MONOTONIC, &t));
    line("clockwait_bad_clock", pthread_cond_clockwait(&cv, &em, 12345, &t));
    pthread_condattr_t ca;
    clockid_t clk = -1;
    pthread_condattr_init(&ca);
    pthread_condattr_getclock(&ca, &clk);
    line("attr_default_clock", clk);
    line("setclock_mono", pthread_condattr_setclock(&ca, CLOCK_MONOTONIC));
    line("setclock_cputime", pthread_condattr_setclock(&ca, CLOCK_PROCESS_CPUTIME_ID));
    pthread_condattr_getclock(&ca, &clk);
    line("attr_clock", clk);
    int ps = -1;
    line("setpshared", pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED));
    pthread_condattr_getpshared(&ca, &ps);
    line("pshared", ps);
    pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_PRIVATE);
    pthread_cond_t mono;
    line("init_mono", pthread_cond_init(&mono, &ca));
    t = in_ms(CLOCK_MONOTONIC, 30);
    line("timedwait_mono_clock", pthread_cond_timedwait(&mono, &em, &t));
    line("signal_nobody", pthread_cond_signal(&mono));
    line("broadcast_nobody", pthread_cond_broadcast(&mono));
    line("destroy", pthread_cond_destroy(&mono));
    line("unlock", pthread_mutex_unlock(&em));
    line("wait_unheld_errorcheck", pthread_cond_wait(&cv, &em));
}

/* ---- once ---- */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;
static void once_init(void)
{
    usleep(20000);
    __atomic_add_fetch(&once_runs, 1, __ATOMIC_SEQ_CST);
}
static void *once_thread(void *arg)
{
    (void)arg;
    pthread_once(&once, once_init);
    return (void *)(intptr_t)__atomic_load_n(&once_runs, __ATOMIC_SEQ_CST);
}

static void onces(void)
{
    put("-- once\n");
    pthread_t t[N_THREADS];
    for (int i = 0; i < N_THREADS; i++)
        t[i] = start(once_thread, NULL);
    long saw = 0;
    for (int i = 0; i < N_THREADS; i++) {
        void *r;
        pthread_join(t[i], &r);
        saw += (intptr_t)r;
    }
    line("once_runs", once_runs);
    line("every_caller_saw_it_done", saw);
    line("again", pthread_once(&once, once_init));
    line("once_runs", once_runs);
}

/* ---- keys ---- */

static pthread_key_t key, key2;
static long dtor_calls, dtor_sum, dtor2_calls;
static void dtor(void *v)
{
    __atomic_add_fetch(&dtor_calls, 1, __ATOMIC_SEQ_CST);
    __atomic_add_fetch(&dtor_sum, (intptr_t)v, __ATOMIC_SEQ_CST);
}
/* Sets its value again once: destructors run in another round. */
static void dtor2(void *v)
{
    __atomic_add_fetch(&dtor2_calls, 1, __ATOMIC_SEQ_CST);
    if ((intptr_t)v == 1)
        pthread_setspecific(key2, (void *)2);
}
static void main_dtor(void *v)
{
    (void)v;
    put("main thread key destructor ran\n");
}

static void *key_thread(void *arg)
{
    long ok = pthread_getspecific(key) == NULL;
    pthread_setspecific(key, arg);
    ok &= pthread_getspecific(key) == arg;
    pthread_setspecific(key2, (void *)1);
    return (void *)ok;
}

static void keys(void)
{
    put("-- keys\n");
    line("create", pthread_key_create(&key, dtor));
    line("create2", pthread_key_create(&key2, dtor2));
    line("get_unset", pthread_getspecific(key) == NULL);
    pthread_t t[N_THREADS];
    for (intptr_t i = 0; i < N_THREADS; i++)
        t[i] = start(key_thread, (void *)(i + 10));
    long ok = 0;
    for (int i = 0; i < N_THREADS; i++) {
        void *r;
        pthread_join(t[i], &r);
        ok += (long)r;
    }
    kv("threads_ok", ok);
    kv("dtor_calls", dtor_calls);
    kv("dtor_sum", dtor_sum);
    kv("dtor2_calls", dtor2_calls);
    put("\n");
    line("set_main", pthread_setspecific(key, (void *)7));
    line("get_main", (intptr_t)pthread_getspecific(key));
    line("set_null", pthread_setspecific(key, NULL));
    line("get_null", (intptr_t)pthread_getspecific(key));
    line("delete", pthread_key_delete(key));
    line("delete_again", pthread_key_delete(key));
    line("set_deleted", pthread_setspecific(key, (void *)1));
    line("set_huge_key", pthread_setspecific(100000, (void *)1));
    line("get_huge_key", pthread_getspecific(100000) == NULL);
    /* a re-created key does not show an old value */
    pthread_key_t k;
    pthread_key_create(&k, NULL);
    pthread_setspecific(k, (void *)5);
    pthread_key_delete(k);
    pthread_key_t k2;
    pthread_key_create(&k2, NULL);
    line("recreated_empty", pthread_getspecific(k2) == NULL);
    pthread_key_delete(k2);
    /* how many keys there are */
    static pthread_key_t many[1100];
    int made = 0, r;
    while (made < 1100 && (r = pthread_key_create(&many[made], NULL)) == 0)
        made++;
    kv("about_1024_keys", made > 1000 && made <= 1024);
    kv("then", r);
    put("\n");
    for (int i = 0; i < made; i++)
        pthread_key_delete(many[i]);
    /* the main thread's destructors do not run at exit, as in glibc */
    pthread_key_t mk;
    pthread_key_create(&mk, main_dtor);
    pthread_setspecific(mk, (void *)1);
}

/* ---- barriers ---- */

#define ROUNDS 300
static pthread_barrier_t bar;
static int round_count[ROUNDS], bad_rounds, serials;

static void *barrier_thread(void *arg)
{
    (void)arg;
    for (int r = 0; r < ROUNDS; r++) {
        __atomic_add_fetch(&round_count[r], 1, __ATOMIC_SEQ_CST);
        int s = pthread_barrier_wait(&bar);
        if (s == PTHREAD_BARRIER_SERIAL_THREAD)
            __atomic_add_fetch(&serials, 1, __ATOMIC_SEQ_CST);
        else if (s != 0)
            __atomic_add_fetch(&bad_rounds, 1000, __ATOMIC_SEQ_CST);
        if (__atomic_load_n(&round_count[r], __ATOMIC_SEQ_CST) != N_THREADS)
            __atomic_add_fetch(&bad_rounds, 1, __ATOMIC_SEQ_CST);
        pthread_barrier_wait(&bar);
    }
    return NULL;
}

static void barriers(void)
{
    put("-- barriers\n");
    pthread_barrier_t b;
    line("init_zero", pthread_barrier_init(&b, NULL, 0));
    pthread_barrierattr_t a;
    int ps = -1;
    pthread_barrierattr_init(&a);
    pthread_barrierattr_getpshared(&a, &ps);
    line("attr_pshared_default", ps);
    line("attr_setpshared_bad", pthread_barrierattr_setpshared(&a, 7));
    line("init", pthread_barrier_init(&bar, &a, N_THREADS));
    pthread_t t[N_THREADS];
    for (int i = 0; i < N_THREADS; i++)
        t[i] = start(barrier_thread, NULL);
    for (int i = 0; i < N_THREADS; i++)
        pthread_join(t[i], NULL);
    kv("serials", serials);
    kv("bad_rounds", bad_rounds);
    put("\n");
    line("destroy", pthread_barrier_destroy(&bar));
    line("single_init", pthread_barrier_init(&b, NULL, 1));
    line("single_wait", pthread_barrier_wait(&b));
    line("single_destroy", pthread_barrier_destroy(&b));
}

/* ---- read-write locks ---- */

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static long rw_a, rw_b, rw_torn, rw_writes;

static void *rw_thread(void *arg)
{
    unsigned seed = (uintptr_t)arg;
    for (int i = 0; i < 20000; i++) {
        seed = seed * 1103515245 + 12345;
        if ((seed >> 16) % 8 == 0) {
            pthread_rwlock_wrlock(&rw);
            rw_a++;
            rw_b++;
            rw_writes++;
            pthread_rwlock_unlock(&rw);
        } else {
            pthread_rwlock_rdlock(&rw);
            if (rw_a != rw_b)
                __atomic_add_fetch(&rw_torn, 1, __ATOMIC_SEQ_CST);
            pthread_rwlock_unlock(&rw);
        }
    }
    return NULL;
}

static pthread_rwlock_t *rw_target;
static volatile int rw_holding, rw_release;
static void *rw_holder(void *arg)
{
    if (arg)
        pthread_rwlock_wrlock(rw_target);
    else
        pthread_rwlock_rdlock(rw_target);
    __atomic_store_n(&rw_holding, 1, __ATOMIC_SEQ_CST);
    while (!__atomic_load_n(&rw_release, __ATOMIC_SEQ_CST))
        usleep(1000);
    pthread_rwlock_unlock(rw_target);
    return NULL;
}
static pthread_t hold_rw(pthread_rwlock_t *l, int write)
{
    rw_target = l;
    rw_holding = rw_release = 0;
    pthread_t t = start(rw_holder, write ? (void *)1 : NULL);
    while (!__atomic_load_n(&rw_holding, __ATOMIC_SEQ_CST))
        usleep(1000);
    return t;
}
static void *rw_writer(void *l)
{
    return (void *)(intptr_t)pthread_rwlock_wrlock(l) + pthread_rwlock_unlock(l);
}

static void rwlocks(void)
{
    put("-- rwlocks\n");
    pthread_t t[N_THREADS];
    for (uintptr_t i = 0; i < N_THREADS; i++)
        t[i] = start(rw_thread, (void *)(i + 1));
    for (int i = 0; i < N_THREADS; i++)
        pthread_join(t[i], NULL);
    kv("a_is_writes", rw_a == rw_writes);
    kv("b_is_writes", rw_b == rw_writes);
    kv("torn_reads", rw_torn);
    put("\n");

    pthread_rwlock_t l = PTHREAD_RWLOCK_INITIALIZER;
    line("rdlock", pthread_rwlock_rdlock(&l));
    line("rdlock_again", pthread_rwlock_rdlock(&l));
    line("tryrdlock", pthread_rwlock_tryrdlock(&l));
    line("trywrlock_read_held", pthread_rwlock_trywrlock(&l));
    line("destroy_held", pthread_rwlock_destroy(&l) != 0);
    line("unlock", pthread_rwlock_unlock(&l));
    line("unlock", pthread_rwlock_unlock(&l));
    line("unlock", pthread_rwlock_unlock(&l));
    line("wrlock", pthread_rwlock_wrlock(&l));
    line("wrlock_again", pthread_rwlock_wrlock(&l));
    line("rdlock_own_write", pthread_rwlock_rdlock(&l));
    line("tryrdlock_write_held", pthread_rwlock_tryrdlock(&l));
    line("trywrlock_write_held", pthread_rwlock_trywrlock(&l));
    line("unlock", pthread_rwlock_unlock(&l));
    line("trywrlock", pthread_rwlock_trywrlock(&l));
    line("unlock", pthread_rwlock_unlock(&l));

    pthread_t h = hold_rw(&l, 1);
    struct timespec ts = in_ms(CLOCK_REALTIME, 30);
    line("timedrdlock_timeout", pthread_rwlock_timedrdlock(&l, &ts));
    ts = in_ms(CLOCK_REALTIME, 30);
    line("timedwrlock_timeout", pthread_rwlock_timedwrlock(&l, &ts));
    ts = in_ms(CLOCK_MONOTONIC, 30);
    line("clockrdlock_mono", pthread_rwlock_clockrdlock(&l, CLOCK_MONOTONIC, &ts));
    line("clockwrlock_bad_clock", pthread_rwlock_clockwrlock(&l, 12345, &ts));
    ts.tv_nsec = -1;
    line("timedrdlock_bad_nsec", pthread_rwlock_timedrdlock(&l, &ts));
    line("timedwrlock_bad_nsec", pthread_rwlock_timedwrlock(&l, &ts));
    rw_release = 1;
    pthread_join(h, NULL);
    h = hold_rw(&l, 0);
    ts = in_ms(CLOCK_REALTIME, 30);
    line("timedwrlock_readers", pthread_rwlock_timedwrlock(&l, &ts));
    ts = in_ms(CLOCK_REALTIME, 30);
    line("timedrdlock_readers", pthread_rwlock_timedrdlock(&l, &ts));
    pthread_rwlock_unlock(&l);
    /* readers preferred: a reader gets in while a writer waits */
    pthread_t w = start(rw_writer, &l);
    usleep(20000);
    line("tryrdlock_writer_waiting_default", pthread_rwlock_tryrdlock(&l));
    pthread_rwlock_unlock(&l);
    rw_release = 1;
    pthread_join(h, NULL);
    void *wr;
    pthread_join(w, &wr);
    line("writer_got_it", (intptr_t)wr);

    /* writers preferred: once a writer waits, new readers wait too */
    pthread_rwlock_t wp = PTHREAD_RWLOCK_WRITER_NONRECURSIVE_INITIALIZER_NP;
    h = hold_rw(&wp, 0);
    w = start(rw_writer, &wp);
    int busy = 0;
    for (int i = 0; i < 2000 && !busy; i++) {
        if (pthread_rwlock_tryrdlock(&wp) == 0)
            pthread_rwlock_unlock(&wp);
        else
            busy = 1;
        usleep(1000);
    }
    line("writer_preferred_blocks_readers", busy);
    rw_release = 1;
    pthread_join(h, NULL);
    pthread_join(w, &wr);
    line("writer_got_it", (intptr_t)wr);
    pthread_rwlockattr_t ra;
    int kind = -1;
    pthread_rwlockattr_init(&ra);
    pthread_rwlockattr_getkind_np(&ra, &kind);
    line("attr_kind_default", kind);
    line("attr_setkind_bad", pthread_rwlockattr_setkind_np(&ra, 9));
    line("attr_setpshared", pthread_rwlockattr_setpshared(&ra, PTHREAD_PROCESS_SHARED));
    line("init_attr", pthread_rwlock_init(&l, &ra));
    line("shared_wrlock", pthread_rwlock_wrlock(&l));
    line("shared_unlock", pthread_rwlock_unlock(&l));
    line("destroy", pthread_rwlock_destroy(&l));
}

/* ---- spinlocks ---- */

static pthread_spinlock_t spin;
static long spun;
static void *spin_thread(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100000; i++) {
        pthread_spin_lock(&spin);
        spun++;
        pthread_spin_unlock(&spin);
    }
    return NULL;
}

static void spins(void)
{
    put("-- spinlocks\n");
    line("init", pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE));
    pthread_t t[N_THREADS];
    for (int i = 0; i < N_THREADS; i++)
        t[i] = start(spin_thread, NULL);
    for (int i = 0; i < N_THREADS; i++)
        pthread_join(t[i], NULL);
    line("total", spun);
    line("lock", pthread_spin_lock(&spin));
    line("trylock_held", pthread_spin_trylock(&spin));
    line("unlock", pthread_spin_unlock(&spin));
    line("trylock", pthread_spin_trylock(&spin));
    line("unlock", pthread_spin_unlock(&spin));
    line("destroy", pthread_spin_destroy(&spin));
}

/* ---- semaphores ---- */

static sem_t items, done;
static void *poster(void *arg)
{
    (void)arg;
    for (int i = 0; i < 10000; i++)
        sem_post(&items);
    return NULL;
}
static void *taker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 20000; i++)
        sem_wait(&items);
    sem_post(&done);
    return NULL;
}

static void sems(void)
{
    put("-- semaphores\n");
    sem_t s;
    int v = -1;
    CALL("init", sem_init(&s, 0, 0));
    CALL("trywait_empty", sem_trywait(&s));
    CALL("post", sem_post(&s));
    sem_getvalue(&s, &v);
    line("value", v);
    CALL("trywait", sem_trywait(&s));
    CALL("post", sem_post(&s));
    CALL("wait", sem_wait(&s));
    struct timespec t = in_ms(CLOCK_REALTIME, 30);
    CALL("timedwait_timeout", sem_timedwait(&s, &t));
    t = (struct timespec){1, 0};
    CALL("timedwait_past", sem_timedwait(&s, &t));
    sem_post(&s);
    t.tv_nsec = 1000000000;
    CALL("timedwait_bad_nsec_even_if_available", sem_timedwait(&s, &t));
    t = in_ms(CLOCK_REALTIME, 30);
    CALL("timedwait_available", sem_timedwait(&s, &t));
    t = in_ms(CLOCK_MONOTONIC, 30);
    CALL("clockwait_mono_timeout", sem_clockwait(&s, CLOCK_MONOTONIC, &t));
    CALL("clockwait_bad_clock", sem_clockwait(&s, 12345, &t));
    CALL("destroy", sem_destroy(&s));
    CALL("init_too_big", sem_init(&s, 0, (unsigned)SEM_VALUE_MAX + 1));
    CALL("init_max", sem_init(&s, 0, SEM_VALUE_MAX));
    CALL("post_overflow", sem_post(&s));
    sem_getvalue(&s, &v);
    line("value_max", v == SEM_VALUE_MAX);
    CALL("init_shared", sem_init(&s, 1, 2));
    CALL("wait_shared", sem_wait(&s));

    sem_init(&items, 0, 0);
    sem_init(&done, 0, 0);
    pthread_t p[N_THREADS], c[2];
    for (int i = 0; i < 2; i++)
        c[i] = start(taker, NULL);
    for (int i = 0; i < N_THREADS; i++)
        p[i] = start(poster, NULL);
    sem_wait(&done);
    sem_wait(&done);
    for (int i = 0; i < N_THREADS; i++)
        pthread_join(p[i], NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(c[i], NULL);
    sem_getvalue(&items, &v);
    line("items_left", v);
}

int main(void)
{
    layout();
    mutexes();
    conds();
    onces();
    keys();
    barriers();
    rwlocks();
    spins();
    sems();
    put("-- end\n");
    return 0;
}
