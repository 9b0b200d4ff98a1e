#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

int text_ready;

__attribute__((constructor)) static void ready(void) {
    text_ready = 1;
}

static void add(struct words *w, const char *start, size_t n) {
    for (size_t i = 0; i < w->len; i++) {
        if (strlen(w->items[i].text) == n && memcmp(w->items[i].text, start, n) == 0) {
            w->items[i].count++;
            return;
        }
    }
    if (w->len == w->cap) {
        w->cap = w->cap ? 2 * w->cap : 4;
        w->items = realloc(w->items, w->cap * sizeof *w->items);
        if (!w->items)
            abort();
    }
    char *text = strndup(start, n);
    if (!text)
        abort();
    w->items[w->len++] = (struct word){text, 1};
}

void words_add_line(struct words *w, const char *line) {
    char buf[256];
    size_t n = 0;
    for (const char *p = line;; p++) {
        if (*p && isalnum((unsigned char)*p) && n < sizeof buf) {
            buf[n++] = (char)tolower((unsigned char)*p);
            continue;
        }
        if (n)
            add(w, buf, n);
        n = 0;
        if (!*p)
            break;
    }
}

static int by_count(const void *a, const void *b) {
    const struct word *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp(x->text, y->text);
}

void words_sort(struct words *w) {
    qsort(w->items, w->len, sizeof *w->items, by_count);
}

void words_free(struct words *w) {
    for (size_t i = 0; i < w->len; i++)
        free(w->items[i].text);
    free(w->items);
    *w = (struct words){0};
}
