/* mixed [OPS]: one thread, random operations over 4,096 slots (default 10^6 operations).
   The workload issue 16 measured: an empty slot gets a malloc or a calloc; a full one is
   freed (40%), reallocated to a new size (20%) or freed and given a new block (40%). Sizes:
   70% 1-64 bytes, 25% 65-4,064, 4.5% 4 KiB-64 KiB, 0.5% 128 KiB-1.1 MiB, so large blocks
   churn (where allocators switch to mmap) and realloc both grows and shrinks. Shaped like
   the single-threaded random mixes of alloc-test and sh6bench. */
#include "bench.h"

#define SLOTS 4096

static struct slot {
	unsigned char *p;
	size_t n;
	u64 key;
} slots[SLOTS];

static struct rng rng;
static u64 next_key = 1, bytes_asked;

static size_t mixed_size(void)
{
	u64 r = rnd(&rng) % 1000;
	if (r < 700)
		return rnd_in(&rng, 1, 64);
	if (r < 950)
		return rnd_in(&rng, 65, 4064);
	if (r < 995)
		return rnd_in(&rng, 4096, 65536);
	return rnd_in(&rng, 128 << 10, 1100 << 10);
}

static void fill_slot(struct slot *s, int zeroed)
{
	size_t n = mixed_size();
	s->p = must(zeroed ? calloc(1, n) : malloc(n), "mixed");
	if (zeroed)
		check_zero(s->p, n);
	s->n = n;
	s->key = next_key++;
	stamp(s->p, n, s->key);
	bytes_asked += n;
}

static void empty_slot(struct slot *s)
{
	check(s->p, s->n, s->key, "mixed block");
	free(s->p);
	s->p = 0;
}

int main(int argc, char **argv)
{
	u64 ops = arg_num(argc, argv, 1, 1000000);
	u64 counts[4] = {0};
	rng = rng_seeded(16);
	for (u64 i = 0; i < ops; i++) {
		struct slot *s = &slots[rnd(&rng) % SLOTS];
		u64 r = rnd(&rng) % 100;
		if (!s->p) {
			fill_slot(s, r & 1);
			counts[0]++;
		} else if (r < 40) {
			empty_slot(s);
			counts[1]++;
		} else if (r < 60) {
			size_t n = mixed_size();
			unsigned char *q = must(realloc(s->p, n), "mixed realloc");
			if (!holds_prefix(q, s->n, n, s->key))
				fail("realloc lost the block's contents");
			s->p = q;
			s->n = n;
			s->key = next_key++;
			stamp(q, n, s->key);
			bytes_asked += n;
			counts[2]++;
		} else {
			empty_slot(s);
			fill_slot(s, r & 1);
			counts[3]++;
		}
	}
	for (int i = 0; i < SLOTS; i++)
		if (slots[i].p)
			empty_slot(&slots[i]);
	put("mixed");
	kv("ops", ops);
	kv("allocs", counts[0]);
	kv("frees", counts[1]);
	kv("reallocs", counts[2]);
	kv("replaced", counts[3]);
	kv("bytes", bytes_asked);
	return finish();
}
