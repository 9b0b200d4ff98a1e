/* The __isoc23_* names that glibc 2.38's headers use in C23 mode (the
 * strto* family takes a 0b prefix there; the scanf family reads as C99's).
 * glibc 2.36, the differential tests' reference, has none of them, so this
 * program is built with crt0 only and its output checked by the test. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

long __isoc23_strtol(const char *, char **, int);
unsigned long __isoc23_strtoul(const char *, char **, int);
long long __isoc23_strtoll(const char *, char **, int);
unsigned long long __isoc23_strtoull(const char *, char **, int);
intmax_t __isoc23_strtoimax(const char *, char **, int);
uintmax_t __isoc23_strtoumax(const char *, char **, int);
int __isoc23_sscanf(const char *, const char *, ...);

int main(void)
{
    static const char *inputs[] = {"0b101", "-0B11", "0b", "0b2", "0x1f", "017", "42"};
    static const int bases[] = {0, 2, 10, 16};
    for (unsigned i = 0; i < sizeof inputs / sizeof *inputs; i++)
        for (unsigned j = 0; j < sizeof bases / sizeof *bases; j++) {
            char *end;
            long v = __isoc23_strtol(inputs[i], &end, bases[j]);
            printf("%s base %d: %ld rest [%s] | %lu %lld %llu %jd %ju\n", inputs[i], bases[j], v, end,
                   __isoc23_strtoul(inputs[i], NULL, bases[j]), __isoc23_strtoll(inputs[i], NULL, bases[j]),
                   __isoc23_strtoull(inputs[i], NULL, bases[j]), __isoc23_strtoimax(inputs[i], NULL, bases[j]),
                   __isoc23_strtoumax(inputs[i], NULL, bases[j]));
        }
    /* strtol itself keeps C99's reading: "0b101" is 0, then "b101". */
    char *end;
    long v = strtol("0b101", &end, 0);
    printf("strtol: %ld rest [%s]\n", v, end);
    int n;
    char c;
    printf("sscanf: %d", __isoc23_sscanf("42 x", "%d %c", &n, &c));
    printf(" %d %c\n", n, c);
    return 0;
}
