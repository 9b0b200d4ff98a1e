/* Start-up hooks from C: a GNU ifunc whose resolver uses gcc's CPU
 * detection, .preinit_array, _init, constructors with priorities,
 * destructors, atexit and _fini. Each prints what it sees. */
#include "util.h"

static void report(const char *who)
{
    put(who);
    put(" owner=");
    put(owner_name(__atomic_load_n(&__rseq_reg_owner, __ATOMIC_ACQUIRE)));
    put(" ");
    kv("cpu_id", crt0_rseq_cpu_id());
    put("\n");
}

/* ---- GNU IFUNC ---- */
static int add_simd(int a, int b) { return a + b; }
static int add_plain(int a, int b) { return a + b + 1000; }
static int resolver_saw_owner = -1, resolver_saw_cpu = 99, resolver_simd = -1;

#ifdef __x86_64__
/* glibc calls x86_64 resolvers without arguments; they ask the CPU. */
static void *resolve_add(void)
{
    __builtin_cpu_init();
    resolver_simd = __builtin_cpu_supports("sse2") != 0;
#elif defined(__riscv)
/* glibc 2.40+ calls riscv resolvers with AT_HWCAP (a bit per single-letter
 * extension), its __riscv_hwprobe and NULL. This one asks hwprobe for the
 * base behaviour (IMA), which fails with ENOSYS before Linux 6.4 and under
 * qemu-user 7.2. */
struct riscv_hwprobe { long long key; unsigned long long value; };
typedef int (*hwprobe_t)(struct riscv_hwprobe *, unsigned long, unsigned long, unsigned long *, unsigned);
static int resolver_hwprobe = -1;
static void *resolve_add(unsigned long hwcap, hwprobe_t hwprobe, void *third)
{
    struct riscv_hwprobe base = { 3, 0 }; /* RISCV_HWPROBE_KEY_BASE_BEHAVIOR */
    resolver_hwprobe = hwprobe ? hwprobe(&base, 1, 0, 0, 0) : -1;
    int ima = resolver_hwprobe == 0 && base.key == 3 && (base.value & 1);
    resolver_simd = (hwcap & (1UL << ('i' - 'a'))) && third == 0 && (ima || resolver_hwprobe == 38 /* ENOSYS */);
#else
/* glibc calls aarch64 resolvers with AT_HWCAP | _IFUNC_ARG_HWCAP and a
 * pointer to { size, AT_HWCAP, AT_HWCAP2 }. */
struct ifunc_arg { unsigned long size, hwcap, hwcap2; };
#define IFUNC_ARG_HWCAP (1UL << 62)
#define HWCAP_ASIMD (1UL << 1)
static void *resolve_add(unsigned long hwcap, const struct ifunc_arg *arg)
{
    resolver_simd = (hwcap & IFUNC_ARG_HWCAP) && (hwcap & HWCAP_ASIMD) && arg->size == sizeof *arg
                    && arg->hwcap == (hwcap & ~IFUNC_ARG_HWCAP);
#endif
    resolver_saw_owner = crt0_rseq_owner();
    resolver_saw_cpu = crt0_rseq_cpu_id();
    report("ifunc_resolver");
    return resolver_simd ? (void *)add_simd : (void *)add_plain;
}
int add(int a, int b) __attribute__((ifunc("resolve_add")));

/* ---- arrays ---- */
static void preinit(int argc, char **argv, char **envp)
{
    (void)argv; (void)envp;
    put("preinit_array ");
    kv("argc", argc);
    report("");
}
__attribute__((section(".preinit_array"), used)) static void (*preinit_entry)(int, char **, char **) = preinit;

void _init(void) { report("_init"); }
void _fini(void) { put("_fini\n"); }

__attribute__((constructor)) static void ctor_default(int argc, char **argv, char **envp)
{
    (void)argv;
    put("constructor default ");
    kv("argc", argc);
    kv("envp_ok", envp != 0 && envp[0] != 0);
    report("");
}
__attribute__((constructor(102))) static void ctor_102(void) { report("constructor 102"); }
__attribute__((constructor(101))) static void ctor_101(void) { report("constructor 101"); }
__attribute__((destructor)) static void dtor(void) { put("destructor\n"); }

static void at_1(void) { put("atexit 1\n"); }
static void at_2(void) { put("atexit 2\n"); }

int main(int argc, char **argv)
{
    report("main");
    kv("add", add(2, 3));
    kv("resolver_owner", resolver_saw_owner);
    kv("resolver_cpu_id", resolver_saw_cpu);
    kv("simd", resolver_simd);
#ifdef __riscv
    kv("hwprobe", resolver_hwprobe);
#endif
    put("\n");
    kv("rseq_size", __rseq_size);
    kv("rseq_offset", __rseq_offset);
    kv("rseq_flags", __rseq_flags);
    kv("cpuid_runs", crt0_cpuid_runs());
    kv("area_at_offset", (char *)__builtin_thread_pointer() + __rseq_offset == (char *)crt0_rseq_area());
    put("\n");
    for (int i = 0; i < argc; i++) {
        put("arg ");
        put(argv[i]);
        put("\n");
    }
    const char *e = getenv("ORDER_ENV");
    put("env ORDER_ENV=");
    put(e ? e : "(unset)");
    put("\n");
    atexit(at_1);
    atexit(at_2);
    return argc > 1 ? argv[1][0] - '0' : 0;
}
