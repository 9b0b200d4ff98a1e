/* simple [THREADS [ROUNDS]]: the tight loops of glibc's malloc microbenchmarks
   (bench-malloc-simple, and bench-malloc-thread with THREADS > 1): each thread allocates a
   batch of 100 blocks of one small size, stamps them, then checks and frees them all, over
   and over, cycling through 16, 32, 48, 64, 96, 128, 256 and 512 bytes. Nothing is shared:
   the allocator's fast path alone, per thread. */
#include "bench.h"

#define BATCH 100
static const size_t sizes[] = {16, 32, 48, 64, 96, 128, 256, 512};
#define NSIZES (sizeof sizes / sizeof sizes[0])

static u64 rounds;

static void *worker(void *arg)
{
	u64 id = (u64)(uintptr_t)arg;
	void *p[BATCH];
	for (u64 r = 0; r < rounds; r++) {
		size_t n = sizes[(r + id) % NSIZES];
		u64 key = r * 131 + id;
		for (int i = 0; i < BATCH; i++) {
			p[i] = must(malloc(n), "simple");
			stamp(p[i], n, key + i);
		}
		for (int i = 0; i < BATCH; i++) {
			check(p[i], n, key + i, "simple block");
			free(p[i]);
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	u64 threads = arg_num(argc, argv, 1, 1);
	rounds = arg_num(argc, argv, 2, 100000);
	pthread_t t[64];
	if (threads < 1 || threads > 64)
		threads = 1;
	if (threads == 1) {
		worker(0);
	} else {
		for (u64 i = 0; i < threads; i++)
			t[i] = spawn(worker, (void *)(uintptr_t)i);
		for (u64 i = 0; i < threads; i++)
			pthread_join(t[i], 0);
	}
	put("simple");
	kv("threads", threads);
	kv("blocks", threads * rounds * BATCH);
	return finish();
}
