/* stdlib beyond numbers: qsort (stable, as glibc's merge sort is) and
 * bsearch, abs and div, glibc's rand/random/rand_r sequences, the
 * environment (getenv, setenv, unsetenv, putenv, clearenv, and environ
 * assigned by the program), getopt and getopt_long (permutation, clusters,
 * arguments, abbreviations, every error message), realpath, and a failed
 * assert. Built against glibc and crt0; the outputs must match.
 *
 * Usage: stdlib MODE [DIR]   (MODE: sort, rand, env, getopt, realpath DIR, assert) */
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct item {
    int key;
    int order;
};

static int by_key(const void *a, const void *b)
{
    const struct item *x = a, *y = b;
    return (x->key > y->key) - (x->key < y->key);
}

static int by_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void sorting(void)
{
    unsigned s = 12345;
    for (int n = 0; n < 300; n += 1 + n / 4) {
        struct item items[300];
        for (int i = 0; i < n; i++) {
            s = s * 1103515245 + 12345;
            items[i].key = (s >> 16) % 7; /* many ties: stability shows */
            items[i].order = i;
        }
        qsort(items, n, sizeof *items, by_key);
        printf("n=%d:", n);
        for (int i = 0; i < n; i++)
            printf(" %d.%d", items[i].key, items[i].order);
        printf("\n");
    }
    int v[1000];
    for (int i = 0; i < 1000; i++)
        v[i] = (int)((i * 7919u) % 1009) - 500;
    qsort(v, 1000, sizeof *v, by_int);
    long sum = 0;
    for (int i = 0; i < 1000; i++)
        sum += (long)v[i] * i;
    printf("ints sorted: %d %d %d weighted %ld\n", v[0], v[500], v[999], sum);
    for (int k = -502; k < 510; k += 37) {
        int *hit = bsearch(&k, v, 1000, sizeof *v, by_int);
        printf("bsearch %d: %s\n", k, hit ? "found" : "missing");
    }
    char *words[] = {"pear", "apple", "fig", "banana", "apple", "cherry", "", "Zebra"};
    qsort(words, 8, sizeof *words, by_string);
    for (int i = 0; i < 8; i++)
        printf("[%s]", words[i]);
    printf("\n");
    /* Big elements (more than a pointer). */
    struct big {
        char name[40];
        int n;
    } bigs[50];
    for (int i = 0; i < 50; i++) {
        snprintf(bigs[i].name, sizeof bigs[i].name, "item%02d", (i * 17) % 50);
        bigs[i].n = i;
    }
    qsort(bigs, 50, sizeof *bigs, (int (*)(const void *, const void *))strcmp);
    for (int i = 0; i < 50; i += 7)
        printf("%s/%d ", bigs[i].name, bigs[i].n);
    printf("\n");
    printf("abs %d %ld %lld %jd\n", abs(-5), labs(LONG_MIN + 1), llabs(-7LL), imaxabs(-9));
    div_t d = div(-7, 2);
    ldiv_t ld = ldiv(LONG_MAX, -3);
    lldiv_t lld = lldiv(-100, 7);
    imaxdiv_t id = imaxdiv(99, -8);
    printf("div %d %d ldiv %ld %ld lldiv %lld %lld imaxdiv %jd %jd\n", d.quot, d.rem, ld.quot, ld.rem, lld.quot, lld.rem,
           id.quot, id.rem);
}

static void randoms(void)
{
    printf("rand before srand:");
    for (int i = 0; i < 10; i++)
        printf(" %d", rand());
    printf("\n");
    unsigned seeds[] = {0, 1, 2, 42, 12345, 0x80000000u, 0xffffffffu};
    for (int i = 0; i < 7; i++) {
        srand(seeds[i]);
        long total = 0;
        for (int k = 0; k < 1000; k++)
            total += rand() % 1000;
        printf("srand(%u): %d %d %d total %ld\n", seeds[i], rand(), rand(), rand(), total);
        srandom(seeds[i]);
        printf("srandom(%u): %ld %ld\n", seeds[i], random(), random());
        unsigned st = seeds[i];
        printf("rand_r(%u):", seeds[i]);
        for (int k = 0; k < 8; k++)
            printf(" %d", rand_r(&st));
        printf(" state %u\n", st);
    }
}

static void show_env(const char *when)
{
    printf("%s:", when);
    for (char **e = environ; e && *e; e++)
        printf(" [%s]", *e);
    printf(" | A=%s B=%s\n", getenv("A") ? getenv("A") : "(null)", getenv("B") ? getenv("B") : "(null)");
}

