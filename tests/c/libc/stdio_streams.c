/* Streams: files opened, written, read back, positioned, pushed back and
 * closed; stdin read line by line, by character and by block; buffering as
 * it shows in the order of output (a pipe is fully buffered, so printf's
 * text comes after a direct write(2) until a flush); the flush at exit
 * after atexit handlers and destructors; _exit's lost buffer.
 *
 * Usage: stdio_streams DIR MODE   (DIR: a scratch directory; MODE: files,
 * stdin, getc, fread, buffering, exit, _exit, unbuffered, line) */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static char path[4096];

static void files(void)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror("fopen w");
        exit(1);
    }
    for (int i = 0; i < 2000; i++)
        fprintf(f, "line %d: %s %.3f\n", i, i % 3 ? "odd-ish" : "three", i / 7.0);
    fputs("no newline at the end", f);
    printf("ftell after writing: %ld\n", ftell(f));
    printf("fclose: %d\n", fclose(f));

    f = fopen(path, "r");
    char line[64];
    int n = 0;
    long chars = 0;
    while (fgets(line, sizeof line, f)) {
        n++;
        chars += strlen(line);
        if (n % 500 == 1)
            printf("fgets %d: %s", n, line);
    }
    printf("lines %d chars %ld feof %d ferror %d\n", n, chars, feof(f), ferror(f));
    printf("fgets at EOF: %p, getc: %d\n", (void *)fgets(line, sizeof line, f), getc(f));
    clearerr(f);
    printf("after clearerr feof %d\n", feof(f));
    rewind(f);
    printf("getc after rewind: %c%c%c\n", getc(f), getc(f), getc(f));
    printf("ungetc: %d, then %c%c\n", ungetc('X', f), getc(f), getc(f));
    ungetc('A', f);
    ungetc('B', f);
    printf("two ungetc: %c%c%c ftell %ld\n", getc(f), getc(f), getc(f), ftell(f));
    fseek(f, -10, SEEK_END);
    printf("fseek end-10: ftell %ld\n", ftell(f));
    char block[32] = {0};
    size_t got = fread(block, 1, sizeof block - 1, f);
    printf("fread %zu [%s] feof %d\n", got, block, feof(f));
    fseek(f, 100, SEEK_SET);
    char *buf = NULL;
    size_t cap = 0;
    ssize_t len = getline(&buf, &cap, f);
    printf("getline at 100: %zd [%.*s]\n", len, (int)len, buf);
    len = getdelim(&buf, &cap, ':', f);
    printf("getdelim ':': %zd [%s]\n", len, buf);
    free(buf);
    fclose(f);

    /* Update mode: write, seek, read, write again. */
    f = fopen(path, "w+");
    fputs("0123456789", f);
    fseek(f, 3, SEEK_SET);
    printf("w+ read after seek: %c\n", fgetc(f));
    fseek(f, 0, SEEK_CUR);
    fputs("ab", f);
    rewind(f);
    fgets(line, sizeof line, f);
    printf("w+ contents: %s\n", line);
    fclose(f);

    /* Append keeps what is there. */
    f = fopen(path, "a");
    fputs("+tail", f);
    fclose(f);
    f = fopen(path, "r");
    fgets(line, sizeof line, f);
    printf("a contents: %s\n", line);
    fclose(f);

    /* fdopen on a descriptor from fileno. */
    f = fopen(path, "r");
    FILE *g = fdopen((int)syscall(SYS_dup, fileno(f)), "r");
    printf("fdopen getc: %c, fileno differs %d\n", getc(g), fileno(f) != fileno(g));
    fclose(g);
    fclose(f);

    /* Errors. */
    errno = 0;
    f = fopen("/nonexistent/dir/file", "r");
    printf("fopen missing: %p errno %d %s\n", (void *)f, errno, strerror(errno));
    errno = 0;
    f = fopen(path, "q");
    printf("fopen bad mode: %p errno %d\n", (void *)f, errno);
    f = fopen(path, "r");
    printf("fputc on a read stream: %d ferror %d\n", fputc('x', f), ferror(f));
    fclose(f);
    printf("remove: %d, again: %d errno %d\n", remove(path), remove(path), errno);
}

