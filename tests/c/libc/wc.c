/* wc: lines, words and bytes of standard input or of files, as `wc`
 * prints them. A small real program: getopt, fopen, getc, printf. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct counts {
    long lines, words, bytes;
};

static void count(FILE *f, struct counts *c)
{
    int ch, in_word = 0;
    while ((ch = getc(f)) != EOF) {
        c->bytes++;
        if (ch == '\n')
            c->lines++;
        if (isspace(ch))
            in_word = 0;
        else if (!in_word) {
            in_word = 1;
            c->words++;
        }
    }
}

static int show_l, show_w, show_c;

static void print(const struct counts *c, const char *name)
{
    if (show_l)
        printf("%7ld ", c->lines);
    if (show_w)
        printf("%7ld ", c->words);
    if (show_c)
        printf("%7ld ", c->bytes);
    printf("%s\n", name);
}

int main(int argc, char **argv)
{
    int opt;
    while ((opt = getopt(argc, argv, "lwc")) != -1) {
        switch (opt) {
        case 'l': show_l = 1; break;
        case 'w': show_w = 1; break;
        case 'c': show_c = 1; break;
        default:
            fprintf(stderr, "usage: %s [-lwc] [file...]\n", argv[0]);
            return 2;
        }
    }
    if (!show_l && !show_w && !show_c)
        show_l = show_w = show_c = 1;
    struct counts total = {0, 0, 0};
    int status = 0;
    if (optind == argc) {
        count(stdin, &total);
        print(&total, "-");
        return 0;
    }
    for (int i = optind; i < argc; i++) {
        FILE *f = fopen(argv[i], "r");
        if (!f) {
            fprintf(stderr, "wc: %s: %s\n", argv[i], strerror(errno));
            status = 1;
            continue;
        }
        struct counts c = {0, 0, 0};
        count(f, &c);
        fclose(f);
        print(&c, argv[i]);
        total.lines += c.lines;
        total.words += c.words;
        total.bytes += c.bytes;
    }
    if (argc - optind > 1)
        print(&total, "total");
    return status;
}
