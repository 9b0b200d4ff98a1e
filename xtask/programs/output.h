/* Output for the benchmark programs, the same in every build (glibc, musl, crt0): no stdio,
   which crt0 does not have, only write(2). Include after the headers that declare write. */
#ifndef BENCH_OUTPUT_H
#define BENCH_OUTPUT_H

typedef unsigned long u64;

static void put(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	(void)!write(1, s, n);
}

static void put_num(u64 v)
{
	char buf[24];
	int i = 23;
	buf[i] = 0;
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(buf + i);
}
#endif
