#include <math.h>
#include <string.h>

#include "text.h"

void length_stats(const struct words *w, double *mean, double *stddev) {
    double n = 0, sum = 0, squares = 0;
    for (size_t i = 0; i < w->len; i++) {
        double len = (double)strlen(w->items[i].text), c = w->items[i].count;
        n += c;
        sum += c * len;
        squares += c * len * len;
    }
    *mean = n ? sum / n : 0;
    *stddev = n ? sqrt(squares / n - *mean * *mean) : 0;
}
