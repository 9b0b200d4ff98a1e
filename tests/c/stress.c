/* Random malloc/calloc/realloc/free over 4096 slots, checking every block.
 *
 *   stress SEED OPS
 *
 * Each block is filled with a pattern derived from its slot and a
 * generation number, so a block that overlaps another, is handed out twice
 * or is moved wrongly by realloc shows up as a mismatch. The pattern is
 * checked in full before free, the preserved prefix across realloc, and
 * calloc memory must be zero. Every block must be 16-aligned and have a
 * usable size at least as large as asked. Sizes run from 1 byte to 1 MiB,
 * mostly small, as programs allocate. Prints the counts; exits 1 on any
 * mismatch or failed allocation. */
#include "util.h"
#include <stdint.h>

#define SLOTS 4096
#define MAX_SIZE ((size_t)1 << 20)
#define GOLDEN 0x9e3779b97f4a7c15ull

struct slot {
    unsigned char *p;
    size_t size;
    uint64_t key;
};
static struct slot slots[SLOTS];

/* splitmix64: a fixed sequence per seed, the same on every configuration. */
static uint64_t rng_state;
static uint64_t next(void)
{
    uint64_t z = (rng_state += GOLDEN);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* 70% up to 64 bytes, 25% up to 4 KiB, the rest up to 1 MiB (half a
 * percent above 128 KiB, where allocators switch to mmap); the extremes,
 * 1 byte and exactly 1 MiB, are drawn on purpose. */
static size_t random_size(void)
{
    uint64_t r = next();
    unsigned pick = r % 1000;
    r >>= 10;
    if (pick == 0)
        return 1;
    if (pick == 1)
        return MAX_SIZE;
    if (pick < 700)
        return 1 + r % 64;
    if (pick < 950)
        return 65 + r % (4096 - 64);
    if (pick < 995)
        return 4097 + r % (128 * 1024 - 4096);
    return 128 * 1024 + 1 + r % (MAX_SIZE - 128 * 1024);
}

/* The pattern is a sequence of little-endian words (both architectures are
 * little-endian), so byte j of a block is byte j % 8 of word j / 8 whether
 * it was written alone or as part of a word. */
static inline uint64_t word_at(uint64_t key, size_t w) { return key ^ (w * GOLDEN); }
static inline unsigned char byte_at(uint64_t key, size_t j) { return (unsigned char)(word_at(key, j / 8) >> (8 * (j % 8))); }
static inline uint64_t load64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}
static inline void store64(unsigned char *p, uint64_t v) { memcpy(p, &v, 8); }

static void fill(unsigned char *p, size_t from, size_t to, uint64_t key)
{
    size_t j = from;
    for (; j < to && j % 8; j++)
        p[j] = byte_at(key, j);
    for (; j + 8 <= to; j += 8)
        store64(p + j, word_at(key, j / 8));
    for (; j < to; j++)
        p[j] = byte_at(key, j);
}

/* The first offset in [from, to) that does not hold the pattern, or -1. */
static long find_mismatch(const unsigned char *p, size_t from, size_t to, uint64_t key)
{
    size_t j = from;
    for (; j < to && j % 8; j++)
        if (p[j] != byte_at(key, j))
            return j;
    for (; j + 8 <= to; j += 8)
        if (load64(p + j) != word_at(key, j / 8))
            break;
    for (; j < to; j++)
        if (p[j] != byte_at(key, j))
            return j;
    return -1;
}

static long failures, op;

static void fail(const char *what, int slot, size_t size, long offset)
{
    /* The first few tell the story; the rest only count. */
    if (++failures <= 10) {
        put("FAIL ");
        put(what);
        put(" ");
        kv("op", op);
        kv("slot", slot);
        kv("size", size);
        kv("offset", offset);
        put("\n");
    }
}

