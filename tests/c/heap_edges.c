/* The malloc family at its edges: overflowing sizes, impossible requests,
 * NULL and zero arguments, large alignments. Each CHECK counts; a failed one
 * prints its line. What crt0 does with zero sizes is printed as values for
 * the test to compare with the documented behaviour. */
#include "util.h"
#include <stdint.h>

/* Impossible sizes are the point here, and a failed realloc leaves its block
 * in use: gcc's warnings about both do not apply. (The test builds this file
 * with -fno-builtin too, so that gcc does not reason about the results.) */
#pragma GCC diagnostic ignored "-Walloc-size-larger-than="
#pragma GCC diagnostic ignored "-Wuse-after-free"

#ifndef ENOMEM
#define ENOMEM 12
#endif
#ifndef EINVAL
#define EINVAL 22
#endif

static long checks, failures;

#define CHECK(cond) check((cond), #cond, __LINE__)
static void check(int ok, const char *what, int line)
{
    checks++;
    if (!ok) {
        failures++;
        put("FAILED line ");
        put_int(line);
        put(": ");
        put(what);
        put("\n");
    }
}

/* Writes all of a block and reads it back: the memory is really there. */
static int usable(void *p, size_t n, unsigned char seed)
{
    unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        b[i] = (unsigned char)(i + seed);
    for (size_t i = 0; i < n; i++)
        if (b[i] != (unsigned char)(i + seed))
            return 0;
    return 1;
}

/* The heap still serves ordinary requests after a failed one. */
static int heap_still_works(void)
{
    void *a = malloc(100), *b = malloc(200 * 1024);
    int ok = a && b && usable(a, 100, 1) && usable(b, 200 * 1024, 2);
    free(a);
    free(b);
    return ok;
}

static void impossible_sizes(void)
{
    errno = 0;
    CHECK(malloc((size_t)1 << 50) == 0 && errno == ENOMEM);
    CHECK(heap_still_works());
    /* Sizes whose rounding up to a block would wrap around. */
    errno = 0;
    CHECK(malloc(SIZE_MAX) == 0 && errno == ENOMEM);
    errno = 0;
    CHECK(malloc(SIZE_MAX - 15) == 0 && errno == ENOMEM);
    errno = 0;
    CHECK(malloc(PTRDIFF_MAX) == 0 && errno == ENOMEM);
    CHECK(heap_still_works());

    /* calloc: nmemb * size overflows. */
    errno = 0;
    CHECK(calloc(SIZE_MAX / 2 + 1, 2) == 0 && errno == ENOMEM);
    errno = 0;
    CHECK(calloc((size_t)1 << 32, (size_t)1 << 32) == 0 && errno == ENOMEM);
    errno = 0;
    CHECK(calloc(3, SIZE_MAX / 3 + 1) == 0 && errno == ENOMEM);
    errno = 0;
    CHECK(calloc((size_t)1 << 25, (size_t)1 << 25) == 0 && errno == ENOMEM); /* no overflow, just 2^50 */
    CHECK(heap_still_works());

    /* A failed realloc or reallocarray leaves the block as it was. */
    unsigned char *p = malloc(64);
    CHECK(p && usable(p, 64, 3));
    errno = 0;
    CHECK(realloc(p, (size_t)1 << 50) == 0 && errno == ENOMEM);
    errno = 0;
    CHECK(reallocarray(p, SIZE_MAX / 2, 3) == 0 && errno == ENOMEM);
    int intact = 1;
    for (int i = 0; i < 64; i++)
        intact &= p[i] == (unsigned char)(i + 3);
    CHECK(intact);
    unsigned char *q = reallocarray(p, 100, 10);
    CHECK(q && malloc_usable_size(q) >= 1000);
    intact = 1;
    for (int i = 0; q && i < 64; i++)
        intact &= q[i] == (unsigned char)(i + 3);
    CHECK(intact);
    free(q);
    q = reallocarray(0, 10, 10);
    CHECK(q && usable(q, 100, 4));
    free(q);
}

