/* The library's interface: word counts and the statistics of word lengths. */
#ifndef TEXT_H
#define TEXT_H

#include <stddef.h>

struct word {
    char *text;
    unsigned count;
};

struct words {
    struct word *items;
    size_t len, cap;
};

/* Adds every word of line (letters and digits, lowered) to w. */
void words_add_line(struct words *w, const char *line);
/* Sorts by count (most first), then alphabetically. */
void words_sort(struct words *w);
void words_free(struct words *w);

/* Mean and standard deviation of the lengths of n words, each counted. */
void length_stats(const struct words *w, double *mean, double *stddev);

/* Set by a constructor in words.c: the program must see it set. */
extern int text_ready;

#endif
