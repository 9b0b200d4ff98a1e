/* threads [THREADS [WAVE]]: many short-lived threads. THREADS threads (default 4,000) run
   WAVE at a time (default 8); each allocates 200 blocks of 16-512 bytes, frees half at once,
   and leaves the other half in a shared table for later threads to free, taking out (and
   freeing) what earlier threads left. What matters: blocks cached by a thread that exits
   must not be lost, and creating and ending threads must not cost the heap much. The "rss"
   line (not compared) is the resident memory at the end, with 1,024 blocks still live. */
#include "bench.h"

#define PER_THREAD 200
#define TABLE 1024

static _Atomic(void *) table[TABLE];

static void *worker(void *arg)
{
	u64 id = (u64)(uintptr_t)arg;
	struct rng rng = rng_seeded(id);
	void *mine[PER_THREAD];
	u64 key = id << 32;
	for (int i = 0; i < PER_THREAD; i++)
		mine[i] = tagged_new(rnd_in(&rng, 16, 512), key++);
	for (int i = 0; i < PER_THREAD; i += 2)
		tagged_free(mine[i]);
	for (int i = 1; i < PER_THREAD; i += 2) {
		void *old = atomic_exchange(&table[rnd(&rng) % TABLE], mine[i]);
		if (old)
			tagged_free(old);
	}
	return 0;
}

int main(int argc, char **argv)
{
	u64 threads = arg_num(argc, argv, 1, 4000), wave = arg_num(argc, argv, 2, 8);
	if (wave < 1 || wave > 64)
		wave = 8;
	pthread_t t[64];
	for (u64 i = 0; i < threads; i += wave) {
		u64 n = threads - i < wave ? threads - i : wave;
		for (u64 j = 0; j < n; j++)
			t[j] = spawn(worker, (void *)(uintptr_t)(1 + i + j));
		for (u64 j = 0; j < n; j++)
			pthread_join(t[j], 0);
	}
	u64 live = 0;
	for (int i = 0; i < TABLE; i++)
		live += atomic_load(&table[i]) != 0;
	u64 rss = rss_kib();
	for (int i = 0; i < TABLE; i++)
		if (table[i])
			tagged_free(table[i]);
	put("threads");
	kv("threads", threads);
	kv("blocks", threads * PER_THREAD);
	kv("live_at_end", live);
	int status = finish();
	put("rss end=");
	put_num(rss);
	put("\n");
	return status;
}
