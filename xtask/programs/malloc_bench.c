/* The malloc benchmark's workloads (`cargo run -q --release -p xtask -- malloc`), built
   three ways from this one file: glibc (`gcc -O2 -static`), musl (`musl-gcc -O2 -static`)
   and crt0 (`crt/crt0-cc -O2 -DUSE_CRT0_H`). Every allocator runs exactly the same
   operations: the random numbers come from a fixed-seed xorshift, not from the allocator.

     malloc_bench mixed [OPS [REALLOC_PERCENT]]
                               random sizes (70% of 1..64 bytes, the rest 1 byte..1 MiB):
                               each operation picks one of 4096 slots at random; an empty
                               one gets a malloc, a full one a realloc to a new random size
                               (REALLOC_PERCENT of the time, default 50) or a free
     malloc_bench small [OPS]  16..256 bytes: malloc/free pairs, then batches of 1000
                               blocks freed in random order

   Each block gets its first bytes and its last byte written when allocated and checked
   before it is freed or reallocated (and across realloc), so the allocator's own time
   dominates, not filling megabytes. It prints a checksum of the sizes it asked for
   (the same for every allocator) and exits 0, or 1 when a check fails. */
#ifdef USE_CRT0_H
#include <crt0.h>
#else
#include <stdlib.h>
#include <unistd.h>
#endif

#include "output.h"

static u64 rng_state = 0x9e3779b97f4a7c15ul;

static u64 rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dul;
}

static int failures;

static void fail(const char *what)
{
	if (failures++ == 0) {
		put("check failed: ");
		put(what);
		put("\n");
	}
}

/* The first min(n, 8) bytes and the last byte carry the tag. */
static void stamp(unsigned char *p, size_t n, unsigned char tag)
{
	for (size_t i = 0; i < n && i < 8; i++)
		p[i] = tag;
	p[n - 1] = tag;
}

static void check(const unsigned char *p, size_t n, unsigned char tag)
{
	for (size_t i = 0; i < n && i < 8; i++)
		if (p[i] != tag)
			fail("block head changed");
	if (p[n - 1] != tag)
		fail("block tail changed");
}

static size_t mixed_size(void)
{
	u64 r = rnd();
	if (r % 100 < 70)
		return 1 + (r >> 8) % 64;
	return 1 + (r >> 8) % (1ul << 20);
}

#define SLOTS 4096

static struct slot {
	unsigned char *p;
	size_t n;
	unsigned char tag;
} slots[SLOTS];

static u64 mixed(u64 ops, unsigned realloc_pct)
{
	u64 sum = 0;
	for (u64 i = 0; i < ops; i++) {
		u64 r = rnd();
		struct slot *s = &slots[r % SLOTS];
		unsigned op = (unsigned)((r >> 16) % 100);
		unsigned char tag = (unsigned char)(r >> 40);
		if (!s->p) {
			size_t n = mixed_size();
			s->p = malloc(n);
			if (!s->p) {
				fail("out of memory");
				return sum;
			}
			s->n = n;
			s->tag = tag;
			stamp(s->p, n, tag);
			sum += n;
		} else if (op >= realloc_pct) {
			check(s->p, s->n, s->tag);
			free(s->p);
			s->p = 0;
		} else {
			size_t n = mixed_size();
			check(s->p, s->n, s->tag);
			unsigned char *q = realloc(s->p, n);
			if (!q) {
				fail("out of memory");
				return sum;
			}
			/* The kept prefix must have survived the move. */
			for (size_t k = 0; k < n && k < s->n && k < 8; k++)
				if (q[k] != s->tag)
					fail("realloc lost the contents");
			s->p = q;
			s->n = n;
			s->tag = tag;
			stamp(q, n, tag);
			sum += n;
		}
	}
	for (int k = 0; k < SLOTS; k++) {
		if (slots[k].p) {
			check(slots[k].p, slots[k].n, slots[k].tag);
			free(slots[k].p);
		}
	}
	return sum;
}

static size_t small_size(void)
{
	return 16 + (size_t)(rnd() % 241);
}

#define BATCH 1000

static u64 small(u64 ops)
{
	static unsigned char *batch[BATCH];
	static size_t sizes[BATCH];
	u64 sum = 0;
	/* Half the operations as malloc/free pairs: a block freed right after use. */
	for (u64 i = 0; i < ops / 4; i++) {
		size_t n = small_size();
		unsigned char *p = malloc(n);
		if (!p) {
			fail("out of memory");
			return sum;
		}
		stamp(p, n, (unsigned char)i);
		check(p, n, (unsigned char)i);
		free(p);
		sum += n;
	}
	/* The other half in batches: many blocks live at once, freed in random order. */
	for (u64 round = 0; round < ops / 4 / BATCH; round++) {
		for (int k = 0; k < BATCH; k++) {
			size_t n = small_size();
			batch[k] = malloc(n);
			if (!batch[k]) {
				fail("out of memory");
				return sum;
			}
			sizes[k] = n;
			stamp(batch[k], n, (unsigned char)k);
			sum += n;
		}
		for (int k = BATCH - 1; k > 0; k--) {
			int j = (int)(rnd() % (u64)(k + 1));
			unsigned char *p = batch[k];
			size_t n = sizes[k];
			batch[k] = batch[j];
			sizes[k] = sizes[j];
			batch[j] = p;
			sizes[j] = n;
		}
		for (int k = 0; k < BATCH; k++) {
			free(batch[k]);
		}
	}
	return sum;
}

static u64 parse(const char *s)
{
	u64 v = 0;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (u64)(*s++ - '0');
	return v;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		put("usage: malloc_bench mixed [OPS [REALLOC_PERCENT]] | small [OPS]\n");
		return 2;
	}
	u64 ops = argc > 2 ? parse(argv[2]) : 1000000;
	u64 sum;
	if (argv[1][0] == 'm') {
		sum = mixed(ops, argc > 3 ? (unsigned)parse(argv[3]) : 50);
	} else if (argv[1][0] == 's') {
		sum = small(ops);
	} else {
		put("unknown workload\n");
		return 2;
	}
	put("checksum ");
	put_num(sum);
	put("\n");
	return failures != 0;
}
