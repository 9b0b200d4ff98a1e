/* frag [MIB]: long-lived fragmentation, and whether memory goes back. Phase 1 fills MIB
   MiB (default 160) with blocks of mixed sizes (70% 16-256 bytes, 25% up to 4 KiB, 5% up to
   64 KiB); phase 2 frees nine blocks in ten at random, so the survivors are scattered over
   the whole heap; phase 3 allocates a quarter of MIB again in other sizes and frees it;
   phase 4 frees the survivors. The "rss" line (not compared across allocators: it is what
   is measured) gives the resident memory after each phase and the bytes still live then,
   in KiB: an allocator that gives free pages back drops towards the live bytes after
   phase 2; one that keeps them stays at the phase 1 figure. */
#include "bench.h"

struct block {
	void *p;
	size_t n;
};

static size_t frag_size(struct rng *r, int phase)
{
	u64 x = rnd(r) % 100;
	size_t k = phase == 3 ? 2 : 1; /* phase 3: other sizes than the holes were made of */
	if (x < 70)
		return k * rnd_in(r, 16, 256);
	if (x < 95)
		return k * rnd_in(r, 257, 4096);
	return k * rnd_in(r, 4097, 65536);
}

int main(int argc, char **argv)
{
	u64 mib = arg_num(argc, argv, 1, 160);
	size_t total = (size_t)mib << 20, cap = total / 16 + 1024, n = 0, live = 0;
	struct rng rng = rng_seeded(400);
	struct block *b = must(malloc(cap * sizeof *b), "frag table");
	u64 rss[4], live_kib[4];
	while (live < total && n < cap) {
		size_t sz = frag_size(&rng, 1);
		b[n].p = must(malloc(sz), "frag");
		b[n].n = sz;
		stamp(b[n].p, sz, n);
		live += sz;
		n++;
	}
	rss[0] = rss_kib();
	live_kib[0] = live >> 10;
	for (size_t i = 0; i < n; i++) {
		if (rnd(&rng) % 10 == 0)
			continue;
		check(b[i].p, b[i].n, i, "frag block");
		free(b[i].p);
		live -= b[i].n;
		b[i].p = 0;
	}
	rss[1] = rss_kib();
	live_kib[1] = live >> 10;
	size_t m = 0, extra = 0, kept = live;
	struct block *c = must(malloc(cap * sizeof *c), "frag table 2");
	while (extra < total / 4 && m < cap) {
		size_t sz = frag_size(&rng, 3);
		c[m].p = must(malloc(sz), "frag");
		c[m].n = sz;
		stamp(c[m].p, sz, m + n);
		extra += sz;
		m++;
	}
	rss[2] = rss_kib();
	live_kib[2] = (kept + extra) >> 10;
	for (size_t i = 0; i < m; i++) {
		check(c[i].p, c[i].n, i + n, "frag block");
		free(c[i].p);
	}
	for (size_t i = 0; i < n; i++) {
		if (!b[i].p)
			continue;
		check(b[i].p, b[i].n, i, "frag block");
		free(b[i].p);
	}
	free(c);
	free(b);
	rss[3] = rss_kib();
	live_kib[3] = 0;
	put("frag");
	kv("blocks", n);
	kv("survivors_kib", kept >> 10);
	kv("phase3_blocks", m);
	int status = finish();
	const char *names[4] = {"full", "after_free", "reuse", "empty"};
	put("rss");
	for (int i = 0; i < 4; i++) {
		kv(names[i], rss[i]);
		put(" ");
		put(names[i]);
		put("_live=");
		put_num(live_kib[i]);
	}
	put("\n");
	return status;
}
