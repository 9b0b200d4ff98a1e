/* Built with -D_FORTIFY_SOURCE=2 -O2: glibc's headers then call the
 * checking forms (__memcpy_chk, __strcpy_chk, __snprintf_chk, __printf_chk,
 * __fgets_chk, ...) wherever the compiler knows a buffer's size but not
 * whether the call fits. They must link and behave as the plain ones; an
 * overflow must end the program as glibc ends it.
 *
 * Usage: fortify [overflow-KIND]   (stdin: a few lines) */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    /* Sizes the compiler cannot see through. */
    volatile size_t n = argc > 1 ? strlen(argv[1]) : 5;
    char dst[16], line[32];
    const char *src = argc > 2 ? argv[2] : "fortified";
    if (argc > 1 && !strcmp(argv[1], "strcpy")) {
        strcpy(dst, src); /* too long: __strcpy_chk aborts */
        printf("not reached\n");
        return 1;
    }
    if (argc > 1 && !strcmp(argv[1], "memcpy")) {
        memcpy(dst, src, n * 5);
        return 1;
    }
    if (argc > 1 && !strcmp(argv[1], "snprintf")) {
        snprintf(dst, n * 10, "%s", src);
        return 1;
    }
    memcpy(dst, "0123456789", n);
    dst[n] = 0;
    printf("memcpy: %s\n", dst);
    strcpy(dst, src);
    strcat(dst, "!");
    strncat(dst, "abcdef", n);
    printf("strcpy/strcat/strncat: %s\n", dst);
    memset(dst, 'x', n);
    memmove(dst + 1, dst, n);
    snprintf(line, sizeof line, "%s|%d|%.2f", dst, (int)n, 2.5);
    printf("snprintf: %s\n", line);
    sprintf(line, "%5d/%-5s/", (int)n * 111, "ab");
    printf("sprintf: %s\n", line);
    char *p = stpcpy(dst, "stp");
    strncpy(p, "ncpy-long", n);
    p[n] = 0;
    printf("stpcpy/strncpy: %s\n", dst);
    fprintf(stdout, "fprintf %d\n", 3);
    dprintf(1, "%s", "");
    while (fgets(line, (int)n + 20, stdin))
        printf("fgets: %s", line);
    char block[8];
    rewind(stdin);
    printf("fread at EOF: %zu\n", fread(block, 1, n, stdin));
    static char path[4096];
    char *r = realpath("/", path);
    printf("realpath: %s\n", r);
    return 0;
}
