/* Shared by the allocation-pattern benchmarks (`cargo xtask heap`): each workload is a C
   program built three ways from the same source, for glibc (`gcc -O2 -static`), musl
   (`musl-gcc -O2 -static`) and crt0 (`crt/crt0-cc -O2 -DUSE_CRT0_H`), and run side by side.

   What a program may use is what all three runtimes have: the malloc family, pthread_create
   and pthread_join, sched_yield, C11 atomics, write(2) and syscall(2). So the few waits the
   threaded workloads need are futex calls made here, and output is put/put_num (output.h).

   Every block a workload allocates is patterned: a key derived from what the workload knows
   about the block, written at byte 0, every 61st byte and the last byte, and checked before
   the block is freed, after realloc (the kept prefix) and when it changes hands between
   threads. A mismatch counts as a failure; a program with failures prints the first one and
   exits 1. Every program prints one result line that depends only on its arguments, the same
   for every allocator, which xtask compares across the three builds. */
#ifndef HEAP_BENCH_H
#define HEAP_BENCH_H

#ifdef USE_CRT0_H
#include <crt0.h>
#else
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <unistd.h>
#endif
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>

#include "../output.h"

/* ---- random numbers: xorshift64*, one state per thread, fixed seeds ---- */
struct rng {
	u64 s;
};

static inline struct rng rng_seeded(u64 seed)
{
	struct rng r = {seed * 0x9e3779b97f4a7c15ul + 0x2545f4914f6cdd1dul};
	if (r.s == 0)
		r.s = 1;
	return r;
}

static inline u64 rnd(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dul;
}

/* A number in [lo, hi]. */
static inline size_t rnd_in(struct rng *r, size_t lo, size_t hi)
{
	return lo + (size_t)(rnd(r) % (hi - lo + 1));
}

/* ---- failures ---- */
static atomic_ulong bench_failures;

static inline void fail(const char *what)
{
	if (atomic_fetch_add(&bench_failures, 1) == 0) {
		put("check failed: ");
		put(what);
		put("\n");
	}
}

static inline void *must(void *p, const char *what)
{
	if (!p) {
		put("out of memory: ");
		put(what);
		put("\n");
		_exit(2);
	}
	return p;
}

/* ---- patterns ---- */
static inline unsigned char pattern_byte(u64 key, size_t i)
{
	return (unsigned char)(key >> (8 * (i % 7))) ^ (unsigned char)i ^ (unsigned char)(i >> 9);
}

/* Writes the pattern of `key` into the n bytes at p, from byte `from` on. */
static inline void stamp_from(unsigned char *p, size_t from, size_t n, u64 key)
{
	for (size_t i = from; i < n; i += 61)
		p[i] = pattern_byte(key, i);
	if (n > from)
		p[n - 1] = pattern_byte(key, n - 1);
}

static inline void stamp(void *p, size_t n, u64 key)
{
	stamp_from(p, 0, n, key);
}

/* Checks bytes [from, kept) of a block that was stamped from byte `from` for n bytes. */
static inline int holds_range(const void *block, size_t from, size_t n, size_t kept, u64 key)
{
	const unsigned char *p = block;
	for (size_t i = from; i < n && i < kept; i += 61)
		if (p[i] != pattern_byte(key, i))
			return 0;
	return n > kept || n <= from || p[n - 1] == pattern_byte(key, n - 1);
}

/* Checks the first `kept` bytes of a block that was stamped for n bytes. */
static inline int holds_prefix(const void *block, size_t n, size_t kept, u64 key)
{
	return holds_range(block, 0, n, kept, key);
}

static inline void check(const void *p, size_t n, u64 key, const char *what)
{
	if (!holds_prefix(p, n, n, key))
		fail(what);
}

/* calloc's promise, at the pattern's positions. */
static inline void check_zero(const void *block, size_t n)
{
	const unsigned char *p = block;
	for (size_t i = 0; i < n; i += 61)
		if (p[i])
			fail("calloc memory not zero");
	if (p[n - 1])
		fail("calloc memory not zero");
}

/* ---- self-describing blocks, for blocks that change hands: the first 16 bytes hold the
   size and the key, so whoever frees the block can check it without being told. ---- */
