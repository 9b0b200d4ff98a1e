/* A generated table of printf cases: every conversion with a spread of
 * flags, widths, precisions and length modifiers over values chosen to hit
 * the edges (integer limits; float rounding ties, subnormals, huge
 * exponents, infinities and NaNs of both signs, long doubles). Each line
 * shows the format, snprintf's result and its return value. The table is
 * generated here, deterministically, and built against glibc and against
 * crt0: the test requires identical output.
 *
 * Usage: printf_table [section]   (no argument: every section)
 * The format strings are built by hand (not with snprintf), so that a
 * broken snprintf cannot hide in its own input. */
#define _GNU_SOURCE
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* The table passes formats gcc would rightly complain about. */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
#pragma GCC diagnostic ignored "-Wformat-truncation"

static unsigned long long seed = 0x2545f4914f6cdd1dULL;
static unsigned long long next(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
}

/* Builds "%" flags width precision length conversion into f. */
static void spec(char *f, const char *flags, int width, int prec, const char *len, char conv)
{
    char *p = f;
    *p++ = '%';
    for (const char *s = flags; *s; s++)
        *p++ = *s;
    if (width >= 0) {
        if (width >= 100)
            *p++ = '0' + width / 100;
        if (width >= 10)
            *p++ = '0' + width / 10 % 10;
        *p++ = '0' + width % 10;
    }
    if (prec == -2) {
        *p++ = '.';
    } else if (prec >= 0) {
        *p++ = '.';
        if (prec >= 1000)
            *p++ = '0' + prec / 1000;
        if (prec >= 100)
            *p++ = '0' + prec / 100 % 10;
        if (prec >= 10)
            *p++ = '0' + prec / 10 % 10;
        *p++ = '0' + prec % 10;
    }
    for (const char *s = len; *s; s++)
        *p++ = *s;
    *p++ = conv;
    *p = 0;
}

static char out[6000];

static void show(const char *f, int r)
{
    printf("%s => [%s] %d\n", f, out, r);
}

static const char *flag_sets[] = {"", "-", "+", " ", "#", "0", "-+", "+0", " 0", "#0", "-#", "+ ", "-0", "#-+ 0", "'"};
#define NFLAGS (sizeof flag_sets / sizeof *flag_sets)
static const int widths[] = {-1, 0, 1, 5, 12, 30};
#define NWIDTHS (sizeof widths / sizeof *widths)
static const int precs[] = {-1, -2, 0, 1, 3, 6, 10, 17, 25, 40};
#define NPRECS (sizeof precs / sizeof *precs)

static void ints(void)
{
    static const long long values[] = {0, 1, -1, 7, -7, 42, 127, 128, 255, 256, -128, -129, 32767, -32768, 65535,
                                       65536, INT_MAX, INT_MIN, UINT_MAX, 4294967296LL, LLONG_MAX, LLONG_MIN,
                                       1234567890123LL, -987654321098LL, 0x7fffffffffffLL};
    static const char *lens[] = {"", "hh", "h", "l", "ll", "j", "z", "t", "q", "L", "Z"};
    static const char convs[] = "diuoxXbB";
    char f[64];
    for (unsigned v = 0; v < sizeof values / sizeof *values + 20; v++) {
        long long x = v < sizeof values / sizeof *values ? values[v] : (long long)next() >> (next() % 64);
        for (unsigned c = 0; c < sizeof convs - 1; c++) {
            for (unsigned l = 0; l < sizeof lens / sizeof *lens; l++) {
                spec(f, "", -1, -1, lens[l], convs[c]);
                show(f, snprintf(out, sizeof out, f, x));
            }
            for (int k = 0; k < 14; k++) {
                const char *fl = flag_sets[next() % NFLAGS];
                int w = widths[next() % NWIDTHS], p = precs[next() % NPRECS];
                const char *len = lens[next() % (sizeof lens / sizeof *lens)];
                spec(f, fl, w, p, len, convs[c]);
                show(f, snprintf(out, sizeof out, f, x));
            }
        }
    }
}

