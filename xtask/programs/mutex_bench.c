/* pthread_mutex_lock/unlock, the same source for glibc, musl and crt0:
 *   mutex_bench uncontended N     one thread, N lock/unlock pairs
 *   mutex_bench contended T N     T threads, N pairs each around a shared counter
 * prints "ns=<nanoseconds per pair, times 100> count=<counter>": the time of the loops
 * alone (CLOCK_MONOTONIC, start-up and thread creation excluded). */
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "output.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static volatile unsigned long counter;
static unsigned long per_thread;
static pthread_barrier_t go;

static unsigned long num(const char *s)
{
	unsigned long n = 0;
	while (*s >= '0' && *s <= '9')
		n = n * 10 + (unsigned long)(*s++ - '0');
	return n;
}

static u64 now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (u64)t.tv_sec * 1000000000u + (u64)t.tv_nsec;
}

static void *worker(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&go);
	for (unsigned long i = 0; i < per_thread; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	unsigned long threads = 1;
	if (argv[1][0] == 'c') {
		if (argc < 4)
			return 2;
		threads = num(argv[2]);
		per_thread = num(argv[3]);
	} else {
		per_thread = num(argv[2]);
	}
	pthread_t t[64];
	if (threads < 1 || threads > 64)
		return 2;
	pthread_barrier_init(&go, NULL, threads + 1);
	for (unsigned long i = 0; i < threads; i++)
		if (pthread_create(&t[i], NULL, worker, NULL) != 0)
			return 3;
	u64 start = now();
	pthread_barrier_wait(&go);
	for (unsigned long i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	u64 elapsed = now() - start;
	put("ns=");
	put_num(elapsed * 100 / (threads * per_thread));
	put(" count=");
	put_num(counter);
	put("\n");
	return counter == threads * per_thread ? 0 : 1;
}
