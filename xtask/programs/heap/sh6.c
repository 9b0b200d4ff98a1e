/* sh6 [THREADS [ROUNDS]]: size mixes in batches, shaped like sh6bench: each thread (default
   4) allocates 2,000 blocks of mixed sizes (mostly 1-1,000 bytes, some up to 10,000), frees
   every other one, refills those slots in reverse order with new sizes, then frees the
   whole batch from the end; ROUNDS times. */
#include "bench.h"

#define N 2000

static u64 rounds;

static size_t sh6_size(struct rng *r)
{
	return rnd(r) % 10 ? rnd_in(r, 1, 1000) : rnd_in(r, 1001, 10000);
}

static void *worker(void *arg)
{
	u64 id = (u64)(uintptr_t)arg;
	struct rng rng = rng_seeded(300 + id);
	static __thread void *p[N];
	static __thread size_t n[N];
	u64 key = (id + 1) << 40;
	for (u64 r = 0; r < rounds; r++) {
		for (int i = 0; i < N; i++) {
			n[i] = sh6_size(&rng);
			p[i] = must(malloc(n[i]), "sh6");
			stamp(p[i], n[i], key + i);
		}
		for (int i = 0; i < N; i += 2) {
			check(p[i], n[i], key + i, "sh6 block");
			free(p[i]);
		}
		for (int i = N - 2; i >= 0; i -= 2) {
			n[i] = sh6_size(&rng);
			p[i] = must(malloc(n[i]), "sh6");
			stamp(p[i], n[i], key + N + i);
		}
		for (int i = N - 1; i >= 0; i--) {
			check(p[i], n[i], key + (i % 2 ? i : N + i), "sh6 block");
			free(p[i]);
		}
		key += 2 * N;
	}
	return 0;
}

int main(int argc, char **argv)
{
	u64 threads = arg_num(argc, argv, 1, 4);
	rounds = arg_num(argc, argv, 2, 150);
	if (threads < 1 || threads > 64)
		threads = 4;
	pthread_t t[64];
	for (u64 i = 0; i < threads; i++)
		t[i] = spawn(worker, (void *)(uintptr_t)i);
	for (u64 i = 0; i < threads; i++)
		pthread_join(t[i], 0);
	put("sh6");
	kv("threads", threads);
	kv("blocks", threads * rounds * N * 3 / 2);
	return finish();
}
