/* The thread benchmark's workloads (`cargo run -q --release -p xtask -- threads`), built
   from this one file with glibc (`gcc -O2 -static -pthread`) and with crt0
   (`crt/crt0-cc -O2 -DUSE_CRT0_H`); both run exactly the same calls.

     thread_bench one THREADS     create a thread and join it, THREADS times in a row
     thread_bench batch THREADS   create 32 threads, then join the 32, THREADS/32 times

   Each thread returns its argument; the program prints the time per thread (create + join,
   CLOCK_MONOTONIC around the whole loop) and the sum of what the joins returned, which
   must be the same for both builds. Default attributes: each library's own default stack. */
#ifdef USE_CRT0_H
#include <crt0.h>
#else
#include <pthread.h>
#include <unistd.h>
#endif
#include <sys/syscall.h>

#include "output.h"

struct timespec_raw {
	long sec, nsec;
};

static u64 now_ns(void)
{
	struct timespec_raw t;
	/* The system call in both builds: glibc would use the vDSO, crt0 has none. */
	syscall(SYS_clock_gettime, 1 /* CLOCK_MONOTONIC */, &t);
	return (u64)t.sec * 1000000000u + (u64)t.nsec;
}

static u64 parse(const char *s)
{
	u64 v = 0;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (u64)(*s++ - '0');
	return v;
}

static void *body(void *arg)
{
	return arg;
}

static int fail(const char *what)
{
	put("thread_bench: ");
	put(what);
	put("\n");
	return 1;
}

#define BATCH 32

int main(int argc, char **argv)
{
	if (argc != 3)
		return fail("usage: thread_bench one|batch THREADS");
	int batch = argv[1][0] == 'b';
	u64 threads = parse(argv[2]), sum = 0;
	if (batch)
		threads -= threads % BATCH;
	if (threads == 0)
		return fail("THREADS must be at least 1 (32 for batch)");
	pthread_t t[BATCH];
	u64 start = now_ns();
	for (u64 i = 0; i < threads; i += batch ? BATCH : 1) {
		int n = batch ? BATCH : 1;
		for (int k = 0; k < n; k++)
			if (pthread_create(&t[k], NULL, body, (void *)(i + (u64)k)) != 0)
				return fail("pthread_create failed");
		for (int k = 0; k < n; k++) {
			void *r;
			if (pthread_join(t[k], &r) != 0)
				return fail("pthread_join failed");
			sum += (u64)r;
		}
	}
	u64 elapsed = now_ns() - start;
	put("ns_per_thread=");
	put_num(elapsed / threads);
	put(" checksum=");
	put_num(sum);
	put("\n");
	return 0;
}
