/* bignum [ROUNDS]: many small, short-lived blocks, shaped like cfrac (continued-fraction
   factoring on heap-allocated big numbers): each arithmetic result is a new block and
   operands die young. Here the numbers are Fibonacci numbers up to F(600), checked with
   Cassini's identity F(n-1)F(n+1) - F(n)^2 = (-1)^n, each product a fresh allocation; a
   ring of 256 results lives longer, so lifetimes vary. Blocks are 12-900 bytes. */
#include "bench.h"

struct big {
	size_t n; /* limbs in use */
	uint32_t d[];
};

static struct big *big_new(size_t n)
{
	struct big *b = must(malloc(sizeof *b + 4 * (n ? n : 1)), "bignum");
	b->n = n;
	return b;
}

static struct big *big_small(uint32_t v)
{
	struct big *b = big_new(1);
	b->d[0] = v;
	return b;
}

static void big_trim(struct big *b)
{
	while (b->n > 1 && b->d[b->n - 1] == 0)
		b->n--;
}

static struct big *big_add(const struct big *a, const struct big *b)
{
	size_t n = (a->n > b->n ? a->n : b->n) + 1;
	struct big *r = big_new(n);
	u64 carry = 0;
	for (size_t i = 0; i < n; i++) {
		u64 s = carry + (i < a->n ? a->d[i] : 0) + (i < b->n ? b->d[i] : 0);
		r->d[i] = (uint32_t)s;
		carry = s >> 32;
	}
	big_trim(r);
	return r;
}

static struct big *big_mul(const struct big *a, const struct big *b)
{
	struct big *r = big_new(a->n + b->n);
	for (size_t i = 0; i < r->n; i++)
		r->d[i] = 0;
	for (size_t i = 0; i < a->n; i++) {
		u64 carry = 0;
		for (size_t j = 0; j < b->n; j++) {
			u64 t = (u64)a->d[i] * b->d[j] + r->d[i + j] + carry;
			r->d[i + j] = (uint32_t)t;
			carry = t >> 32;
		}
		r->d[i + b->n] = (uint32_t)carry;
	}
	big_trim(r);
	return r;
}

/* a - b for a >= b, or NULL if a < b. */
static struct big *big_sub(const struct big *a, const struct big *b)
{
	struct big *r = big_new(a->n);
	int64_t borrow = 0;
	for (size_t i = 0; i < a->n; i++) {
		int64_t s = (int64_t)a->d[i] - (i < b->n ? b->d[i] : 0) - borrow;
		borrow = s < 0;
		r->d[i] = (uint32_t)(s + (borrow << 32));
	}
	if (borrow || b->n > a->n) {
		free(r);
		return 0;
	}
	big_trim(r);
	return r;
}

static int big_is(const struct big *a, uint32_t v)
{
	return a->n == 1 && a->d[0] == v;
}

#define RING 256
#define TOP 600

int main(int argc, char **argv)
{
	u64 rounds = arg_num(argc, argv, 1, 2000);
	struct big *ring[RING] = {0};
	u64 checked = 0, limbs = 0, r_at = 0;
	for (u64 round = 0; round < rounds; round++) {
		struct big *f0 = big_small(0), *f1 = big_small(1);
		for (int n = 1; n < TOP; n++) {
			struct big *f2 = big_add(f0, f1); /* F(n+1) */
			struct big *outer = big_mul(f0, f2), *square = big_mul(f1, f1);
			/* n odd: square = outer + 1; n even: outer = square + 1. */
			struct big *diff = n % 2 ? big_sub(square, outer) : big_sub(outer, square);
			if (!diff || !big_is(diff, 1))
				fail("Cassini's identity");
			checked++;
			limbs += outer->n;
			free(diff);
			free(outer);
			/* The square lives on in the ring for a while. */
			struct big **slot = &ring[r_at++ % RING];
			free(*slot);
			*slot = square;
			free(f0);
			f0 = f1;
			f1 = f2;
		}
		free(f0);
		free(f1);
	}
	for (int i = 0; i < RING; i++)
		free(ring[i]);
	put("bignum");
	kv("identities", checked);
	kv("limbs", limbs);
	return finish();
}
