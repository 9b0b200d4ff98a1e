/* sort: the lines of standard input, sorted with qsort: -r reverses, -n
 * compares leading numbers (strtod), -f folds case, -u drops repeats,
 * -k N sorts by the Nth whitespace-separated field. Lines that compare
 * equal keep their input order (glibc's qsort is stable; so is crt0's). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static int reverse, numeric, fold, unique, field;

/* The start of the key: the Nth field, or the whole line. */
static const char *key(const char *s)
{
    for (int f = 1; f < field; f++) {
        while (*s && isspace((unsigned char)*s))
            s++;
        while (*s && !isspace((unsigned char)*s))
            s++;
    }
    return s;
}

static int compare(const void *a, const void *b)
{
    const char *x = key(*(char *const *)a), *y = key(*(char *const *)b);
    int r;
    if (numeric) {
        double dx = strtod(x, NULL), dy = strtod(y, NULL);
        r = (dx > dy) - (dx < dy);
    } else
        r = fold ? strcasecmp(x, y) : strcmp(x, y);
    return reverse ? -r : r;
}

int main(int argc, char **argv)
{
    int opt;
    while ((opt = getopt(argc, argv, "rnfuk:")) != -1) {
        switch (opt) {
        case 'r': reverse = 1; break;
        case 'n': numeric = 1; break;
        case 'f': fold = 1; break;
        case 'u': unique = 1; break;
        case 'k': field = atoi(optarg); break;
        default: return 2;
        }
    }
    size_t n = 0, cap = 16;
    char **lines = malloc(cap * sizeof *lines);
    char *line = NULL;
    size_t len = 0;
    ssize_t got;
    while ((got = getline(&line, &len, stdin)) != -1) {
        if (got > 0 && line[got - 1] == '\n')
            line[got - 1] = 0;
        if (n == cap) {
            cap *= 2;
            lines = realloc(lines, cap * sizeof *lines);
        }
        lines[n++] = strdup(line);
    }
    free(line);
    qsort(lines, n, sizeof *lines, compare);
    for (size_t i = 0; i < n; i++)
        if (!unique || i == 0 || compare(&lines[i - 1], &lines[i]) != 0)
            puts(lines[i]);
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
    fprintf(stderr, "sorted %zu lines\n", n);
    return 0;
}