static void from_stdin(void)
{
    char line[16];
    int n = 0, partial = 0;
    while (fgets(line, sizeof line, stdin)) {
        n++;
        if (!strchr(line, '\n'))
            partial++;
    }
    printf("fgets lines %d partial %d eof %d\n", n, partial, feof(stdin));
}

static void getc_stdin(void)
{
    int c, counts[3] = {0};
    while ((c = getchar()) != EOF)
        counts[c == '\n' ? 0 : c == ' ' ? 1 : 2]++;
    printf("newlines %d spaces %d other %d\n", counts[0], counts[1], counts[2]);
    /* The unlocked, inline forms glibc's headers expand. */
    printf("getc_unlocked at EOF: %d feof_unlocked %d\n", getc_unlocked(stdin), feof_unlocked(stdin));
}

static void fread_stdin(void)
{
    static char big[100000];
    size_t total = 0, n;
    unsigned sum = 0;
    while ((n = fread(big, 1, 777, stdin)) > 0) {
        for (size_t i = 0; i < n; i++)
            sum = sum * 31 + (unsigned char)big[i];
        total += n;
    }
    printf("fread total %zu sum %u\n", total, sum);
}

static void buffering(void)
{
    printf("first, buffered");
    write(1, "[direct write]\n", 15);
    printf(" ...\n");
    fflush(stdout);
    write(1, "[after fflush]\n", 15);
    for (int i = 0; i < 1000; i++)
        printf("%04d%c", i, i % 20 == 19 ? '\n' : ' ');
    write(1, "[after 5000 bytes]\n", 19);
    putchar_unlocked('p');
    fputc_unlocked('q', stdout);
    putc_unlocked('\n', stdout);
    fwrite("fwrite\n", 1, 7, stdout);
    fputs("stderr is unbuffered\n", stderr);
    fprintf(stderr, "%s %d\n", "fprintf to stderr", 2);
    perror("perror");
    errno = ENOENT;
    perror("");
    perror(NULL);
}

static void at_exit_handler(void)
{
    printf("atexit handler prints\n");
}

__attribute__((destructor)) static void destructor(void)
{
    if (getenv("STREAMS_DTOR"))
        printf("destructor prints\n");
}

static void unbuffered(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("unbuffered ");
    write(1, "[direct]\n", 9);
    printf("done\n");
}

static void line_buffered(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("line ");
    write(1, "[direct]\n", 9);
    printf("buffered\n");
    write(1, "[after newline]\n", 16);
    static char mine[1024];
    setvbuf(stderr, mine, _IOFBF, sizeof mine);
    fprintf(stderr, "stderr now fully buffered");
    write(2, "[direct to 2]\n", 14);
    fprintf(stderr, "\n");
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return 2;
    snprintf(path, sizeof path, "%s/stdio_streams.txt", argv[1]);
    const char *mode = argv[2];
    if (!strcmp(mode, "files"))
        files();
    else if (!strcmp(mode, "stdin"))
        from_stdin();
    else if (!strcmp(mode, "getc"))
        getc_stdin();
    else if (!strcmp(mode, "fread"))
        fread_stdin();
    else if (!strcmp(mode, "buffering"))
        buffering();
    else if (!strcmp(mode, "exit")) {
        atexit(at_exit_handler);
        printf("main prints, then returns 3");
        return 3;
    } else if (!strcmp(mode, "_exit")) {
        printf("this is lost: _exit does not flush\n");
        _exit(4);
    } else if (!strcmp(mode, "unbuffered"))
        unbuffered();
    else if (!strcmp(mode, "line"))
        line_buffered();
    return 0;
}
