/* Signals: the sigset_t helpers on glibc's 128-byte sets, sigaction with
 * masks and flags (SA_SIGINFO, SA_RESETHAND, sa_mask), signal, raise, kill,
 * sigprocmask and sigpending, sigsuspend, alarm and an interval timer
 * (setitimer/getitimer) delivering SIGALRM, an interrupted sleep, and a
 * default action that ends the process. */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "out.h"

static volatile sig_atomic_t got[65];
static volatile int order[16], norder;

static void note(int s)
{
    got[s]++;
    if (norder < 16)
        order[norder++] = s;
}

/* Runs with SIGUSR2 blocked by its sa_mask: the SIGUSR2 it raises waits. */
static void raises_usr2(int s)
{
    note(s);
    raise(SIGUSR2);
    note(100 + got[SIGUSR2]);
}

static volatile int info_signo, info_code, info_pid_ok;
static void info(int s, siginfo_t *si, void *uc)
{
    (void)uc;
    got[s]++;
    info_signo = si->si_signo;
    info_code = si->si_code;
    info_pid_ok = si->si_pid == getpid();
}

static void print_order(void)
{
    put("order");
    for (int i = 0; i < norder; i++) {
        put(" ");
        put_int(order[i]);
    }
    put("\n");
    norder = 0;
}

static void sets(void)
{
    put("-- sets\n");
    sigset_t s;
    CALL("empty", sigemptyset(&s));
    CALL("isempty", sigisemptyset(&s));
    CALL("add_int", sigaddset(&s, SIGINT));
    CALL("is_int", sigismember(&s, SIGINT));
    CALL("is_quit", sigismember(&s, SIGQUIT));
    CALL("isempty", sigisemptyset(&s));
    static const int odd[] = {0, -1, 32, 33, 34, 64, 65, 1000};
    for (unsigned i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        put("sig ");
        put_int(odd[i]);
        CALL(" add", sigaddset(&s, odd[i]));
        CALL(" del", sigdelset(&s, odd[i]));
        CALL(" is", sigismember(&s, odd[i]));
    }
    CALL("del_int", sigdelset(&s, SIGINT));
    CALL("isempty", sigisemptyset(&s));
    CALL("fill", sigfillset(&s));
    put("filled ");
    for (int i = 1; i <= 64; i++)
        put(sigismember(&s, i) ? "1" : "0");
    put("\n");
    sigset_t a, b, c;
    sigemptyset(&a);
    sigemptyset(&b);
    sigaddset(&a, SIGUSR1);
    sigaddset(&a, SIGTERM);
    sigaddset(&b, SIGTERM);
    sigaddset(&b, 40);
    CALL("or", sigorset(&c, &a, &b));
    kv("usr1", sigismember(&c, SIGUSR1));
    kv("term", sigismember(&c, SIGTERM));
    kv("40", sigismember(&c, 40));
    put("\n");
    CALL("and", sigandset(&c, &a, &b));
    kv("usr1", sigismember(&c, SIGUSR1));
    kv("term", sigismember(&c, SIGTERM));
    kv("40", sigismember(&c, 40));
    put("\n");
    kv("rtmin", SIGRTMIN);
    kv("rtmax", SIGRTMAX);
    kv("sigset_t", sizeof(sigset_t));
    kv("sigaction", sizeof(struct sigaction));
    put("\n");
}

