/* The owner protocol from C: a constructor claims registration when
 * CLAIM=ctor (as a preloaded rseq library would), registers its own area
 * and reports; main prints the outcome. Also exercises getauxval. */
#include "util.h"
#include "rseq_area.h"

static struct area own __attribute__((aligned(32))) = { 0, -1, 0, 0, {0} };

static void claim(const char *who)
{
    int before = crt0_rseq_owner();
    int claimed = crt0_rseq_claim_override();
    long reg = -1;
    if (claimed)
        reg = syscall(SYS_rseq, &own, 32, 0, RSEQ_SIG);
    put(who);
    put(" before=");
    put(owner_name(before));
    put(" ");
    kv("claimed", claimed);
    kv("registered", reg == 0);
    put("after=");
    put(owner_name(crt0_rseq_owner()));
    put("\n");
}

__attribute__((constructor)) static void ctor(void)
{
    const char *c = getenv("CLAIM");
    if (c && c[0] == 'c')
        claim("ctor");
}

int main(void)
{
    const char *c = getenv("CLAIM");
    if (c && c[0] == 'm')
        claim("main");
    put("main owner=");
    put(owner_name(crt0_rseq_owner()));
    put(" ");
    kv("crt0_cpu_id", crt0_rseq_cpu_id());
    kv("own_cpu_id", own.cpu_id);
    kv("rseq_size", __rseq_size);
    put("\n");
    errno = 0;
    kv("pagesz", getauxval(6));
    kv("missing", getauxval(12345));
    kv("enoent", errno == 2);
    kv("syscall_errno", syscall(SYS_getpid) > 0 && syscall(-1) == -1 && errno == 38);
    put("\n");
    return 0;
}
