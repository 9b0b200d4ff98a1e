/* mstress [THREADS [ROUNDS [OPS]]]: many threads, varying sizes, blocks passed between
   threads, shaped like mstress and rptest: each round starts THREADS threads (default 8,
   more than this machine's CPUs) that end when the round does. A thread allocates blocks of
   16 bytes to 64 KiB (small sizes far more often), keeps some in its own 64 slots and swaps
   others into a table of 4,096 shared slots with an atomic exchange, freeing whatever block
   it takes out: a block some other thread, often one long gone, allocated. */
#include "bench.h"

#define SHARED 4096
#define OWN 64

static _Atomic(void *) shared[SHARED];
static u64 ops;
static atomic_ulong allocated;

static size_t mstress_size(struct rng *r)
{
	/* 16 << k with k mostly small: 16 bytes to 64 KiB. */
	u64 x = rnd(r);
	int k = 0;
	while (k < 12 && (x & 3) == 0) {
		k++;
		x >>= 2;
	}
	size_t lo = (size_t)16 << k;
	return rnd_in(r, lo, 2 * lo - 1);
}

static void *worker(void *arg)
{
	u64 seed = (u64)(uintptr_t)arg;
	struct rng rng = rng_seeded(seed);
	void *own[OWN] = {0};
	u64 key = seed << 32, made = 0;
	for (u64 i = 0; i < ops; i++) {
		void *b = tagged_new(mstress_size(&rng), key++);
		made++;
		if (rnd(&rng) % 4 == 0) {
			void *old = atomic_exchange(&shared[rnd(&rng) % SHARED], b);
			if (old)
				tagged_free(old);
		} else {
			void **slot = &own[rnd(&rng) % OWN];
			if (*slot)
				tagged_free(*slot);
			*slot = b;
		}
	}
	for (int i = 0; i < OWN; i++)
		if (own[i])
			tagged_free(own[i]);
	atomic_fetch_add(&allocated, made);
	return 0;
}

int main(int argc, char **argv)
{
	u64 threads = arg_num(argc, argv, 1, 8), rounds = arg_num(argc, argv, 2, 20);
	ops = arg_num(argc, argv, 3, 20000);
	if (threads < 1 || threads > 64)
		threads = 8;
	pthread_t t[64];
	for (u64 r = 0; r < rounds; r++) {
		for (u64 i = 0; i < threads; i++)
			t[i] = spawn(worker, (void *)(uintptr_t)(1 + r * threads + i));
		for (u64 i = 0; i < threads; i++)
			pthread_join(t[i], 0);
	}
	for (int i = 0; i < SHARED; i++)
		if (shared[i])
			tagged_free(shared[i]);
	put("mstress");
	kv("threads", threads);
	kv("rounds", rounds);
	kv("allocated", atomic_load(&allocated));
	return finish();
}
