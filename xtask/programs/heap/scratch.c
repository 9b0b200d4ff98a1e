/* scratch [THREADS [ROUNDS]]: passive false sharing, shaped like cache-scratch: the main
   thread allocates one small block per thread, each thread frees the block it was handed,
   then allocates a block of the same size, writes it 100 times, checks and frees it, over
   and over. An allocator that gives a thread back the block it just freed (one another
   thread's neighbour on the same cache line) makes the threads write one cache line. */
#include "bench.h"

#define SIZE 16
#define WRITES 100

static u64 rounds;
static void *handed[64];

static void *worker(void *arg)
{
	u64 id = (u64)(uintptr_t)arg;
	check(handed[id], SIZE, id, "handed block");
	free(handed[id]);
	for (u64 r = 0; r < rounds; r++) {
		volatile unsigned char *p = must(malloc(SIZE), "scratch");
		for (int w = 0; w < WRITES; w++)
			for (int i = 0; i < SIZE; i++)
				p[i] = (unsigned char)(w + i + id);
		for (int i = 0; i < SIZE; i++)
			if (p[i] != (unsigned char)(WRITES - 1 + i + id))
				fail("scratch block");
		free((void *)p);
	}
	return 0;
}

int main(int argc, char **argv)
{
	u64 threads = arg_num(argc, argv, 1, 4);
	rounds = arg_num(argc, argv, 2, 200000);
	if (threads < 1 || threads > 64)
		threads = 4;
	for (u64 i = 0; i < threads; i++) {
		handed[i] = must(malloc(SIZE), "handed");
		stamp(handed[i], SIZE, i);
	}
	pthread_t t[64];
	for (u64 i = 0; i < threads; i++)
		t[i] = spawn(worker, (void *)(uintptr_t)i);
	for (u64 i = 0; i < threads; i++)
		pthread_join(t[i], 0);
	put("scratch");
	kv("threads", threads);
	kv("blocks", threads * rounds);
	return finish();
}
