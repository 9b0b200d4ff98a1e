/* A program that brings its own strlen, printf and malloc family, as it
 * may with a C library's static archive: it must link (crt0's definitions
 * give way) and its own must be the ones called, by the program and by
 * crt0's functions that allocate (strdup, asprintf, fopen, setenv). Built
 * with -fno-builtin so the compiler calls the functions as written. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char arena[1 << 20] __attribute__((aligned(16)));
static size_t used;
static int mallocs, frees;

static void say(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    write(1, s, n);
}

void *malloc(size_t n)
{
    mallocs++;
    n = (n + 15) & ~(size_t)15;
    if (used + n + 16 > sizeof arena)
        return NULL;
    size_t *p = (size_t *)(arena + used);
    *p = n;
    used += n + 16;
    return p + 2;
}

void free(void *p)
{
    if (p) {
        if ((char *)p < arena || (char *)p >= arena + sizeof arena)
            say("free: not my block!\n");
        frees++;
    }
}

void *calloc(size_t a, size_t b)
{
    void *p = malloc(a * b);
    if (p)
        memset(p, 0, a * b);
    return p;
}

void *realloc(void *p, size_t n)
{
    void *q = malloc(n);
    if (p && q) {
        size_t old = ((size_t *)p)[-2];
        memcpy(q, p, old < n ? old : n);
    }
    free(p);
    return q;
}

/* Off by a thousand, so its use shows. */
size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n + 1000;
}

int printf(const char *fmt, ...)
{
    say("[my printf] ");
    say(fmt);
    return 0;
}

static char num[32];
static const char *decimal(long v)
{
    char *p = num + sizeof num - 1;
    *p = 0;
    do
        *--p = '0' + v % 10;
    while (v /= 10);
    return p;
}

int main(void)
{
    printf("called by the program\n");
    char text[] = "abc";
    say("strlen: ");
    say(decimal((long)strlen(text)));
    say("\n");
    char *d = strdup("duplicated");
    say("strdup gave my block: ");
    say(d >= arena && d < arena + sizeof arena ? "yes" : "no");
    say("\n");
    free(d);
    char *s = NULL;
    asprintf(&s, "asprintf %d", 42);
    say(s);
    say(s >= arena && s < arena + sizeof arena ? " (my block)\n" : " (not mine)\n");
    free(s);
    setenv("OVERRIDE", "yes", 1);
    say("getenv: ");
    say(getenv("OVERRIDE"));
    say("\n");
    fprintf(stdout, "fprintf still crt0's: %s %d\n", "ok", 7);
    fflush(stdout);
    say("mallocs ");
    say(decimal(mallocs));
    say(" frees ");
    say(decimal(frees));
    say("\n");
    return 0;
}
