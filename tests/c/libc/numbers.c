/* Numbers from text: strtol and its family in every base, strtod,
 * strtof and strtold (results printed exactly, with %a), atoi and
 * friends, and sscanf's conversions, over generated inputs with their
 * edges: signs, prefixes, overflow, subnormals and halfway cases, hex
 * floats, inf and nan spellings, widths. Each line shows the value, where
 * parsing stopped and errno. Built against glibc and crt0; the outputs
 * must match. */
#define _GNU_SOURCE
#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long seed = 0xdeadbeefcafef00dULL;
static unsigned next(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return (unsigned)(seed >> 29);
}

static char pick(const char *set)
{
    return set[next() % strlen(set)];
}

/* A random integer-ish text: spaces, sign, prefix, digits, junk. */
static void int_text(char *p)
{
    if (next() % 3 == 0)
        *p++ = pick(" \t\n");
    if (next() % 2)
        *p++ = pick("+-");
    if (next() % 3 == 0) {
        *p++ = '0';
        if (next() % 2)
            *p++ = pick("xXbB");
    }
    int n = next() % (next() % 4 == 0 ? 40 : 12);
    for (int i = 0; i < n; i++)
        *p++ = pick("0123456789abcdefzZ");
    if (next() % 2)
        *p++ = pick(" .x-");
    *p = 0;
}

static void integers(void)
{
    static const int bases[] = {0, 2, 8, 10, 16, 36, 1, 37};
    char text[64], *end;
    for (int round = 0; round < 1500; round++) {
        int_text(text);
        int base = bases[next() % 8];
        end = text; /* an invalid base leaves it unset */
        errno = 0;
        long l = strtol(text, &end, base);
        int e1 = errno;
        errno = 0;
        unsigned long ul = strtoul(text, &end, base);
        int e2 = errno;
        long e2off = end - text;
        errno = 0;
        long long ll = strtoll(text, &end, base);
        int e3 = errno;
        errno = 0;
        end = text;
        unsigned long long ull = strtoull(text, &end, base);
        int e4 = errno;
        errno = 0;
        intmax_t im = strtoimax(text, &end, base);
        uintmax_t um = strtoumax(text, &end, base);
        printf("[%s] b%d: %ld/%d %lu/%d@%ld %lld/%d %llu/%d@%ld %jd %ju\n", text, base, l, e1, ul, e2, e2off, ll, e3,
               ull, e4, (long)(end - text), im, um);
    }
    static const char *fixed[] = {"9223372036854775807", "9223372036854775808", "-9223372036854775808",
                                  "-9223372036854775809", "18446744073709551615", "18446744073709551616",
                                  "-18446744073709551615", "-1", "0x", "0xg", "0x10", "  -0x7fffffffffffffff",
                                  "z", "Z", "zz", "0b101", "-", "+", "", "   ", "2147483648", "-2147483649"};
    for (unsigned i = 0; i < sizeof fixed / sizeof *fixed; i++)
        for (int b = 0; b <= 36; b += (b < 2 ? 2 : b < 16 ? 6 : 20)) {
            errno = 0;
            long l = strtol(fixed[i], &end, b);
            int e1 = errno;
            errno = 0;
            unsigned long ul = strtoul(fixed[i], NULL, b);
            printf("fixed [%s] b%d: %ld %d @%ld %lu %d | atoi %d atol %ld atoll %lld\n", fixed[i], b, l, e1,
                   (long)(end - fixed[i]), ul, errno, atoi(fixed[i]), atol(fixed[i]), atoll(fixed[i]));
        }
}

/* A random decimal or hex float text. */
static void float_text(char *p)
{
    if (next() % 4 == 0)
        *p++ = ' ';
    if (next() % 2)
        *p++ = pick("+-");
    int kind = next() % 10;
    if (kind == 0) {
        strcpy(p, (const char *[]){"inf", "INF", "infinity", "Infinity", "infin", "nan", "NaN", "nan()", "nan(0x1f)",
                                   "nan(abc", "nanq"}[next() % 11]);
        return;
    }
    if (kind <= 2) {
        *p++ = '0';
        *p++ = pick("xX");
        int n = next() % 20;
        for (int i = 0; i < n; i++)
            *p++ = pick("0123456789abcdefABCDEF");
        if (next() % 2) {
            *p++ = '.';
            for (int i = next() % 16; i > 0; i--)
                *p++ = pick("0123456789abcdef");
        }
        if (next() % 3) {
            p += sprintf(p, "p%d", (int)(next() % 2200) - 1100);
        }
        *p = 0;
        return;
    }
    int n = 1 + next() % (next() % 5 == 0 ? 60 : 18);
    int point = next() % (n + 2);
    for (int i = 0; i < n; i++) {
        if (i == point)
            *p++ = '.';
        *p++ = i == 0 && next() % 3 == 0 ? '0' : pick("0123456789");
    }
    if (next() % 3)
        p += sprintf(p, "%c%d", pick("eE"), (int)(next() % 700) - 350);
    if (next() % 4 == 0)
        *p++ = pick("e.x");
    *p = 0;
}