/* Checks what every new or resized block must satisfy. */
static void check_block(const char *what, int i)
{
    struct slot *s = &slots[i];
    if (!s->p) {
        fail(what, i, s->size, -1);
        return;
    }
    if ((uintptr_t)s->p % 16)
        fail("alignment", i, s->size, (uintptr_t)s->p % 16);
    if (malloc_usable_size(s->p) < s->size)
        fail("usable_size", i, s->size, malloc_usable_size(s->p));
}

static void check_and_free(int i)
{
    struct slot *s = &slots[i];
    long bad = find_mismatch(s->p, 0, s->size, s->key);
    if (bad >= 0)
        fail("pattern before free", i, s->size, bad);
    free(s->p);
    s->p = 0;
}

static long parse(const char *s)
{
    long v = 0;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (*s++ - '0');
    return v;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        put("usage: stress SEED OPS\n");
        return 2;
    }
    rng_state = parse(argv[1]);
    long ops = parse(argv[2]);
    long mallocs = 0, callocs = 0, reallocs = 0, frees = 0, generation = 0;
    size_t min_size = MAX_SIZE, max_size = 0, live = 0, max_live = 0;

    for (op = 0; op < ops; op++) {
        uint64_t r = next();
        int i = r % SLOTS;
        unsigned kind = (r >> 12) % 4;
        struct slot *s = &slots[i];
        size_t old = s->p ? s->size : 0;
        size_t n = random_size();
        if (s->p && kind < 2) {
            live -= old;
            check_and_free(i);
            frees++;
            continue;
        }
        if (s->p && kind == 2) {
            /* Also small steps either way, where an allocator may resize in place. */
            if (r >> 20 & 1)
                n = old / 2 + 1;
            else if (r >> 21 & 1)
                n = old + 1 + (r >> 22) % 64;
            if (n > MAX_SIZE)
                n = MAX_SIZE;
        }

        if (s->p) {
            /* realloc of a live block: the prefix both sizes share survives. */
            unsigned char *q = realloc(s->p, n);
            reallocs++;
            if (!q) {
                fail("realloc returned NULL", i, n, -1);
                continue;
            }
            s->p = q;
            s->size = n;
            check_block("realloc", i);
            long bad = find_mismatch(q, 0, old < n ? old : n, s->key);
            if (bad >= 0)
                fail("pattern across realloc", i, n, bad);
            if (n > old)
                fill(q, old, n, s->key);
        } else {
            s->size = n;
            s->key = ((uint64_t)i << 40) ^ (uint64_t)++generation * GOLDEN;
            if (kind == 0) {
                /* calloc with several element sizes, so nmemb * size is exercised. */
                size_t el = (size_t[]){1, 2, 8, 24}[(r >> 20) % 4];
                size_t count = n / el ? n / el : 1;
                s->size = n = count * el;
                s->p = calloc(count, el);
                callocs++;
                check_block("calloc", i);
                if (s->p)
                    for (size_t j = 0; j < n; j++)
                        if (s->p[j]) {
                            fail("calloc not zero", i, n, j);
                            break;
                        }
            } else if (kind == 1) {
                s->p = realloc(0, n);
                reallocs++;
                check_block("realloc(NULL)", i);
            } else {
                s->p = malloc(n);
                mallocs++;
                check_block("malloc", i);
            }
            if (s->p)
                fill(s->p, 0, n, s->key);
        }
        if (!s->p)
            continue;
        if (n < min_size)
            min_size = n;
        if (n > max_size)
            max_size = n;
        live += n - old;
        if (live > max_live)
            max_live = live;
    }
    for (int i = 0; i < SLOTS; i++)
        if (slots[i].p)
            check_and_free(i);

    kv("ops", op);
    kv("malloc", mallocs);
    kv("calloc", callocs);
    kv("realloc", reallocs);
    kv("free", frees);
    kv("min_size", min_size);
    kv("max_size", max_size);
    kv("max_live", max_live);
    kv("failures", failures);
    put("\n");
    return failures != 0;
}
