/* A thread's rseq registration failing after the main thread's succeeded:
 * main installs a seccomp filter that denies rseq(2) with EPERM (as a
 * sandbox applied after start-up would), then creates a thread. crt0 ends
 * the process (crt0: fatal: ..., status 127) rather than run the thread
 * unregistered while __rseq_size says threads are registered. */
#include "util.h"
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>

#define PR_SET_NO_NEW_PRIVS 38
#define PR_SET_SECCOMP 22

static int deny_rseq(void)
{
    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0), /* the syscall number */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_rseq, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1 /* EPERM */),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = { sizeof filter / sizeof filter[0], filter };
    return syscall(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
           syscall(SYS_prctl, PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) == 0;
}

static void *body(void *arg)
{
    put("thread ran\n");
    return arg;
}

int main(void)
{
    pthread_t t;
    kv("main cpu_id", crt0_rseq_cpu_id());
    kv("denied", deny_rseq());
    put("\n");
    pthread_create(&t, NULL, body, NULL);
    pthread_join(t, NULL);
    put("main survived\n");
    return 0;
}
