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
#define RSEQ_REG_OWNER_PREINIT  1 /* crt0 will register after the constructors */
#define RSEQ_REG_OWNER_LIBC     2 /* crt0 registered (or tried to) */
#define RSEQ_REG_OWNER_OVERRIDE 3 /* another library owns registration */

/* Changed only by compare-and-swap; read it with an atomic load. */
extern int __rseq_reg_owner;

/* glibc-compatible: offset of the rseq area from the thread pointer, the
 * registered feature size (0 if crt0 did not register) and the flags (0). */
extern const ptrdiff_t __rseq_offset;
extern const unsigned int __rseq_size;
extern const unsigned int __rseq_flags;

/* Claim rseq registration for the caller (OVERRIDE). Returns 1 on success,
 * 0 if crt0 already registered (LIBC) or another library claimed it. Call it
 * from a constructor (or from main when the owner is UNSET). */
int crt0_rseq_claim_override(void);
/* The current owner (one of RSEQ_REG_OWNER_*). */
int crt0_rseq_owner(void);
/* This thread's rseq cpu_id: >= 0 when registered, -1 before registration,
 * -2 when registration failed. */
int crt0_rseq_cpu_id(void);
/* This thread's rseq area (struct rseq), at __rseq_offset from the thread pointer. */
void *crt0_rseq_area(void);
/* How many feature-detection instructions crt0 ran: CPUID on x86_64 (0 unless
 * a resolver asked); always 0 on aarch64, which reads AT_HWCAP/AT_HWCAP2. */
unsigned int crt0_cpuid_runs(void);
/* Print "crt0: fatal: <what>" on stderr and exit with status 127. */
void crt0_fatal(const char *what) __attribute__((noreturn));

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
