/* crt0.h: the C interface of the crt0 start-up runtime.
 *
 * Programs built with crt/crt0-cc are started by crt0 instead of a C
 * library's crt1.o. crt0 runs, in order: argument and auxv parsing, static
 * TLS and the stack-protector canary, rseq owner UNSET -> PREINIT, IFUNC
 * resolvers, .preinit_array, constructors, rseq registration (owner LIBC),
 * main, and at exit: atexit handlers, .fini_array, exit_group.
 */
#ifndef CRT0_H
#define CRT0_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- The rseq registration owner (Desnoyers' 2019 proposal) ---- */
#define RSEQ_REG_OWNER_UNSET    0 /* no library handles rseq */
#define RSEQ_REG_OWNER_PREINIT  1 /* crt0 will register after the constructors (__rseq_size says so) */
#define RSEQ_REG_OWNER_LIBC     2 /* crt0 registered (or tried to) */
#define RSEQ_REG_OWNER_OVERRIDE 3 /* another library owns registration */

/* Changed only by compare-and-swap; read it with an atomic load. */
extern int __rseq_reg_owner;

/* glibc's three rseq symbols, with glibc's meaning whenever code written
 * for glibc reads them:
 *   __rseq_offset  the area's offset from the thread pointer, the same in
 *                  every thread; valid from the first constructor on.
 *   __rseq_size    > 0: the C library registers every thread's area at
 *                  __rseq_offset: use it, never register your own.
 *                  0: it does not: register your own area or do without.
 *   __rseq_flags   0.
 * glibc registers before any constructor; crt0 registers after them (so a
 * constructor can claim OVERRIDE) and publishes the size it will register
 * before the first .preinit_array entry. How the owner states read:
 *   resolvers                  PREINIT   size 0 (as glibc's static start-up)
 *   .preinit_array, ctors      PREINIT   size = what crt0 will register,
 *                                        cpu_id -1: no CPU yet, fall back
 *   after a claim              OVERRIDE  size 0 from the claim on
 *   main, every thread         LIBC      size > 0, cpu_id >= 0
 *   registration failed        LIBC      size 0, cpu_id -2
 *   CRT0_RSEQ=0, no rseq       UNSET     size 0, cpu_id -1
 * Where constructors exist, crt0 probes the kernel before publishing, so
 * under qemu-user or a seccomp filter that denies rseq the size is 0 from
 * the start, as with glibc. A library that cached size > 0 must still treat
 * cpu_id < 0 as "not registered" (as every rseq user must): a constructor
 * may claim OVERRIDE after it looked.
 * dlsym(RTLD_DEFAULT or RTLD_NEXT, "__rseq_size") finds them too (use
 * <dlfcn.h>; crt0 provides dlsym, dlerror, dlopen(NULL) and dlclose). */
extern const ptrdiff_t __rseq_offset;
extern const unsigned int __rseq_size;
extern const unsigned int __rseq_flags;

/* Claim rseq registration for the caller (OVERRIDE). Returns 1 on success
 * (and __rseq_size reads 0 from then on), 0 if crt0 already registered
 * (LIBC) or another library claimed it. Call it from a constructor (or from
 * main when the owner is UNSET). */
int crt0_rseq_claim_override(void);
/* The current owner (one of RSEQ_REG_OWNER_*). */
int crt0_rseq_owner(void);
/* This thread's rseq cpu_id: >= 0 when registered, -1 before registration,
 * -2 when registration failed. */
int crt0_rseq_cpu_id(void);
/* This thread's rseq area (struct rseq), at __rseq_offset from the thread pointer. */
void *crt0_rseq_area(void);
/* Thread hooks for an OVERRIDE owner: start runs in every new thread before
 * any of its own code, exit when it ends (after its thread-local
 * destructors, before its TLS is freed), both with signals blocked; either
 * may be NULL.
 * Returns 1, or 0 (and changes nothing) unless the owner is OVERRIDE. Set
 * them before creating threads. */