struct tagged {
	size_t size;
	u64 key;
};

static inline void *tagged_new(size_t size, u64 key)
{
	if (size < sizeof(struct tagged))
		size = sizeof(struct tagged);
	struct tagged *t = must(malloc(size), "tagged block");
	t->size = size;
	t->key = key;
	stamp_from((unsigned char *)t, sizeof *t, size, key);
	return t;
}

/* Checks and frees a tagged block; returns its size. */
static inline size_t tagged_free(void *block)
{
	struct tagged *t = block;
	size_t size = t->size;
	if (size < sizeof *t || size > (64ul << 20))
		fail("tagged block header changed");
	else if (!holds_range(t, sizeof *t, size, size, t->key))
		fail("tagged block changed");
	free(t);
	return size;
}

/* ---- threads ---- */
static inline pthread_t spawn(void *(*fn)(void *), void *arg)
{
	pthread_t t;
	if (pthread_create(&t, 0, fn, arg) != 0) {
		put("pthread_create failed\n");
		_exit(2);
	}
	return t;
}

static inline long futex_wait(atomic_int *word, int expected)
{
	/* FUTEX_WAIT_PRIVATE: 0 | 128 */
	return syscall(SYS_futex, word, 128, expected, 0, 0, 0);
}

static inline long futex_wake(atomic_int *word, int n)
{
	/* FUTEX_WAKE_PRIVATE: 1 | 128 */
	return syscall(SYS_futex, word, 129, n, 0, 0, 0);
}

/* A lock: 0 free, 1 held, 2 held with waiters (the classic three-state futex lock). */
typedef struct {
	atomic_int state;
} lock_t;

static inline void lock(lock_t *l)
{
	int c = 0;
	if (atomic_compare_exchange_strong(&l->state, &c, 1))
		return;
	if (c != 2)
		c = atomic_exchange(&l->state, 2);
	while (c != 0) {
		futex_wait(&l->state, 2);
		c = atomic_exchange(&l->state, 2);
	}
}

static inline void unlock(lock_t *l)
{
	if (atomic_exchange(&l->state, 0) == 2)
		futex_wake(&l->state, 1);
}

/* Waits until *word != value (a futex word another thread changes, then wakes). */
static inline void wait_while(atomic_int *word, int value)
{
	while (atomic_load(word) == value)
		futex_wait(word, value);
}

/* ---- numbers from the command line ---- */
static inline u64 arg_num(int argc, char **argv, int i, u64 dflt)
{
	if (i >= argc)
		return dflt;
	u64 v = 0;
	for (const char *s = argv[i]; *s; s++) {
		if (*s < '0' || *s > '9') {
			put("not a number: ");
			put(argv[i]);
			put("\n");
			_exit(2);
		}
		v = v * 10 + (u64)(*s - '0');
	}
	return v;
}

/* ---- the result line: "NAME key=value ... failures=N", then exit 0 or 1 ---- */
static inline void kv(const char *key, u64 v)
{
	put(" ");
	put(key);
	put("=");
	put_num(v);
}

static inline int finish(void)
{
	u64 f = atomic_load(&bench_failures);
	kv("failures", f);
	put("\n");
	return f ? 1 : 0;
}

/* ---- resident memory, for the workloads that report it on "rss" lines (not compared
   across allocators): /proc/self/statm's second field, in KiB. ---- */
static inline u64 rss_kib(void)
{
	char buf[128];
	/* openat(AT_FDCWD, ...), read, close: system calls every runtime has. */
	long fd = syscall(SYS_openat, -100, "/proc/self/statm", 0);
	if (fd < 0)
		return 0;
	long n = syscall(SYS_read, fd, buf, sizeof buf - 1);
	syscall(SYS_close, fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	const char *s = buf;
	while (*s && *s != ' ')
		s++;
	u64 pages = 0;
	for (s++; *s >= '0' && *s <= '9'; s++)
		pages = pages * 10 + (u64)(*s - '0');
	return pages * (u64)getauxval(6 /* AT_PAGESZ */) / 1024;
}
#endif