static void environment(void)
{
    show_env("start");
    printf("environ == __environ: %d\n", environ == __environ);
    printf("setenv A: %d\n", setenv("A", "one", 1));
    printf("setenv A no overwrite: %d\n", setenv("A", "two", 0));
    printf("setenv B: %d\n", setenv("B", "x=y", 1));
    show_env("after setenv");
    printf("setenv bad names: %d %d", setenv("", "v", 1), errno);
    errno = 0;
    printf(" %d %d", setenv("A=B", "v", 1), errno);
    errno = 0;
    printf(" unsetenv: %d %d\n", unsetenv("X=Y"), errno);
    static char put[] = "B=from putenv";
    printf("putenv: %d\n", putenv(put));
    show_env("after putenv");
    put[2] = 'F'; /* putenv keeps the string itself */
    printf("B after changing the string: %s\n", getenv("B"));
    printf("putenv without '=' removes: %d\n", putenv("A"));
    show_env("after putenv A");
    for (int i = 0; i < 40; i++) {
        char name[16];
        snprintf(name, sizeof name, "VAR%d", i);
        setenv(name, name + 3, 1);
    }
    printf("VAR0=%s VAR39=%s\n", getenv("VAR0"), getenv("VAR39"));
    for (int i = 0; i < 40; i += 2) {
        char name[16];
        snprintf(name, sizeof name, "VAR%d", i);
        unsetenv(name);
    }
    printf("VAR0=%s VAR1=%s VAR39=%s\n", getenv("VAR0") ? getenv("VAR0") : "(null)", getenv("VAR1"), getenv("VAR39"));
    static char *mine[] = {"A=assigned", "C=3", NULL};
    environ = mine;
    show_env("assigned environ");
    printf("getenv C: %s\n", getenv("C"));
    setenv("D", "4", 1);
    show_env("setenv after assigning");
    printf("clearenv: %d, environ %s\n", clearenv(), environ ? "set" : "NULL");
    printf("getenv after clearenv: %s\n", getenv("A") ? getenv("A") : "(null)");
    setenv("E", "5", 1);
    show_env("setenv after clearenv");
}

static void run_getopt(int argc, char **argv, const char *opts, const struct option *longs, int long_only)
{
    int c, index = -1;
    optind = 0;
    printf("args:");
    for (int i = 0; i < argc; i++)
        printf(" %s", argv[i]);
    printf(" | %s |", opts);
    fflush(stdout);
    while (1) {
        index = -1;
        c = longs ? (long_only ? getopt_long_only(argc, argv, opts, longs, &index)
                               : getopt_long(argc, argv, opts, longs, &index))
                  : getopt(argc, argv, opts);
        if (c == -1)
            break;
        printf(" %c", c > ' ' && c < 127 ? c : '#');
        if (c < ' ' || c > 126)
            printf("%d", c);
        if (index >= 0)
            printf("{%d}", index);
        if (optarg)
            printf("=%s", optarg);
        if (c == '?' || c == ':')
            printf("(optopt %d)", optopt);
        fflush(stdout);
    }
    printf(" | optind %d rest:", optind);
    for (int i = optind; i < argc; i++)
        printf(" %s", argv[i]);
    printf("\n");
    fflush(stdout);
}

