/* 1000 exit handlers, past the 32 that fit without a heap: every tenth with
 * atexit, the others with __cxa_atexit and their registration index as the
 * argument. Each checks at exit that it runs in reverse registration order;
 * the handler registered first runs last and prints what it saw. */
#include "util.h"

#define HANDLERS 1000

static long next_index = HANDLERS - 1, ran, out_of_order;

static void ran_index(long index)
{
    if (next_index-- != index)
        out_of_order++;
    ran++;
}

/* Registered at the multiples of ten, which is all it can check. */
static void plain(void) { ran_index(next_index % 10 == 0 ? next_index : -1); }
static void with_index(void *arg) { ran_index((long)arg); }

static void report(void)
{
    kv("ran", ran);
    kv("out_of_order", out_of_order);
    kv("next", next_index);
    put("\n");
}

int main(void)
{
    long refused = atexit(report) != 0;
    for (long i = 0; i < HANDLERS; i++)
        refused += (i % 10 == 0 ? atexit(plain) : __cxa_atexit(with_index, (void *)i, 0)) != 0;
    kv("registered", HANDLERS + 1 - refused);
    kv("refused", refused);
    put("\n");
    return 0;
}
