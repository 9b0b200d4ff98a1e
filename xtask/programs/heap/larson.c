/* larson [THREADS [GENERATIONS [OPS]]]: a server, shaped like the larson benchmark: THREADS
   seats (default 8, more than this machine's CPUs), each with 1,000 blocks of 10-1,000
   bytes. A thread replaces random blocks of its seat (free one, allocate another) OPS times,
   then ends and hands the seat to a new thread of the next generation: most frees are of
   blocks another thread allocated, most of them threads that no longer exist. */
#include "bench.h"

#define SLOTS 1000

struct seat {
	void *blocks[SLOTS];
	u64 next_key;
	u64 allocated;
	struct rng rng;
};

static u64 ops;

static void *worker(void *arg)
{
	struct seat *s = arg;
	for (u64 i = 0; i < ops; i++) {
		void **slot = &s->blocks[rnd(&s->rng) % SLOTS];
		if (*slot)
			tagged_free(*slot);
		size_t n = rnd_in(&s->rng, 10, 1000);
		*slot = tagged_new(n, s->next_key++);
		s->allocated++;
	}
	return 0;
}

int main(int argc, char **argv)
{
	u64 threads = arg_num(argc, argv, 1, 8), generations = arg_num(argc, argv, 2, 10);
	ops = arg_num(argc, argv, 3, 100000);
	if (threads < 1 || threads > 64)
		threads = 8;
	struct seat *seats = must(calloc(threads, sizeof *seats), "seats");
	pthread_t t[64];
	for (u64 i = 0; i < threads; i++) {
		seats[i].rng = rng_seeded(100 + i);
		seats[i].next_key = (i + 1) << 40;
		/* The first generation's blocks come from the main thread. */
		for (int j = 0; j < SLOTS; j++)
			seats[i].blocks[j] = tagged_new(rnd_in(&seats[i].rng, 10, 1000), seats[i].next_key++);
	}
	for (u64 g = 0; g < generations; g++) {
		for (u64 i = 0; i < threads; i++)
			t[i] = spawn(worker, &seats[i]);
		for (u64 i = 0; i < threads; i++)
			pthread_join(t[i], 0);
	}
	u64 total = 0;
	for (u64 i = 0; i < threads; i++) {
		for (int j = 0; j < SLOTS; j++)
			tagged_free(seats[i].blocks[j]);
		total += seats[i].allocated;
	}
	free(seats);
	put("larson");
	kv("threads", threads);
	kv("generations", generations);
	kv("allocated", total);
	return finish();
}
