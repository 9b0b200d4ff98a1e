/* Prints what start-up handed main, for the odd-input tests (tests/hostile.rs):
 * argc, whether argv and envp end where they should, how many environment
 * variables arrived and the last one. */
#include "util.h"

int main(int argc, char **argv, char **envp)
{
    long envc = 0;
    while (envp[envc])
        envc++;
    kv("argc", argc);
    kv("argv_end_null", argv[argc] == 0);
    kv("envc", envc);
    kv("envp_after_argv", envp == argv + argc + 1);
    put("last=");
    put(envc ? envp[envc - 1] : "-");
    put("\n");
    return 0;
}
