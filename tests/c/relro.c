/* RELRO after start-up: a relocated constant (in .data.rel.ro, inside
 * PT_GNU_RELRO) is read-only by the time main runs, while the IFUNC whose
 * GOT slot crt0 wrote before protecting RELRO still calls its target.
 * With an argument, main writes the constant: that must end in SIGSEGV. */
#include "util.h"

static int twice_impl(int x) { return 2 * x; }

/* No hwcap needed: any architecture's resolver may ignore its arguments. */
static void *resolve_twice(void) { return (void *)twice_impl; }
int twice(int x) __attribute__((ifunc("resolve_twice")));

static int target = 7;
/* A pointer the linker cannot resolve at compile time for position-
 * independent code, so compilers put it in .data.rel.ro; named explicitly
 * so the test does not depend on -fPIE being the default. */
__attribute__((section(".data.rel.ro"), used)) int *const relocated = &target;

int main(int argc, char **argv)
{
    (void)argv;
    kv("twice", twice(21));
    kv("relocated", *relocated);
    put("\n");
    if (argc > 1) {
        /* Through a volatile pointer, so the store is really made. */
        int *const *volatile slot = &relocated;
        *(int **)slot = 0;
        put("wrote\n");
    }
    return 0;
}
