/* Heap bugs planted one at a time, for valgrind's memcheck to find:
 *
 *   valgrind_bugs MODE
 *
 * clean: correct use of the whole malloc family (no error expected); use_after_free,
 * overflow (one byte past the end), underflow (one byte before), double_free,
 * invalid_free (a pointer into a block), uninit (a branch on bytes malloc never set),
 * leak (blocks nobody points to any more), realloc_uaf (the old block after realloc).
 * Each bug sits in a function of its own, so the stacks valgrind prints name it. */
#include "util.h"

static int equal(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

/* volatile: the compiler must neither remove the bad accesses nor reason about them. */
static volatile unsigned char sink;

__attribute__((noinline)) static unsigned char *make_block(size_t n)
{
    unsigned char *p = malloc(n);
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)i;
    return p;
}

__attribute__((noinline)) static void plant_use_after_free(void)
{
    unsigned char *p = make_block(40);
    free(p);
    sink = ((volatile unsigned char *)p)[8];
}

__attribute__((noinline)) static void plant_overflow(void)
{
    unsigned char *p = make_block(40);
    ((volatile unsigned char *)p)[40] = 1;
    free(p);
}

__attribute__((noinline)) static void plant_underflow(void)
{
    unsigned char *p = make_block(100);
    sink = ((volatile unsigned char *)p)[-1];
    free(p);
}

__attribute__((noinline)) static void plant_double_free(void)
{
    unsigned char *p = make_block(24);
    free(p);
    free(p);
}

__attribute__((noinline)) static void plant_invalid_free(void)
{
    unsigned char *p = make_block(64);
    free(p + 16);
    free(p);
}

__attribute__((noinline)) static void plant_uninit(void)
{
    unsigned char *p = malloc(32);
    p[0] = 1;
    if (((volatile unsigned char *)p)[5] == 42) /* byte 5 was never written */
        put("forty-two\n");
    free(p);
}

static void *volatile keep;

__attribute__((noinline)) static void plant_leak(void)
{
    for (int i = 0; i < 10; i++)
        keep = make_block(200 + i);
    keep = 0;
}

__attribute__((noinline)) static void plant_realloc_uaf(void)
{
    unsigned char *p = make_block(16);
    unsigned char *q = realloc(p, 5000);
    sink = ((volatile unsigned char *)p)[3];
    free(q);
}

/* Every function of the family, used correctly, over every size range. */
static void clean(void)
{
    size_t sizes[] = {1, 24, 100, 1000, 5000, 70000, 300000};
    for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t n = sizes[i];
        unsigned char *p = make_block(n), *z = calloc(n, 1);
        for (size_t j = 0; j < n; j++)
            if (p[j] != (unsigned char)j || z[j] != 0)
                put("clean: wrong contents\n");
        p = realloc(p, 2 * n + 7);
        for (size_t j = 0; j < n; j++)
            if (p[j] != (unsigned char)j)
                put("clean: realloc lost contents\n");
        void *a = aligned_alloc(64, n), *m = 0;
        if (posix_memalign(&m, 4096, n) != 0 || ((unsigned long)a & 63) || ((unsigned long)m & 4095))
            put("clean: misaligned\n");
        if (malloc_usable_size(z) < n)
            put("clean: usable size too small\n");
        memset(a, 1, n);
        memset(m, 2, n);
        free(a);
        free(m);
        free(z);
        p = realloc(p, n / 2 + 1);
        free(p);
    }
    free(malloc(0));
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "clean";
    if (equal(mode, "clean"))
        clean();
    else if (equal(mode, "use_after_free"))
        plant_use_after_free();
    else if (equal(mode, "overflow"))
        plant_overflow();
    else if (equal(mode, "underflow"))
        plant_underflow();
    else if (equal(mode, "double_free"))
        plant_double_free();
    else if (equal(mode, "invalid_free"))
        plant_invalid_free();
    else if (equal(mode, "uninit"))
        plant_uninit();
    else if (equal(mode, "leak"))
        plant_leak();
    else if (equal(mode, "realloc_uaf"))
        plant_realloc_uaf();
    else {
        put("unknown mode\n");
        return 2;
    }
    put("done\n");
    return 0;
}