static void chars_strings_pointers(void)
{
    static const char *strs[] = {"", "a", "hello", "hello, world", "with\ttab", "0123456789abcdefghij"};
    static const unsigned long ptrs[] = {0, 1, 0x1000, 0xdeadbeef, 0x7fffffffe000UL, ~0UL};
    char f[64];
    for (int i = 0; i < 6; i++)
        for (unsigned k = 0; k < NFLAGS; k++)
            for (unsigned w = 0; w < NWIDTHS; w++) {
                int p = precs[(k + w) % NPRECS];
                spec(f, flag_sets[k], widths[w], p, "", 's');
                show(f, snprintf(out, sizeof out, f, strs[i]));
                spec(f, flag_sets[k], widths[w], -1, "", 'c');
                show(f, snprintf(out, sizeof out, f, strs[i][0] ? strs[i][0] : 'z'));
                spec(f, flag_sets[k], widths[w], p, "", 'p');
                show(f, snprintf(out, sizeof out, f, (void *)ptrs[i]));
            }
    /* NULL strings print (null) unless the precision cuts it to nothing. */
    for (unsigned p = 0; p < NPRECS; p++) {
        spec(f, "", 8, precs[p], "", 's');
        show(f, snprintf(out, sizeof out, f, (char *)0));
    }
    /* Wide characters and strings in the C locale (ASCII only). */
    show("%lc|%5lc|%-3lc|", snprintf(out, sizeof out, "%lc|%5lc|%-3lc|", (wint_t)'x', (wint_t)'y', (wint_t)'z'));
    show("%ls|%8ls|%.2ls|%-6ls|", snprintf(out, sizeof out, "%ls|%8ls|%.2ls|%-6ls|", L"wide", L"abc", L"cut", L"l"));
    show("%C%S", snprintf(out, sizeof out, "%C%S", (wint_t)'C', L"S"));
    show("%lc (non-ASCII)", snprintf(out, sizeof out, "a%lcb", (wint_t)0xe9));
    show("%ls (null)", snprintf(out, sizeof out, "%ls", (wchar_t *)0));
}

static void star_and_positional(void)
{
    static const int ws[] = {-12, -1, 0, 3, 9};
    static const int ps[] = {-5, -1, 0, 2, 7};
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 5; j++) {
            show("%*.*d", snprintf(out, sizeof out, "%*.*d", ws[i], ps[j], 1234));
            show("%-*.*f", snprintf(out, sizeof out, "%-*.*f", ws[i], ps[j], 3.14159));
            show("%*.*s", snprintf(out, sizeof out, "%*.*s", ws[i], ps[j], "string"));
            show("%0*.*e", snprintf(out, sizeof out, "%0*.*e", ws[i], ps[j], -2.5e-7));
        }
    show("%2$s %1$d %2$s", snprintf(out, sizeof out, "%2$s %1$d %2$s", 7, "seven"));
    show("%3$*1$.*2$f|%4$Lg", snprintf(out, sizeof out, "%3$*1$.*2$f|%4$Lg", 12, 3, 2.71828, 1.25L));
    show("%1$c%1$c%2$5.1e", snprintf(out, sizeof out, "%1$c%1$c%2$5.1e", 'q', 123.45));
    show("%1$hhd %1$hd %1$d %1$lld", snprintf(out, sizeof out, "%1$hhd %1$hd %1$d %1$lld", 100000LL));
}

