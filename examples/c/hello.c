/* The smallest crt0 C program: one write, exit status 0. */
#include <crt0.h>

int main(void)
{
    write(1, "hello\n", 6);
    return 0;
}