static void floats(void)
{
    char text[160], *end;
    for (int round = 0; round < 2500; round++) {
        float_text(text);
        errno = 0;
        double d = strtod(text, &end);
        int e1 = errno;
        long off1 = end - text;
        errno = 0;
        float f = strtof(text, &end);
        int e2 = errno;
        errno = 0;
        long double ld = strtold(text, &end);
        int e3 = errno;
        printf("[%s] %a %d@%ld | %a %d | %La %d@%ld\n", text, d, e1, off1, f, e2, ld, e3, (long)(end - text));
    }
    static const char *fixed[] = {"1e-310", "4.9406564584124654e-324", "2.4703282292062328e-324",
                                  "2.4703282292062327e-324", "2.2250738585072014e-308", "2.2250738585072009e-308",
                                  "1.7976931348623157e308", "1.7976931348623158e308", "1.797693134862315807e308",
                                  "1e309", "0x1p-1074", "0x1.8p-1074", "0x1p-1075", "0x1.0000000000001p-1075",
                                  "0x1.fffffffffffff8p1023", "1.17549435e-38", "1e-39", "1e-46", "3.4028235e38",
                                  "3.4028236e38", "1e-4950", "1e-4951", "3.6e-4951", "1.18973149535723176502e4932",
                                  "1.2e4932", "0.1", "1e23", "9007199254740993", "0x", "0x.p1", ".", "-.e5", "1e",
                                  "1e+", "  +0.0", "-0", "1.", ".5", "0e-99999", "1e999999999999"};
    for (unsigned i = 0; i < sizeof fixed / sizeof *fixed; i++) {
        errno = 0;
        double d = strtod(fixed[i], &end);
        int e1 = errno;
        errno = 0;
        float f = strtof(fixed[i], NULL);
        int e2 = errno;
        errno = 0;
        long double ld = strtold(fixed[i], NULL);
        printf("fixed [%s] %a %d@%ld | %a %d | %La %d | %.17g %g\n", fixed[i], d, e1, (long)(end - fixed[i]), f, e2,
               ld, errno, atof(fixed[i]), d);
    }
}

/* The C99 sscanf, which glibc's headers pick without _GNU_SOURCE. */
int __isoc99_sscanf(const char *s, const char *fmt, ...);

static void scanning(void)
{
    static const char *in[] = {"08", "0", "09z", "0x", "0X1f", "0xg", "-0x10", "+0", "0b1", "019", "0777", "1234",
                               "0x1234", "00x5", "-", "-x", "0x-1", "1e+x", "100ergs", "0x1p", "inf", "infinity",
                               "infin", "nanx", "-nan(abc)", ".", "1.", ".5e", "  42abc", "", "   ",
                               "9999999999999999999999", "-9223372036854775809", "1.5e300", "0x1.8p3", "1e-400",
                               "(nil)", "(nix)", "0x.8", "abc def", "]x]", "\t\n 7"};
    static const char *fmt[] = {"%i%n", "%x%n", "%o%n", "%d%n", "%2i%n", "%1i%n", "%3x%n", "%u%n", "%p%n",
                                "%lf%n", "%2lf%n", "%4lf%n", "%f%n", "%Lf%n", "%5s%n", "%3c%n", "%[0-9a-f]%n",
                                "%[^x]%n", "%lld%n", "%hhd%n", "%hd%n", "%*d%n", "%ms%n", "%[]x]%n"};
    for (unsigned f = 0; f < sizeof fmt / sizeof *fmt; f++)
        for (unsigned i = 0; i < sizeof in / sizeof *in; i++) {
            union {
                long l;
                double d;
                float fl;
                long double ld;
                char s[32];
                char *p;
            } v;
            memset(&v, '#', sizeof v);
            v.s[31] = 0;
            int n = -7;
            int r = sscanf(in[i], fmt[f], &v, &n);
            if (fmt[f][1] == 'm') {
                printf("%s [%s] r=%d n=%d [%s]\n", fmt[f], in[i], r, n, r == 1 ? v.p : "");
                if (r == 1)
                    free(v.p);
                continue;
            }
            printf("%s [%s] r=%d n=%d v=%lx %a %a [%.31s]", fmt[f], in[i], r, n, v.l, v.d, v.fl, v.s);
            if (fmt[f][1] == 'L')
                printf(" %La", v.ld);
            printf("\n");
        }
    int a = -1, b = -1, r;
    char c = '?', s1[16] = "", s2[16] = "";
    r = sscanf("12 abc", "%d %d", &a, &b);
    printf("%d %d %d\n", r, a, b);
    r = sscanf("12x", "%d%c", &a, &c);
    printf("%d %d %c\n", r, a, c);
    r = sscanf("hello, world", "%5s%*[, ]%[a-z]", s1, s2);
    printf("%d [%s] [%s]\n", r, s1, s2);
    r = sscanf("abc-def", "%[^-]-%2s", s1, s2);
    printf("%d [%s] [%s]\n", r, s1, s2);
    printf("%d %d %d %d\n", sscanf("abc", "abd"), sscanf("", "%d", &a), sscanf("  ", " %d", &a), sscanf("", "abc"));
    r = sscanf("5 % 6", "%d %% %d", &a, &b);
    printf("%d %d %d\n", r, a, b);
    r = sscanf("a-z", "%[a-]%n", s1, &a);
    printf("%d [%s] %d\n", r, s1, a);
    r = sscanf("x 1", "x%*d%n", &a);
    printf("%d %d\n", r, a);
    r = sscanf("1,2;3", "%d,%d;%d", &a, &b, &a);
    printf("%d %d %d\n", r, a, b);
    float fl = 0;
    r = __isoc99_sscanf("0.5s", "%as", &fl);
    printf("isoc99 %%as: %d %a\n", r, fl);
    char *mine = NULL;
    const char *gnu_as = "%as"; /* not a literal: gcc checks it as C99's */
    r = sscanf("gnu as", gnu_as, &mine);
    printf("gnu %%as: %d [%s]\n", r, mine);
    free(mine);
}

int main(int argc, char **argv)
{
    const char *only = argc > 1 ? argv[1] : "";
    if (!*only || !strcmp(only, "int"))
        integers();
    if (!*only || !strcmp(only, "float"))
        floats();
    if (!*only || !strcmp(only, "scan"))
        scanning();
    return 0;
}
