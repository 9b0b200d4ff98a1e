/* The mem functions crt0 provides, against a byte-by-byte reference, over
 * many sizes and misalignments. Built with -fno-builtin so that every call
 * reaches crt0's implementation. */
#include "util.h"

static unsigned char a[600], b[600], ref[600];

static void fill(unsigned char *p, int n, int seed)
{
    for (int i = 0; i < n; i++)
        p[i] = (unsigned char)(i * 7 + seed);
}

int main(void)
{
    long failures = 0, checks = 0;
    for (int off = 0; off < 9; off++)
        for (int n = 0; n < 260; n++) {
            fill(a, 600, 1);
            fill(b, 600, 2);
            memcpy(b + off, a + 3, n);
            for (int i = 0; i < n; i++)
                failures += b[off + i] != a[3 + i];
            memset(b + off, 0x5a, n);
            for (int i = 0; i < n; i++)
                failures += b[off + i] != 0x5a;
            /* Overlapping moves both ways. */
            fill(a, 600, 3);
            for (int i = 0; i < 600; i++) ref[i] = a[i];
            memmove(a + off + 5, a + 5, n);
            for (int i = 0; i < n; i++)
                failures += a[off + 5 + i] != ref[5 + i];
            fill(a, 600, 3);
            memmove(a + 5, a + off + 5, n);
            for (int i = 0; i < n; i++)
                failures += a[5 + i] != ref[off + 5 + i];
            /* Comparisons: equal, then a difference at every position class. */
            fill(a, 600, 4);
            fill(b, 600, 4);
            failures += memcmp(a + off, b + off, n) != 0 || bcmp(a + off, b + off, n) != 0;
            if (n > 0) {
                a[off + n - 1] = 0x10;
                b[off + n - 1] = 0x20;
                failures += memcmp(a + off, b + off, n) >= 0 || bcmp(a + off, b + off, n) == 0;
                failures += memcmp(b + off, a + off, n) <= 0;
            }
            /* strlen from every alignment. */
            fill(a, 600, 9);
            for (int i = 0; i < 600; i++) a[i] |= 1;
            a[off + n] = 0;
            failures += strlen((char *)a + off) != (unsigned long)n;
            checks++;
        }
    kv("checks", checks);
    kv("failures", failures);
    put("\n");
    return failures != 0;
}
