/* Built with -fstack-protector-all: overruns a local buffer; the canary
 * check in the epilogue must stop it before it returns. */
#include "util.h"

__attribute__((noinline)) static void overrun(volatile char *p, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = 'A';
}

__attribute__((noinline)) static int victim(int n)
{
    char buf[16];
    overrun(buf, n);
    return buf[3];
}

int main(int argc, char **argv)
{
    (void)argv;
    put("before overrun\n");
    victim(argc > 1 ? 64 : 8);
    put("returned normally\n");
    return 0;
}
