/* wordstats [TOP]: counts the words of standard input and prints the TOP
 * most frequent (default 5) and the statistics of their lengths. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "text.h"

static void bye(void) {
    printf("bye\n");
}

int main(int argc, char **argv) {
    int top = argc > 1 ? atoi(argv[1]) : 5;
    if (!text_ready) {
        fprintf(stderr, "wordstats: the constructor did not run\n");
        return 2;
    }
    atexit(bye);
    struct words w = {0};
    char line[1024];
    unsigned lines = 0;
    while (fgets(line, sizeof line, stdin)) {
        words_add_line(&w, line);
        lines++;
    }
    words_sort(&w);
    printf("%u lines, %zu distinct words\n", lines, w.len);
    for (size_t i = 0; i < w.len && i < (size_t)top; i++)
        printf("%6u %s\n", w.items[i].count, w.items[i].text);
    double mean, stddev;
    length_stats(&w, &mean, &stddev);
    printf("length: mean %.4f, stddev %.4f, e^mean %.6e\n", mean, stddev, exp(mean));
    words_free(&w);
    return lines ? 0 : 3;
}
