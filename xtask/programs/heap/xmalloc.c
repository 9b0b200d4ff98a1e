/* xmalloc [PAIRS [BLOCKS]]: producers and consumers, shaped like xmalloc-test: PAIRS
   producer threads (default 4) allocate BLOCKS blocks each (16-256 bytes) and hand them over
   in batches of 64 through one queue; PAIRS consumer threads take the batches, check every
   block and free it. Every free is remote: the consumer never allocated what it frees. The
   queue holds at most 64 batches, so memory stays bounded and both sides keep running. */
#include "bench.h"

#define BATCH 64
#define MAX_QUEUED 64

struct batch {
	struct batch *next;
	void *blocks[BATCH];
};

static struct {
	lock_t lock;
	struct batch *head, *tail;
	atomic_int queued;     /* futex word: batches in the queue */
	atomic_int producers;  /* still producing */
} q;

static u64 blocks_each;
static atomic_ulong bytes_made, bytes_freed;

static void *producer(void *arg)
{
	struct rng rng = rng_seeded(200 + (u64)(uintptr_t)arg);
	u64 key = ((u64)(uintptr_t)arg + 1) << 40, made = 0;
	for (u64 i = 0; i < blocks_each; i += BATCH) {
		struct batch *b = must(malloc(sizeof *b), "batch");
		b->next = 0;
		for (int j = 0; j < BATCH; j++) {
			size_t n = rnd_in(&rng, 16, 256);
			b->blocks[j] = tagged_new(n, key++);
			made += n;
		}
		int n;
		while ((n = atomic_load(&q.queued)) >= MAX_QUEUED)
			futex_wait(&q.queued, n);
		lock(&q.lock);
		if (q.tail)
			q.tail->next = b;
		else
			q.head = b;
		q.tail = b;
		atomic_fetch_add(&q.queued, 1);
		unlock(&q.lock);
		futex_wake(&q.queued, 64);
	}
	atomic_fetch_add(&bytes_made, made);
	if (atomic_fetch_sub(&q.producers, 1) == 1) {
		atomic_fetch_add(&q.queued, 1 << 20); /* wakes waiting consumers for good */
		futex_wake(&q.queued, 1 << 30);
	}
	return 0;
}

static void *consumer(void *arg)
{
	(void)arg;
	u64 freed = 0;
	for (;;) {
		lock(&q.lock);
		struct batch *b = q.head;
		if (b) {
			q.head = b->next;
			if (!q.head)
				q.tail = 0;
			atomic_fetch_sub(&q.queued, 1);
		}
		unlock(&q.lock);
		if (!b) {
			int n = atomic_load(&q.queued);
			if (atomic_load(&q.producers) == 0)
				break;
			if ((n & ((1 << 20) - 1)) == 0)
				futex_wait(&q.queued, n);
			continue;
		}
		futex_wake(&q.queued, 64);
		for (int j = 0; j < BATCH; j++)
			freed += tagged_free(b->blocks[j]);
		free(b);
	}
	atomic_fetch_add(&bytes_freed, freed);
	return 0;
}

int main(int argc, char **argv)
{
	u64 pairs = arg_num(argc, argv, 1, 4);
	blocks_each = arg_num(argc, argv, 2, 400000);
	if (pairs < 1 || pairs > 32)
		pairs = 4;
	atomic_store(&q.producers, (int)pairs);
	pthread_t t[64];
	for (u64 i = 0; i < pairs; i++) {
		t[2 * i] = spawn(producer, (void *)(uintptr_t)i);
		t[2 * i + 1] = spawn(consumer, (void *)(uintptr_t)i);
	}
	for (u64 i = 0; i < 2 * pairs; i++)
		pthread_join(t[i], 0);
	if (atomic_load(&bytes_made) != atomic_load(&bytes_freed))
		fail("bytes freed differ from bytes made");
	put("xmalloc");
	kv("pairs", pairs);
	kv("blocks", pairs * ((blocks_each + BATCH - 1) / BATCH * BATCH));
	kv("bytes", atomic_load(&bytes_made));
	return finish();
}