static void null_arguments(void)
{
    free(0); /* must do nothing */
    void *p = realloc(0, 1000);
    CHECK(p && usable(p, 1000, 5) && (uintptr_t)p % 16 == 0);
    free(p);
    CHECK(malloc_usable_size(0) == 0);
}

/* Zero sizes: whatever crt0 does, it must be defined and must not crash.
 * Prints what happened: 1 where a non-NULL pointer came back. */
static void zero_sizes(void)
{
    void *a = malloc(0), *b = malloc(0);
    kv("malloc0", a != 0);
    /* Distinct, freeable pointers, as glibc and musl give. */
    CHECK(!a || !b || a != b);
    free(a);
    free(b);
    void *c = calloc(0, 16), *d = calloc(16, 0);
    kv("calloc0", c != 0 && d != 0);
    free(c);
    free(d);
    void *e = malloc(100);
    CHECK(e != 0);
    errno = 0;
    void *f = realloc(e, 0);
    /* NULL: the block was freed (glibc); non-NULL: it was freed and a
     * minimum-size block came back (crt0). */
    kv("realloc0", f != 0);
    kv("realloc0_errno", errno);
    free(f);
    void *g = aligned_alloc(64, 0);
    kv("aligned_alloc0", g != 0);
    CHECK((uintptr_t)g % 64 == 0);
    free(g);
    CHECK(heap_still_works());
    put("\n");
}

static void alignments(void)
{
    for (size_t align = 16; align <= (size_t)1 << 20; align *= 2) {
        if (align > 64 * 1024 && align != (size_t)1 << 20)
            continue; /* 16 ... 64 KiB, then 1 MiB */
        /* A small block, and one larger than the alignment. */
        size_t sizes[] = {1, align + 100};
        for (int k = 0; k < 2; k++) {
            size_t n = sizes[k];
            void *a = aligned_alloc(align, (n + align - 1) / align * align);
            CHECK(a && (uintptr_t)a % align == 0 && usable(a, n, 6));
            void *b = 0;
            CHECK(posix_memalign(&b, align, n) == 0 && b && (uintptr_t)b % align == 0 && usable(b, n, 7));
            void *c = memalign(align, n);
            CHECK(c && (uintptr_t)c % align == 0 && usable(c, n, 8));
            CHECK(malloc_usable_size(c) >= n);
            /* The aligned blocks are ordinary blocks: realloc keeps the data. */
            unsigned char *d = realloc(c, 2 * n + 1);
            int kept = d != 0;
            for (size_t i = 0; d && i < n; i++)
                kept &= d[i] == (unsigned char)(i + 8);
            CHECK(kept);
            free(a);
            free(b);
            free(d);
        }
        kv("align", align);
    }
    put("\n");
    void *p = (void *)1;
    /* Not a power of two, or not a multiple of sizeof(void *): EINVAL, as a
     * return value; the pointer is left alone. */
    CHECK(posix_memalign(&p, 24, 100) == EINVAL && p == (void *)1);
    CHECK(posix_memalign(&p, 4, 100) == EINVAL && p == (void *)1);
    CHECK(posix_memalign(&p, 0, 100) == EINVAL && p == (void *)1);
    errno = 0;
    CHECK(posix_memalign(&p, 64, (size_t)1 << 50) == ENOMEM && p == (void *)1);
    CHECK(heap_still_works());
}

static void usable_sizes(void)
{
    for (size_t n = 1; n <= (size_t)1 << 21; n = n * 3 / 2 + 1) {
        void *p = malloc(n);
        size_t u = p ? malloc_usable_size(p) : 0;
        /* Every usable byte may be written. */
        CHECK(p && u >= n && usable(p, u, 9));
        free(p);
    }
}

int main(void)
{
    impossible_sizes();
    null_arguments();
    zero_sizes();
    alignments();
    usable_sizes();
    kv("checks", checks);
    kv("failures", failures);
    put("\n");
    return failures != 0;
}
