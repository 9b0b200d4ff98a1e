/* string.h, strings.h and ctype.h over generated inputs: every function
 * on strings built from a small alphabet (so searches hit and miss), at
 * every alignment and length up to 70, plus the ctype tables over every
 * value from -128 to 255 and the error and signal texts. Built against
 * glibc and crt0; the outputs must match. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Truncating copies are what this program tests. */
#pragma GCC diagnostic ignored "-Wstringop-truncation"

static unsigned long long seed = 0x9e3779b97f4a7c15ULL;
static unsigned next(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return (unsigned)(seed >> 32);
}

/* A string of n characters from "abcAB-_ " at p. */
static void gen(char *p, int n)
{
    static const char alphabet[] = "abcAB-_ ";
    for (int i = 0; i < n; i++)
        p[i] = alphabet[next() % 8];
    p[n] = 0;
}

static int sign(int x)
{
    return (x > 0) - (x < 0);
}

static long off(const void *p, const void *base)
{
    return p ? (const char *)p - (const char *)base : -1;
}

static void searching(void)
{
    static char buf_a[160], buf_b[160];
    for (int round = 0; round < 600; round++) {
        int la = next() % 70, lb = next() % 8, aa = next() % 8, ab = next() % 8;
        char *a = buf_a + aa, *b = buf_b + ab;
        gen(a, la);
        gen(b, lb);
        if (round % 5 == 0 && la > lb && lb > 0)
            memcpy(a + next() % (la - lb), b, lb); /* make the needle occur */
        int c = "abcAB-_ z"[next() % 9];
        printf("%d [%s] [%s] '%c': len %zu nlen %zu,%zu chr %ld rchr %ld chrnul %ld memchr %ld memrchr %ld "
               "str %ld casestr %ld mem %ld spn %zu cspn %zu pbrk %ld\n",
               round, a, b, c, strlen(a), strnlen(a, 5), strnlen(a, 100), off(strchr(a, c), a),
               off(strrchr(a, c), a), off(strchrnul(a, c), a), off(memchr(a, c, la), a), off(memrchr(a, c, la), a),
               off(strstr(a, b), a), off(strcasestr(a, b), a), off(memmem(a, la, b, lb), a), strspn(a, b),
               strcspn(a, b), off(strpbrk(a, b), a));
        printf("  cmp %d ncmp %d,%d casecmp %d ncasecmp %d memcmp %d coll %d index %ld rindex %ld\n",
               sign(strcmp(a, b)), sign(strncmp(a, b, 3)), sign(strncmp(a, b, 100)), sign(strcasecmp(a, b)),
               sign(strncasecmp(a, b, 2)), sign(memcmp(a, b, lb < la ? lb : la)), sign(strcoll(a, b)),
               off(index(a, c), a), off(rindex(a, c), a));
        /* The raw results too, which programs print: x86_64's glibc returns
         * the difference of the first differing bytes, as crt0 does;
         * aarch64's returns other values of the same sign (and differs
         * between strcmp and strncmp). */
#ifdef __x86_64__
        printf("  raw cmp %d ncmp %d casecmp %d\n", strcmp(a, b), strncmp(a, b, 4), strcasecmp(a, b));
#else
        printf("  raw casecmp %d\n", strcasecmp(a, b));
#endif
    }
    /* Equal prefixes, differences at every position, bytes above 127. */
    for (int i = 0; i < 40; i++) {
        char x[64], y[64];
        memset(x, 'q', 50);
        memset(y, 'q', 50);
        x[50] = y[50] = 0;
        y[i] = (char)(i % 2 ? 0xe9 : 'a');
        printf("diff at %d: %d %d %d %d\n", i, sign(strcmp(x, y)), sign(strcmp(y, x)), sign(memcmp(x, y, 50)),
               sign(strncmp(x, y, i)));
    }
}

static void copying(void)
{
    char dst[128], src[64];
    for (int round = 0; round < 200; round++) {
        int n = next() % 40;
        gen(src, n);
        memset(dst, '#', sizeof dst);
        dst[sizeof dst - 1] = 0;
        size_t k = next() % 50;
        char *e = stpcpy(dst, src);
        printf("%d stpcpy %ld [%s]", round, (long)(e - dst), dst);
        strcat(dst, "+cat");
        strncat(dst, src, k % 7);
        printf(" cat [%s]", dst);
        memset(dst, '#', 60);
        strncpy(dst, src, k);
        dst[60] = 0;
        printf(" ncpy %zu [%s]", k, dst);
        memset(dst, '#', 60);
        e = stpncpy(dst, src, k);
        printf(" stpncpy %ld", (long)(e - dst));
        char *d = strdup(src), *nd = strndup(src, k % 10);
        printf(" dup [%s] ndup [%s]", d, nd);
        free(d);
        free(nd);
        char *m = memccpy(dst, src, 'a', n);
        printf(" memccpy %ld", m ? (long)(m - dst) : -1L);
        e = mempcpy(dst, src, n);
        printf(" mempcpy %ld\n", (long)(e - dst));
    }
    char overlap[] = "0123456789abcdef";
    memmove(overlap + 3, overlap, 10);
    printf("memmove up [%s]\n", overlap);
    memmove(overlap, overlap + 5, 10);
    printf("memmove down [%s]\n", overlap);
    bcopy(overlap, overlap + 1, 5);
    bzero(overlap + 10, 3);
    printf("bcopy/bzero [%s] [%s]\n", overlap, overlap + 13);
    printf("ffs %d %d %d %d\n", ffs(0), ffs(1), ffs(0x80000000), ffsll(1LL << 40));
}