static void actions(void)
{
    put("-- actions\n");
    struct sigaction act = {0}, old;
    CALL("query_usr1", sigaction(SIGUSR1, NULL, &old));
    kv("dfl", old.sa_handler == SIG_DFL);
    put("\n");
    act.sa_handler = note;
    act.sa_flags = SA_RESTART;
    sigemptyset(&act.sa_mask);
    CALL("install", sigaction(SIGUSR1, &act, NULL));
    CALL("query", sigaction(SIGUSR1, NULL, &old));
    kv("handler", old.sa_handler == note);
    kv("restart", (old.sa_flags & SA_RESTART) != 0);
    kv("flags_same_as_glibc", old.sa_flags);
    kv("mask_empty", sigisemptyset(&old.sa_mask));
    put("\n");
    CALL("raise", raise(SIGUSR1));
    kv("got", got[SIGUSR1]);
    put("\n");
    CALL("kill", kill(getpid(), SIGUSR1));
    kv("got", got[SIGUSR1]);
    put("\n");
    sigset_t block, prev, pending;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    CALL("block", sigprocmask(SIG_BLOCK, &block, &prev));
    kv("prev_empty", !sigismember(&prev, SIGUSR1));
    put("\n");
    CALL("raise_blocked", raise(SIGUSR1));
    kv("got", got[SIGUSR1]);
    put("\n");
    CALL("pending", sigpending(&pending));
    kv("usr1_pending", sigismember(&pending, SIGUSR1));
    kv("usr2_pending", sigismember(&pending, SIGUSR2));
    put("\n");
    CALL("query_mask", sigprocmask(SIG_SETMASK, NULL, &prev));
    kv("usr1_blocked", sigismember(&prev, SIGUSR1));
    put("\n");
    CALL("unblock", sigprocmask(SIG_UNBLOCK, &block, NULL));
    kv("got", got[SIGUSR1]);
    put("\n");
    CALL("bad_how", sigprocmask(99, &block, NULL));
    CALL("pthread_bad_how", pthread_sigmask(99, &block, NULL));
    CALL("pthread_block", pthread_sigmask(SIG_BLOCK, &block, NULL));
    CALL("pthread_unblock", pthread_sigmask(SIG_UNBLOCK, &block, NULL));

    /* sa_mask blocks SIGUSR2 while the SIGUSR1 handler runs */
    act.sa_handler = raises_usr2;
    sigaddset(&act.sa_mask, SIGUSR2);
    CALL("install_masking", sigaction(SIGUSR1, &act, &old));
    kv("old_handler", old.sa_handler == note);
    put("\n");
    act.sa_handler = note;
    sigemptyset(&act.sa_mask);
    act.sa_flags = SA_RESETHAND;
    CALL("install_usr2_resethand", sigaction(SIGUSR2, &act, NULL));
    norder = 0;
    CALL("raise", raise(SIGUSR1));
    print_order();
    CALL("query_usr2", sigaction(SIGUSR2, NULL, &old));
    kv("reset_to_dfl", old.sa_handler == SIG_DFL);
    put("\n");

    /* SA_SIGINFO */
    act.sa_sigaction = info;
    act.sa_flags = SA_SIGINFO;
    CALL("install_info", sigaction(SIGUSR1, &act, NULL));
    CALL("raise", raise(SIGUSR1));
    kv("signo", info_signo);
    kv("code", info_code);
    kv("pid_ok", info_pid_ok);
    put("\n");
    CALL("kill", kill(getpid(), SIGUSR1));
    kv("signo", info_signo);
    kv("code", info_code);
    kv("pid_ok", info_pid_ok);
    put("\n");

    /* signal() */
    kv("signal_prev_dfl", signal(SIGUSR2, note) == SIG_DFL);
    kv("signal_prev_note", signal(SIGUSR2, SIG_IGN) == note);
    put("\n");
    CALL("raise_ignored", raise(SIGUSR2));
    CALL("query_ign", sigaction(SIGUSR2, NULL, &old));
    kv("ign", old.sa_handler == SIG_IGN);
    kv("restart", (old.sa_flags & SA_RESTART) != 0);
    put("\n");
    errno = 0;
    kv("signal_kill_err", signal(SIGKILL, note) == SIG_ERR);
    kv("errno", errno);
    put("\n");
    errno = 0;
    kv("signal_32_err", signal(32, note) == SIG_ERR);
    kv("errno", errno);
    put("\n");
    CALL("sigaction_stop", sigaction(SIGSTOP, &act, NULL));
    CALL("sigaction_0", sigaction(0, &act, NULL));
    CALL("sigaction_65", sigaction(65, NULL, &old));
    CALL("sigaction_33", sigaction(33, NULL, &old));
    CALL("sigaction_rtmin", sigaction(SIGRTMIN, &act, NULL));
    CALL("raise_rtmin", raise(SIGRTMIN));
    kv("got_rtmin", got[SIGRTMIN]);
    put("\n");
    CALL("raise_0", raise(0));
    CALL("raise_bad", raise(999));
}

static void timers(void)
{
    put("-- timers\n");
    CALL("alarm_first", alarm(5));
    CALL("alarm_cancel", alarm(0));
    CALL("alarm_none", alarm(0));
    struct sigaction act = {0};
    act.sa_handler = note;
    sigemptyset(&act.sa_mask);
    CALL("install_alrm", sigaction(SIGALRM, &act, NULL));
    sigset_t block, wait_mask;
    sigemptyset(&block);
    sigaddset(&block, SIGALRM);
    sigprocmask(SIG_BLOCK, &block, &wait_mask);
    struct itimerval it = {{0, 5000}, {0, 5000}}, cur;
    CALL("setitimer", setitimer(ITIMER_REAL, &it, NULL));
    CALL("getitimer", getitimer(ITIMER_REAL, &cur));
    kv("interval_us", cur.it_interval.tv_usec);
    kv("armed", cur.it_value.tv_sec > 0 || cur.it_value.tv_usec > 0);
    put("\n");
    int eintr = 1;
    while (got[SIGALRM] < 5) {
        errno = 0;
        eintr &= sigsuspend(&wait_mask) == -1 && errno == EINTR;
    }
    kv("ticks", got[SIGALRM]);
    kv("sigsuspend_eintr", eintr);
    put("\n");
    it = (struct itimerval){{0, 0}, {0, 0}};
    CALL("disarm", setitimer(ITIMER_REAL, &it, NULL));
    CALL("getitimer", getitimer(ITIMER_REAL, &cur));
    kv("disarmed", cur.it_value.tv_sec + cur.it_value.tv_usec + cur.it_interval.tv_usec);
    put("\n");
    CALL("setitimer_bad", setitimer(12345, &it, NULL));
    sigprocmask(SIG_SETMASK, &wait_mask, NULL);
    /* a handled signal cuts sleep short */
    it = (struct itimerval){{0, 0}, {0, 50000}};
    setitimer(ITIMER_REAL, &it, NULL);
    CALL("sleep_interrupted", sleep(3));
    setitimer(ITIMER_REAL, &it, NULL);
    CALL("usleep_interrupted", usleep(2000000));
    setitimer(ITIMER_REAL, &it, NULL);
    struct timespec rem = {0, 0};
    CALL("nanosleep_interrupted", nanosleep(&(struct timespec){2, 0}, &rem));
    kv("rem_sec", rem.tv_sec);
    put("\n");
    /* one more tick may have been pending when the timer was disarmed */
    kv("three_more_ticks", got[SIGALRM] >= 8 && got[SIGALRM] <= 9);
    put("\n");
}

int main(void)
{
    sets();
    actions();
    timers();
    put("-- default action\n");
    signal(SIGTERM, SIG_DFL);
    raise(SIGTERM);
    put("not reached\n");
    return 0;
}
