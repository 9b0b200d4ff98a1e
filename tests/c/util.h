/* Output helpers for the C test programs (crt0 provides write, not stdio). */
#ifndef TEST_UTIL_H
#define TEST_UTIL_H
#include <crt0.h>

static inline void put(const char *s) { write(1, s, strlen(s)); }

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
    write(1, buf + i, sizeof buf - i);
}

/* "key=value " pairs, then a newline. */
static inline void kv(const char *key, long value)
{
    put(key);
    put("=");
    put_int(value);
    put(" ");
}

static inline const char *owner_name(int owner)
{
    static const char *names[] = {"UNSET", "PREINIT", "LIBC", "OVERRIDE"};
    return owner >= 0 && owner < 4 ? names[owner] : "INVALID";
}
#endif
