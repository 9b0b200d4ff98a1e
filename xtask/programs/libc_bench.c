/* The C library benchmark's workloads (`cargo xtask libc`), built three
 * ways (glibc, musl, crt0) from this one source:
 *   snprintf-int N | snprintf-str N | snprintf-float N | printf N
 *   memcpy SIZE N | strlen SIZE N | strcmp SIZE N
 * The formatting workloads print a checksum of everything they formatted
 * (printf prints the text itself), so the harness can check that the three
 * C libraries did the same work. The memory functions are called through
 * volatile pointers, so the compiler can neither inline them nor drop the
 * calls. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *(*volatile memcpy_p)(void *, const void *, size_t) = memcpy;
static size_t (*volatile strlen_p)(const char *) = strlen;
static int (*volatile strcmp_p)(const char *, const char *) = strcmp;

static unsigned long sum(const char *s, int n, unsigned long acc)
{
    for (int i = 0; i < n; i++)
        acc = acc * 131 + (unsigned char)s[i];
    return acc;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return 2;
    const char *what = argv[1];
    long n = atol(argv[argc - 1]);
    char buf[256];
    unsigned long acc = 0;
    if (!strcmp(what, "snprintf-int")) {
        for (long i = 0; i < n; i++) {
            int k = snprintf(buf, sizeof buf, "%d %ld %x %5u", (int)i, i * 12345L, (unsigned)i, (unsigned)(i & 0xffff));
            acc = sum(buf, k, acc);
        }
    } else if (!strcmp(what, "snprintf-str")) {
        static const char *words[] = {"alpha", "beta", "gamma", "a much longer string of text", ""};
        for (long i = 0; i < n; i++) {
            int k = snprintf(buf, sizeof buf, "%s|%-12s|%.3s|%c", words[i % 5], words[(i + 1) % 5], words[(i + 3) % 5],
                             'a' + (int)(i % 26));
            acc = sum(buf, k, acc);
        }
    } else if (!strcmp(what, "snprintf-float")) {
        double x = 0.001;
        for (long i = 0; i < n; i++) {
            int k = snprintf(buf, sizeof buf, "%f %.3e %g", x, x * 7.5, 1.0 / x);
            acc = sum(buf, k, acc);
            x = x * 1.0001 + 0.37;
            if (x > 1e9)
                x = 0.001;
        }
    } else if (!strcmp(what, "printf")) {
        for (long i = 0; i < n; i++)
            printf("%ld: %s %d %.2f\n", i, i % 3 ? "line" : "row", (int)(i % 1000), (double)i / 7);
        return 0;
    } else {
        /* The same placement under all three: a and b 64-byte aligned, and
         * 1 KiB apart modulo 4 KiB (no 4K aliasing between loads and stores),
         * whatever each malloc would have returned. */
        size_t size = (size_t)atol(argv[2]);
        size_t span = (size + 1 + 4095) / 4096 * 4096 + 1024;
        char *region = malloc(4096 + 2 * span);
        char *a = (char *)(((unsigned long)region + 4095) & ~4095UL), *b = a + span;
        memset(a, 'x', size);
        memset(b, 'x', size);
        a[size] = b[size] = 0;
        if (!strcmp(what, "memcpy"))
            for (long i = 0; i < n; i++) {
                memcpy_p(a, b, size);
                acc += (unsigned char)a[i % size];
            }
        else if (!strcmp(what, "strlen"))
            for (long i = 0; i < n; i++)
                acc += strlen_p(a);
        else if (!strcmp(what, "strcmp"))
            for (long i = 0; i < n; i++)
                acc += strcmp_p(a, b) == 0;
        else
            return 2;
        free(region);
    }
    printf("%lu\n", acc);
    return 0;
}
