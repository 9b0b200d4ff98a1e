/* Output for the C library's differential tests, built against glibc and
 * against crt0 alike: plain write(2), so that a test of one area does not
 * depend on another (stdio). Every helper prints whole lines or fields. */
#ifndef LIBC_OUT_H
#define LIBC_OUT_H
#include <errno.h>
#include <unistd.h>

static inline unsigned long out_len(const char *s)
{
    unsigned long n = 0;
    while (s[n])
        n++;
    return n;
}

static inline void put(const char *s)
{
    if (write(1, s, out_len(s)) < 0)
        _exit(99);
}

static inline void put_int(long v)
{
    char buf[24];
    int i = sizeof buf;
    unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
    do {
        buf[--i] = '0' + u % 10;
        u /= 10;
    } while (u);
    if (v < 0)
        buf[--i] = '-';
    if (write(1, buf + i, sizeof buf - i) < 0)
        _exit(99);
}

/* "key=value " */
static inline void kv(const char *key, long value)
{
    put(key);
    put("=");
    put_int(value);
    put(" ");
}

/* One checked call: "name=result errno=E" (errno only when the result is
 * -1), then a newline. errno is cleared first so a stale value never shows. */
#define CALL(name, expr)                                                      \
    do {                                                                      \
        errno = 0;                                                            \
        long r_ = (long)(expr);                                               \
        int e_ = errno;                                                       \
        put(name);                                                            \
        put("=");                                                             \
        put_int(r_);                                                          \
        if (r_ == -1) {                                                       \
            put(" errno=");                                                   \
            put_int(e_);                                                      \
        }                                                                     \
        put("\n");                                                            \
    } while (0)

static inline int out_eq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

/* dst = a + b (NUL-terminated; dst large enough). */
static inline char *out_cat(char *dst, const char *a, const char *b)
{
    char *d = dst;
    while (*a)
        *d++ = *a++;
    while (*b)
        *d++ = *b++;
    *d = 0;
    return dst;
}
#endif