static void options(void)
{
    static int flag;
    static const struct option longs[] = {
        {"verbose", no_argument, NULL, 'v'},  {"verify", no_argument, NULL, 'V'},
        {"output", required_argument, NULL, 'o'}, {"color", optional_argument, NULL, 'C'},
        {"flag", no_argument, &flag, 42},     {"fla", no_argument, NULL, 'f'},
        {"same1", no_argument, NULL, 's'},    {"same2", no_argument, NULL, 's'},
        {NULL, 0, NULL, 0}};
    struct {
        const char *opts;
        int use_long, long_only;
        const char *args[12];
    } cases[] = {
        {"ab:c::", 0, 0, {"prog", "-a", "-b", "barg", "file1", "-cx", "-c", "file2", NULL}},
        {"ab:c::", 0, 0, {"prog", "-abfoo", "--", "-a", "x", NULL}},
        {"ab:", 0, 0, {"prog", "-z", "-b", NULL}},
        {":ab:", 0, 0, {"prog", "-z", "-b", NULL}},
        {"+ab", 0, 0, {"prog", "-a", "file", "-b", NULL}},
        {"-ab", 0, 0, {"prog", "x", "-a", "y", "-b", NULL}},
        {"a", 0, 0, {"prog", "-", "-a", "--", NULL}},
        {"vo:", 1, 0, {"prog", "--verbose", "--output=f", "--output", "g", "x", "--col", "--color=red", NULL}},
        {"vo:", 1, 0, {"prog", "--ver", "--verb", "--flag", "--fla", "--fl", NULL}},
        {"vo:", 1, 0, {"prog", "--nope", "--verbose=1", "--output", NULL}},
        {":vo:", 1, 0, {"prog", "--output", NULL}},
        {"vo:", 1, 0, {"prog", "--sam", "--same", "-v", "--", "--verbose", NULL}},
        {"vo:", 1, 1, {"prog", "-verbose", "-o", "x", "-out=y", "-v", "-nope", NULL}},
        {"ab:", 1, 0, {"prog", "a", "-ab", "c", "d", "-a", "e", NULL}},
    };
    for (unsigned i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *argv[12];
        int argc = 0;
        while (cases[i].args[argc]) {
            argv[argc] = (char *)cases[i].args[argc];
            argc++;
        }
        argv[argc] = NULL;
        flag = 0;
        run_getopt(argc, argv, cases[i].opts, cases[i].use_long ? longs : NULL, cases[i].long_only);
        if (flag)
            printf("flag set to %d\n", flag);
    }
    setenv("POSIXLY_CORRECT", "1", 1);
    char *argv[] = {"prog", "-a", "file", "-b", NULL};
    run_getopt(4, argv, "ab", NULL, 0);
    unsetenv("POSIXLY_CORRECT");
    opterr = 0;
    char *argv2[] = {"prog", "-q", "--what", NULL};
    run_getopt(3, argv2, "a", longs, 0);
}

static void paths(const char *dir)
{
    char p[4096], buf[4096];
    /* dir/real/sub, dir/link -> real, dir/loop -> loop, dir/abs -> dir/real/sub, dir/file */
    snprintf(p, sizeof p, "%s/real", dir);
    syscall(SYS_mkdirat, AT_FDCWD, p, 0755);
    snprintf(p, sizeof p, "%s/real/sub", dir);
    syscall(SYS_mkdirat, AT_FDCWD, p, 0755);
    snprintf(p, sizeof p, "%s/link", dir);
    syscall(SYS_symlinkat, "real", AT_FDCWD, p);
    snprintf(p, sizeof p, "%s/loop", dir);
    syscall(SYS_symlinkat, "loop", AT_FDCWD, p);
    snprintf(buf, sizeof buf, "%s/real/sub", dir);
    snprintf(p, sizeof p, "%s/abs", dir);
    syscall(SYS_symlinkat, buf, AT_FDCWD, p);
    snprintf(p, sizeof p, "%s/file", dir);
    fclose(fopen(p, "w"));
    char *base = realpath(dir, NULL);
    size_t n = strlen(base);
    const char *rel[] = {"", "/.", "/real", "/real/", "/real/./sub/..", "/link/sub", "/link/../link/sub/",
                         "/loop", "/abs", "/abs/..", "/file", "/file/", "/file/..", "/missing", "/missing/x",
                         "//real///sub", "/real/sub/../../real"};
    for (unsigned i = 0; i < sizeof rel / sizeof *rel; i++) {
        snprintf(p, sizeof p, "%s%s", dir, rel[i]);
        errno = 0;
        char *r = realpath(p, buf);
        /* Print the result relative to the scratch directory. */
        printf("realpath <dir>%s: %s%s errno %d\n", rel[i], r ? "<dir>" : "NULL", r ? r + n : "", errno);
    }
    errno = 0;
    printf("realpath(\"\"): %p %d\n", (void *)realpath("", buf), errno);
    char *root = realpath("/", NULL);
    printf("realpath(/): %s\n", root);
    free(root);
    free(base);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    if (!strcmp(mode, "sort"))
        sorting();
    else if (!strcmp(mode, "rand"))
        randoms();
    else if (!strcmp(mode, "env"))
        environment();
    else if (!strcmp(mode, "getopt"))
        options();
    else if (!strcmp(mode, "realpath") && argc > 2)
        paths(argv[2]);
    else if (!strcmp(mode, "assert")) {
        printf("buffered output is lost at abort\n");
        assert(argc == 99);
    } else
        return 2;
    return 0;
}