static void tokens(void)
{
    const char *inputs[] = {"a,b,,c", ",,lead", "trail,,", "", ",", "one", "a b\tc", "::x::y::"};
    for (unsigned i = 0; i < sizeof inputs / sizeof *inputs; i++) {
        char buf[64], *save = NULL, *t;
        strcpy(buf, inputs[i]);
        printf("strtok_r [%s]:", inputs[i]);
        for (t = strtok_r(buf, ", \t:", &save); t; t = strtok_r(NULL, ", \t:", &save))
            printf(" <%s>", t);
        strcpy(buf, inputs[i]);
        printf(" | strtok:");
        for (t = strtok(buf, ","); t; t = strtok(NULL, ","))
            printf(" <%s>", t);
        strcpy(buf, inputs[i]);
        char *p = buf;
        printf(" | strsep:");
        while ((t = strsep(&p, ",:")))
            printf(" <%s>", t);
        printf("\n");
    }
}

static int bit(int x, int n)
{
    return (x != 0) << n;
}

static void classes(void)
{
    for (int c = -128; c < 256; c++) {
        /* The macros (glibc's tables) and the functions. */
        int m = bit(isalnum(c), 0) | bit(isalpha(c), 1) | bit(isblank(c), 2) | bit(iscntrl(c), 3) |
                bit(isdigit(c), 4) | bit(isgraph(c), 5) | bit(islower(c), 6) | bit(isprint(c), 7) |
                bit(ispunct(c), 8) | bit(isspace(c), 9) | bit(isupper(c), 10) | bit(isxdigit(c), 11);
        int f = bit((isalnum)(c), 0) | bit((isalpha)(c), 1) | bit((isblank)(c), 2) | bit((iscntrl)(c), 3) |
                bit((isdigit)(c), 4) | bit((isgraph)(c), 5) | bit((islower)(c), 6) | bit((isprint)(c), 7) |
                bit((ispunct)(c), 8) | bit((isspace)(c), 9) | bit((isupper)(c), 10) | bit((isxdigit)(c), 11);
        printf("%4d %03x %03x %4d %4d %4d %4d %d %d %#x\n", c, m, f, tolower(c), toupper(c), (tolower)(c),
               (toupper)(c), isascii(c), toascii(c), (*__ctype_b_loc())[c]);
    }
    printf("EOF: %d %d %d\n", isalpha(EOF), tolower(EOF), toupper(EOF));
}

/* POSIX's strerror_r, which glibc's headers hide behind _GNU_SOURCE's. */
int __xpg_strerror_r(int e, char *buf, size_t n);

static void texts(void)
{
    for (int e = -2; e < 140; e++) {
        char buf[64], small[8];
        const char *name = strerrorname_np(e), *desc = strerrordesc_np(e);
        int x = __xpg_strerror_r(e, small, sizeof small);
        printf("%d %s|%s|%s|%s|%d [%s]\n", e, strerror(e), name ? name : "(none)", desc ? desc : "(none)",
               strerror_r(e, buf, sizeof buf), x, small);
    }
    for (int s = -1; s < 70; s++) {
        const char *ab = sigabbrev_np(s), *d = sigdescr_np(s);
        printf("sig %d %s|%s|%s\n", s, strsignal(s), ab ? ab : "(none)", d ? d : "(none)");
    }
    errno = EACCES;
    perror("perror");
    errno = 1234;
    printf("%m\n");
}

int main(int argc, char **argv)
{
    const char *only = argc > 1 ? argv[1] : "";
    if (!*only || !strcmp(only, "search"))
        searching();
    if (!*only || !strcmp(only, "copy"))
        copying();
    if (!*only || !strcmp(only, "tokens"))
        tokens();
    if (!*only || !strcmp(only, "ctype"))
        classes();
    if (!*only || !strcmp(only, "texts"))
        texts();
    return 0;
}