int crt0_rseq_set_thread_hooks(void (*start)(void), void (*exit)(void));
/* How many feature-detection instructions crt0 ran: CPUID on x86_64 (0 unless
 * a resolver asked); always 0 on aarch64, which reads AT_HWCAP/AT_HWCAP2. */
unsigned int crt0_cpuid_runs(void);
/* Print "crt0: fatal: <what>" on stderr and exit with status 127. */
void crt0_fatal(const char *what) __attribute__((noreturn));

/* ---- Per-CPU operations on rseq (crt0::percpu) ----
 * Each operation is an rseq critical section on the caller's CPU's slot
 * when the thread is registered, and falls back to atomics (counter) or a
 * per-slot lock (words, stack) on the slot of the CPU getcpu reports
 * otherwise (constructors, CRT0_RSEQ=0, qemu-user, seccomp). Arrays have
 * one slot per possible CPU. The *_new functions return NULL with errno
 * ENOMEM when memory runs out. The stack and words fallbacks are not
 * async-signal-safe; the counter is. */
/* The CPU the caller runs on: rseq cpu_id, else getcpu. */
int crt0_percpu_cpu(void);
/* node_id / mm_cid from the rseq area (Linux 6.3+), or -1. */
int crt0_percpu_node_id(void);
int crt0_percpu_mm_cid(void);
/* Slots per per-CPU array: /sys/devices/system/cpu/possible, else the
 * sched_getaffinity mask width, else 64; at most 4096. */
unsigned int crt0_percpu_possible_cpus(void);

typedef struct crt0_percpu_counter crt0_percpu_counter;
crt0_percpu_counter *crt0_percpu_counter_new(void);
/* Adds n on the caller's CPU's slot; returns that CPU. */
int crt0_percpu_counter_add(crt0_percpu_counter *c, long n);
long crt0_percpu_counter_sum(const crt0_percpu_counter *c);
void crt0_percpu_counter_free(crt0_percpu_counter *c);

/* One word per CPU. compare_store: if the caller's CPU's word equals
 * expected, store new (a release). Returns the CPU; *seen (may be NULL)
 * gets the word found, equal to expected when it stored. */
typedef struct crt0_percpu_words crt0_percpu_words;
crt0_percpu_words *crt0_percpu_words_new(unsigned long init);
int crt0_percpu_words_compare_store(crt0_percpu_words *w, unsigned long expected,
                                    unsigned long new_value, unsigned long *seen);
unsigned long crt0_percpu_words_load(const crt0_percpu_words *w, int cpu);
void crt0_percpu_words_free(crt0_percpu_words *w);

/* A per-CPU stack of intrusive nodes: embed the link; a pushed node must
 * stay valid and untouched until popped. push returns the CPU whose list
 * took it; pop takes from the caller's CPU's list (NULL when empty);
 * pop_from takes from another CPU's list, under its lock. free does not
 * free the nodes still on the stack. */
struct crt0_percpu_link {
    struct crt0_percpu_link *next;
};
typedef struct crt0_percpu_stack crt0_percpu_stack;
crt0_percpu_stack *crt0_percpu_stack_new(void);
int crt0_percpu_stack_push(crt0_percpu_stack *s, struct crt0_percpu_link *node);
struct crt0_percpu_link *crt0_percpu_stack_pop(crt0_percpu_stack *s);
struct crt0_percpu_link *crt0_percpu_stack_pop_from(crt0_percpu_stack *s, int cpu);
void crt0_percpu_stack_free(crt0_percpu_stack *s);

/* ---- The libc subset crt0 provides ---- */
unsigned long getauxval(unsigned long type);
char *getenv(const char *name);
long write(int fd, const void *buf, size_t n);
long read(int fd, void *buf, size_t n);
long syscall(long number, ...);
int *__errno_location(void);
#ifndef errno
#define errno (*__errno_location())
#endif