static void misc(void)
{
    int n1 = -1, n2 = -1;
    signed char hh = -1;
    short h = -1;
    long long ll = -1;
    size_t z = 0;
    int r = snprintf(out, sizeof out, "ab%ncdef%hhn%hn%lln%zn%n|", &n1, &hh, &h, &ll, &z, &n2);
    printf("%%n: [%s] %d %d %d %d %lld %zu %d\n", out, r, n1, hh, h, ll, z, n2);
    show("100%%|%5%|%-5%|", snprintf(out, sizeof out, "100%%|%5%|%-5%|"));
    /* Unknown conversions are printed back; the length modifier dropped. */
    static const char *unknown[] = {"%y", "%5y", "%-#+05.3y", "% '-y", "%I0y", "%lk", "%hhhd", "%Lq", "%$d", "%0$d", "%.k"};
    for (unsigned i = 0; i < sizeof unknown / sizeof *unknown; i++)
        show(unknown[i], snprintf(out, sizeof out, unknown[i], 1, 2, 3));
    /* A format ending inside a conversion: -1 (EINVAL), the text before kept. */
    memset(out, 0, sizeof out);
    show("ab%", snprintf(out, sizeof out, "ab%"));
    memset(out, 0, sizeof out);
    show("ab%5", snprintf(out, sizeof out, "ab%5"));
    /* Truncation: the return value is the untruncated length. */
    for (size_t n = 0; n < 8; n++) {
        memset(out, '#', 16);
        out[15] = 0;
        int k = snprintf(out, n, "%s-%d", "abcde", 42);
        printf("snprintf n=%zu => [%s] %d\n", n, out, k);
    }
    char *s = NULL;
    int k = asprintf(&s, "%s %d %.3f %c", "asprintf", 99, 1.0 / 3, '!');
    printf("asprintf => [%s] %d\n", s, k);
    free(s);
    k = sprintf(out, "%08.3f|%-8s|%#x", -3.14159, "left", 0xbeef);
    printf("sprintf => [%s] %d\n", out, k);
    fflush(stdout);
    k = dprintf(1, "dprintf %d %s %g\n", -5, "fd", 1e-10);
    printf("dprintf => %d\n", k);
}

static void doubles(int all)
{
    static const double values[] = {0.0, -0.0, 1.0, -1.0, 0.5, 1.5, 2.5, -2.5, 0.25, 0.35, 0.125, 0.1, 0.2, 0.3,
                                    1.0 / 3, 2.0 / 3, 123.456, 1e-5, 1e-4, 9.9999e-5, 0.00099995, 999999.5, 9.5,
                                    99.5, 999.5, 0.05, 0.15, 1.005, 2.675, 1e15, 1e16, 1e17, 1e21, 1e22, 1e23,
                                    1e100, 1e300, -1e-300, DBL_MAX, -DBL_MAX, DBL_MIN, 4.9406564584124654e-324,
                                    1e-310, 2.2250738585072009e-308, M_PI, M_E, 9007199254740992.0,
                                    9007199254740993.0, 18446744073709551616.0, 0.000123456789, 5e-5, 0.5e-4,
                                    123456789.0, 1e-7, 3.0, 100.0, 1e6, 1e7};
    static const char convs[] = "fFeEgGaA";
    char f[64];
    unsigned nv = sizeof values / sizeof *values;
    for (unsigned v = 0; v < nv + 6 + (all ? 80 : 0); v++) {
        double x;
        if (v < nv)
            x = values[v];
        else if (v < nv + 6)
            x = (double[]){INFINITY, -INFINITY, NAN, -NAN, HUGE_VAL, -HUGE_VAL}[v - nv];
        else {
            /* Random bit patterns, and values with few significant bits
             * (near rounding ties). */
            unsigned long long bits = next();
            if (v % 2)
                bits &= ~((1ULL << (next() % 52)) - 1);
            memcpy(&x, &bits, sizeof x);
        }
        for (unsigned c = 0; c < sizeof convs - 1; c++) {
            for (unsigned p = 0; p < NPRECS; p++) {
                spec(f, "", -1, precs[p], "", convs[c]);
                show(f, snprintf(out, sizeof out, f, x));
            }
            for (int k = 0; k < 10; k++) {
                const char *fl = flag_sets[next() % NFLAGS];
                int w = widths[next() % NWIDTHS], p = precs[next() % NPRECS];
                spec(f, fl, w, p, next() % 3 ? "" : "l", convs[c]);
                show(f, snprintf(out, sizeof out, f, x));
            }
        }
    }
    /* Every digit of the extremes. */
    static const int big[] = {60, 330, 500, 1074, 1100};
    for (int i = 0; i < 5; i++) {
        spec(f, "", -1, big[i], "", 'f');
        show(f, snprintf(out, sizeof out, f, 4.9406564584124654e-324));
        spec(f, "", -1, big[i], "", 'e');
        show(f, snprintf(out, sizeof out, f, DBL_MAX));
        spec(f, "#", -1, big[i], "", 'g');
        show(f, snprintf(out, sizeof out, f, 0.1));
        spec(f, "", -1, big[i] / 10, "", 'a');
        show(f, snprintf(out, sizeof out, f, 0.1));
    }
    show("%f DBL_MAX", snprintf(out, sizeof out, "%f", DBL_MAX));
    show("%.0f 1e308", snprintf(out, sizeof out, "%.0f", 1e308));
}

