/* C __thread variables: initialised (.tdata), zeroed (.tbss), aligned. */
#include "util.h"

__thread int counter = 42;
__thread char message[16] = "tdata from C";
__thread long zeroes[32];
__thread char big_align[8] __attribute__((aligned(4096))) = "x";
__thread int small_align __attribute__((aligned(64)));

int main(void)
{
    int zero = 1;
    for (int i = 0; i < 32; i++)
        zero &= zeroes[i] == 0;
    kv("counter", counter);
    kv("message_ok", memcmp(message, "tdata from C", 13) == 0);
    kv("tbss_zero", zero);
    kv("align4096", (unsigned long)big_align % 4096);
    kv("align64", (unsigned long)&small_align % 64);
    kv("big_align0", big_align[0]);
    counter++;
    kv("counter_after", counter);
    put("\n");
    return 0;
}
