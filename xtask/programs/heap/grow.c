/* grow [ROUNDS]: realloc growth, as string builders and growing arrays do it. 64 buffers
   grow by appends of 1-512 bytes, each a realloc, to a target of 1 KiB to 4 MiB; a buffer
   that reaches its target is checked whole, freed and started again. Growth crosses every
   size range (small, medium, mapped), so an allocator that cannot grow in place copies. */
#include "bench.h"

#define BUFFERS 64

static struct buf {
	unsigned char *p;
	size_t len, target;
	u64 key;
} bufs[BUFFERS];

static struct rng rng;
static u64 next_key = 1;

static void start(struct buf *b)
{
	u64 r = rnd(&rng) % 100;
	b->target = r < 60 ? rnd_in(&rng, 1 << 10, 64 << 10) : r < 95 ? rnd_in(&rng, 64 << 10, 1 << 20) : rnd_in(&rng, 1 << 20, 4 << 20);
	b->p = 0;
	b->len = 0;
	b->key = next_key++;
}

int main(int argc, char **argv)
{
	u64 rounds = arg_num(argc, argv, 1, 400);
	u64 appends = 0, finished = 0, bytes = 0;
	rng = rng_seeded(7);
	for (int i = 0; i < BUFFERS; i++)
		start(&bufs[i]);
	while (finished < rounds) {
		struct buf *b = &bufs[rnd(&rng) % BUFFERS];
		size_t add = rnd_in(&rng, 1, 512);
		size_t n = b->len + add;
		unsigned char *q = must(realloc(b->p, n), "grow");
		/* The appended bytes carry the buffer's pattern, so the whole buffer is always
		   one stamp of its key: check the old end, then write the new part. */
		if (b->len && q[b->len - 1] != pattern_byte(b->key, b->len - 1))
			fail("realloc lost the buffer's end");
		for (size_t i = b->len; i < n; i++)
			if (i % 61 == 0 || i == n - 1)
				q[i] = pattern_byte(b->key, i);
		if (b->len && (b->len - 1) % 61 != 0)
			q[b->len - 1] = 0; /* the old last byte is no longer the end */
		b->p = q;
		b->len = n;
		appends++;
		bytes += add;
		if (n >= b->target) {
			check(q, n, b->key, "grown buffer");
			free(q);
			finished++;
			start(b);
		}
	}
	for (int i = 0; i < BUFFERS; i++)
		free(bufs[i].p);
	put("grow");
	kv("buffers", finished);
	kv("appends", appends);
	kv("bytes", bytes);
	return finish();
}