/* A long double from random bits: significand and exponent in range. */
static long double random_ld(void)
{
    long double x = (long double)next() / 18446744073709551616.0L + (long double)(next() >> 11) / 1e30L;
    int e = (int)(next() % 400) - 200;
    while (e > 0) {
        x *= 1e10L;
        e--;
    }
    while (e < 0) {
        x /= 1e10L;
        e++;
    }
    return next() % 2 ? -x : x;
}

static void long_doubles(int all)
{
    static const long double values[] = {0.0L, -0.0L, 1.0L, -1.5L, 0.5L, 2.5L, 0.1L, 1.0L / 3, 123.456L, 1e-5L,
                                         1e16L, 1e23L, 1e100L, 1e300L, 1e1000L, 1e4000L, -1e-4000L, LDBL_MAX,
                                         LDBL_MIN, LDBL_TRUE_MIN, LDBL_EPSILON, 9.5L, 0.125L, 15.5L, 15.97L,
                                         1.9L, 3.14159265358979323846264338327950288L};
    static const char convs[] = "fFeEgGaA";
    char f[64];
    unsigned nv = sizeof values / sizeof *values;
    for (unsigned v = 0; v < nv + 4 + (all ? 40 : 0); v++) {
        long double x;
        if (v < nv)
            x = values[v];
        else if (v < nv + 4)
            x = (long double[]){INFINITY, -INFINITY, NAN, -NAN}[v - nv];
        else
            x = random_ld();
        for (unsigned c = 0; c < sizeof convs - 1; c++) {
            for (unsigned p = 0; p < NPRECS; p++) {
                spec(f, "", -1, precs[p], "L", convs[c]);
                show(f, snprintf(out, sizeof out, f, x));
            }
            for (int k = 0; k < 6; k++) {
                const char *fl = flag_sets[next() % NFLAGS];
                int w = widths[next() % NWIDTHS], p = precs[next() % NPRECS];
                spec(f, fl, w, p, "L", convs[c]);
                show(f, snprintf(out, sizeof out, f, x));
            }
        }
    }
    show("%.20Lf LDBL_MAX", snprintf(out, sizeof out, "%.20Lf", LDBL_MAX));
    show("%.5000Le LDBL_TRUE_MIN", snprintf(out, sizeof out, "%.5000Le", LDBL_TRUE_MIN));
    show("%.40Lf 1e-30L", snprintf(out, sizeof out, "%.40Lf", 1e-30L));
}

int main(int argc, char **argv)
{
    const char *only = argc > 1 ? argv[1] : "";
    int all = !*only;
    if (all || !strcmp(only, "ints"))
        ints();
    if (all || !strcmp(only, "strings"))
        chars_strings_pointers();
    if (all || !strcmp(only, "star"))
        star_and_positional();
    if (all || !strcmp(only, "misc"))
        misc();
    if (all || !strcmp(only, "doubles"))
        doubles(1);
    if (all || !strcmp(only, "long"))
        long_doubles(1);
    return 0;
}
