/* Static-PIE: the program runs wherever the kernel placed it. It prints
 * where main is (two runs must differ) and uses each kind of pointer the
 * linker stored for crt0 to relocate: a constant table of functions and of
 * strings (RELATIVE, in RELRO), a writable pointer (RELATIVE, in .data), an
 * IFUNC called directly and through a stored pointer (IRELATIVE), and a
 * constructor and a destructor (the arrays are relocated too). */
#include "util.h"

static int answer(void) { return 42; }
static int (*const table[])(void) = {answer};
static const char *const words[] = {"relocated"};
static int counter = 5;
int *counter_ptr = &counter;

static int twice_impl(int x) { return 2 * x; }
static void *resolve_twice(void) { return (void *)twice_impl; }
int twice(int x) __attribute__((ifunc("resolve_twice")));
int (*twice_ptr)(int) = twice;

static int constructed;
__attribute__((constructor)) static void construct(void) { constructed = 1; }
__attribute__((destructor)) static void destruct(void) { put("destructor ran\n"); }

static void hex(const char *key, unsigned long v)
{
    char buf[19] = "0x";
    for (int i = 0; i < 16; i++)
        buf[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 15];
    buf[18] = 0;
    put(key);
    put("=");
    put(buf);
    put(" ");
}

int main(void)
{
    hex("main", (unsigned long)main);
    kv("table", table[0]());
    put(words[0]);
    put(" ");
    kv("counter", *counter_ptr);
    kv("twice", twice(21));
    kv("twice_ptr", twice_ptr(4));
    kv("constructed", constructed);
    put("\n");
    return 0;
}
