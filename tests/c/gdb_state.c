/* A program to stop under gdb with crt/crt0-gdb.py loaded (tests/debug.rs):
 * TLS with initialised and zeroed parts, and a second thread that stops in
 * in_thread() while the main thread waits for it. */
#include <pthread.h>

__thread int counter = 7;      /* .tdata */
__thread char scratch[100];    /* .tbss */

/* Where each thread's `counter` is: the first byte of its TLS block. */
int *volatile seen_in_main, *volatile seen_in_thread;

__attribute__((noinline)) void in_thread(void) { __asm__ volatile("" ::: "memory"); }

static void *worker(void *arg) {
    counter++;
    scratch[0] = 1;
    seen_in_thread = &counter;
    in_thread();
    return arg;
}

int main(void) {
    pthread_t t;
    seen_in_main = &counter;
    if (pthread_create(&t, 0, worker, 0) != 0) return 1;
    pthread_join(t, 0);
    return counter - 7;
}