int atexit(void (*fn)(void));
int __cxa_atexit(void (*fn)(void *), void *arg, void *dso);
void exit(int status) __attribute__((noreturn));
void _exit(int status) __attribute__((noreturn));
void _Exit(int status) __attribute__((noreturn));
void abort(void) __attribute__((noreturn));

/* ---- The heap (see src/heap/): every block 16-aligned; failures return
 * NULL with errno ENOMEM (EINVAL for a bad alignment). realloc(p, 0) frees
 * p and returns a new minimum-size block. Requests of 128 KiB and more are
 * mapped on their own; mallopt(M_MMAP_THRESHOLD, n) moves that threshold
 * (4089 .. 32 MiB). free() of a block freed already ends the program with
 * "crt0: fatal: free(): double free or invalid pointer". ---- */
void *malloc(size_t n) __attribute__((malloc, alloc_size(1)));
void free(void *p);
void *calloc(size_t n, size_t size) __attribute__((malloc, alloc_size(1, 2)));
void *realloc(void *p, size_t n) __attribute__((alloc_size(2)));
void *reallocarray(void *p, size_t n, size_t size) __attribute__((alloc_size(2, 3)));
void *aligned_alloc(size_t align, size_t n) __attribute__((malloc, alloc_align(1), alloc_size(2)));
int posix_memalign(void **out, size_t align, size_t n);
void *memalign(size_t align, size_t n) __attribute__((malloc, alloc_align(1), alloc_size(2)));
size_t malloc_usable_size(void *p);
#ifndef M_MMAP_THRESHOLD
#define M_MMAP_THRESHOLD (-3)
#endif
int mallopt(int param, int value);
int malloc_trim(size_t pad);

/* ---- Threads (POSIX). Each thread has an mmap'd stack of the attribute's
 * size (default 2 MiB; PTHREAD_STACK_MIN 16 KiB) above a guard page, and its
 * own TLS. Functions return 0 or an error number. pthread_attr_t is as large
 * as glibc's, so a program may include glibc's <pthread.h> instead: before
 * this header, whose own declarations then step aside. ---- */
#ifndef _PTHREAD_H
typedef unsigned long pthread_t;
typedef union {
#ifdef __aarch64__
    char __size[64];
#else
    char __size[56];
#endif
    long __align;
} pthread_attr_t;
#define PTHREAD_CREATE_JOINABLE 0
#define PTHREAD_CREATE_DETACHED 1
#ifndef PTHREAD_STACK_MIN
#define PTHREAD_STACK_MIN 16384
#endif
int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *), void *arg);
int pthread_join(pthread_t thread, void **result);
int pthread_detach(pthread_t thread);
void pthread_exit(void *result) __attribute__((noreturn));
pthread_t pthread_self(void);
int pthread_equal(pthread_t a, pthread_t b);
int pthread_attr_init(pthread_attr_t *attr);
int pthread_attr_destroy(pthread_attr_t *attr);
int pthread_attr_setstacksize(pthread_attr_t *attr, size_t size);
int pthread_attr_getstacksize(const pthread_attr_t *attr, size_t *size);
int pthread_attr_setdetachstate(pthread_attr_t *attr, int state);
int pthread_attr_getdetachstate(const pthread_attr_t *attr, int *state);
#endif
int sched_yield(void);
/* fork() with threads alive: the child has only the calling thread, and crt0's own locks
 * (heap, thread stacks, atexit) are taken around the system call, so the child can
 * allocate and create threads. pthread_atfork: prepare handlers run last registered
 * first, parent and child handlers in registration order; at most 64 (else ENOMEM). */
int fork(void);
int pthread_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void));
/* Runs dtor(obj) when the calling thread ends (the main thread: at exit,
 * before the atexit handlers), newest first; what C++ thread_local uses. */
int __cxa_thread_atexit_impl(void (*dtor)(void *), void *obj, void *dso);

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
int bcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

#ifdef __cplusplus
}
#endif

#endif /* CRT0_H */
