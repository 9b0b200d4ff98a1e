/* fork with threads alive, and pthread_atfork, built with crt0 and with glibc (the test
 * compares the two outputs). Four threads allocate, pattern, check and free blocks of
 * every size range without pause while the main thread forks 20 times: a fork often
 * happens while a thread holds the heap's lock. Each child allocates 20,000 checked
 * blocks, starts two threads that allocate too, joins them and exits with a status the
 * parent checks. The atfork handlers print their order in the first fork. */
#ifdef USE_CRT0_H
#include <crt0.h>
#else
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>
#endif
#include <stdatomic.h>
#include <sys/syscall.h>

static void put(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    (void)!write(1, s, n);
}

static void put_num(unsigned long v)
{
    char b[24];
    int i = 23;
    b[i] = 0;
    do
        b[--i] = (char)('0' + v % 10);
    while (v /= 10);
    put(b + i);
}

static atomic_int quiet; /* after the first fork the handlers stop printing */
static void prep1(void) { if (!quiet) put("prepare 1\n"); }
static void prep2(void) { if (!quiet) put("prepare 2\n"); }
static void prep3(void) { if (!quiet) put("prepare 3\n"); }
/* The parent's handlers run while the child runs its own: they note their order, which
   main prints once the child is gone, so the output does not depend on scheduling. */
static char parent_order[4];
static int parent_seen;
static void note(char c) { if (!quiet && parent_seen < 3) parent_order[parent_seen++] = c; }
static void parent1(void) { note('1'); }
static void parent2(void) { note('2'); }
static void parent3(void) { note('3'); }
static void child1(void) { if (!quiet) put("child 1\n"); }
static void child2(void) { if (!quiet) put("child 2\n"); }
static void child3(void) { if (!quiet) put("child 3\n"); }

static atomic_int stop;
static atomic_ulong failures;

/* Allocates n blocks of sizes from the seed, patterns them, checks and frees them. */
static unsigned long churn(unsigned long seed, int n)
{
    void *keep[64] = {0};
    unsigned long x = seed | 1, done = 0;
    for (int i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        size_t size = x % 100 < 90 ? 1 + x % 500 : x % 100 < 99 ? 1 + x % 60000 : 1 + x % 400000;
        unsigned char *p = malloc(size);
        if (!p) {
            atomic_fetch_add(&failures, 1);
            continue;
        }
        for (size_t j = 0; j < size; j += 97)
            p[j] = (unsigned char)(j ^ size);
        p[size - 1] = (unsigned char)size;
        int slot = (int)((x >> 20) % 64);
        unsigned char *old = keep[slot];
        keep[slot] = p;
        free(old);
        done++;
    }
    for (int i = 0; i < 64; i++)
        free(keep[i]);
    return done;
}

static void *worker(void *arg)
{
    unsigned long seed = (unsigned long)arg, rounds = 0;
    while (!atomic_load(&stop)) {
        churn(seed + rounds, 500);
        rounds++;
    }
    return 0;
}

static void *child_worker(void *arg)
{
    return (void *)churn((unsigned long)arg, 5000);
}

static int child_main(int i)
{
    /* Checked blocks: every byte is verified before free. */
    unsigned long ok = 0;
    for (int k = 0; k < 20000; k++) {
        size_t size = 1 + (size_t)(k * 7919 + i) % 3000;
        unsigned char *p = malloc(size);
        if (!p)
            return 3;
        for (size_t j = 0; j < size; j++)
            p[j] = (unsigned char)(j + k);
        for (size_t j = 0; j < size; j++)
            if (p[j] != (unsigned char)(j + k))
                return 4;
        free(p);
        ok++;
    }
    pthread_t t[2];
    for (int k = 0; k < 2; k++)
        if (pthread_create(&t[k], 0, child_worker, (void *)(unsigned long)(1000 + k)) != 0)
            return 5;
    for (int k = 0; k < 2; k++) {
        void *r;
        pthread_join(t[k], &r);
        if ((unsigned long)r != 5000)
            return 6;
    }
    return ok == 20000 ? 42 : 7;
}

int main(void)
{
    pthread_atfork(prep1, parent1, child1);
    pthread_atfork(prep2, parent2, child2);
    pthread_atfork(prep3, parent3, child3);
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], 0, worker, (void *)(unsigned long)(i + 1));
    int good = 0;
    for (int i = 0; i < 20; i++) {
        int pid = fork();
        if (pid < 0) {
            put("fork failed\n");
            return 1;
        }
        if (pid == 0) {
            atomic_store(&quiet, 1);
            exit(child_main(i));
        }
        int status = 0;
        long r = syscall(SYS_wait4, pid, &status, 0, 0);
        if (!atomic_load(&quiet)) {
            put("parent order ");
            put(parent_order);
            put("\n");
        }
        atomic_store(&quiet, 1);
        if (r == pid && (status & 0x7f) == 0 && ((status >> 8) & 0xff) == 42)
            good++;
        else {
            put("child ");
            put_num((unsigned long)i);
            put(" ended with status ");
            put_num((unsigned long)status);
            put("\n");
        }
    }
    atomic_store(&stop, 1);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], 0);
    put("children=");
    put_num((unsigned long)good);
    put(" failures=");
    put_num(atomic_load(&failures));
    put("\n");
    return 0;
}
