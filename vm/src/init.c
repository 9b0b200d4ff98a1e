/*
 * The guest's /init (PID 1), built static against glibc with the architecture's gcc by
 * crt0-vm (vm/src/init.rs). It sets up a minimal system, runs the one program the host
 * asked for as its child, reports how that child ended on the console and powers off.
 *
 * /crt0-vm/spec, written by the host, holds NUL-terminated strings:
 *   MARKER, ARGC, ARGV[0..ARGC], ENVC, ENV[0..ENVC]
 * Console protocol (one line each; MARKER is random per boot, so program output cannot
 * forge it):  "MARKER BEGIN"  before the program starts;
 *             "MARKER EXIT N" or "MARKER SIGNAL N" when it ended;
 *             "MARKER ERROR text" when something here failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static const char *marker = "crt0-vm";

static void power_off(void)
{
    sync();
    reboot(RB_POWER_OFF);
    /* Only reached if the power-off failed: the host stops qemu once it saw the status. */
    for (;;)
        pause();
}

static void fail(const char *what)
{
    printf("%s ERROR %s: %s\n", marker, what, strerror(errno));
    power_off();
}

/* The whole spec file, with a NUL appended so that a truncated file still ends a string. */
static char *read_spec(size_t *len)
{
    int fd = open("/crt0-vm/spec", O_RDONLY);
    struct stat st;
    char *buf;
    if (fd < 0 || fstat(fd, &st) != 0 || !(buf = malloc(st.st_size + 1)))
        return NULL;
    *len = 0;
    while (*len < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + *len, st.st_size - *len);
        if (n <= 0)
            return NULL;
        *len += n;
    }
    buf[*len] = 0;
    close(fd);
    return buf;
}

/* The next string of the spec, or NULL past its end. */
static char *next(char **pos, char *end)
{
    char *s = *pos;
    if (s >= end)
        return NULL;
    *pos = s + strlen(s) + 1;
    return s;
}

/* A count followed by that many strings, as a NULL-terminated vector. */
static char **vector(char **pos, char *end)
{
    char *count = next(pos, end);
    long n = count ? strtol(count, NULL, 10) : -1;
    char **v;
    if (n < 0 || !(v = calloc(n + 1, sizeof *v)))
        return NULL;
    for (long i = 0; i < n; i++)
        if (!(v[i] = next(pos, end)))
            return NULL;
    return v;
}

int main(void)
{
    size_t len;
    char *spec, *pos, **argv, **envp;
    struct termios t;
    int status;
    pid_t pid;

    setvbuf(stdout, NULL, _IONBF, 0);
    /* Raw output: "\n" stays "\n" (no "\r\n"), so the host sees what the program wrote. */
    if (tcgetattr(1, &t) == 0) {
        t.c_oflag &= ~OPOST;
        tcsetattr(1, TCSANOW, &t);
    }
    if (!(spec = read_spec(&len)))
        fail("reading /crt0-vm/spec");
    pos = spec;
    marker = next(&pos, spec + len);
    if (!marker || !(argv = vector(&pos, spec + len)) || !argv[0] || !(envp = vector(&pos, spec + len))) {
        errno = EINVAL;
        fail("parsing /crt0-vm/spec");
    }

    if (mount("proc", "/proc", "proc", 0, NULL) || mount("sysfs", "/sys", "sysfs", 0, NULL) ||
        mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) || mount("tmpfs", "/tmp", "tmpfs", 0, "mode=1777"))
        fail("mounting /proc, /sys, /dev, /tmp");
    mkdir("/dev/shm", 01777);
    if (mount("tmpfs", "/dev/shm", "tmpfs", 0, "mode=1777"))
        fail("mounting /dev/shm");
    /* Only emergencies on the console from now on: kernel messages would interleave with
       the program's output. (The kernel's own "quiet" already holds back the boot log.) */
    int printk = open("/proc/sys/kernel/printk", O_WRONLY);
    if (printk >= 0) {
        if (write(printk, "1\n", 2) != 2)
            fail("writing /proc/sys/kernel/printk");
        close(printk);
    }

    printf("%s BEGIN\n", marker);
    pid = fork();
    if (pid < 0)
        fail("fork");
    if (pid == 0) {
        int null = open("/dev/null", O_RDONLY);
        if (null < 0 || dup2(null, 0) < 0 || chdir("/prog") != 0)
            fail("preparing the child");
        execve(argv[0], argv, envp);
        fail(argv[0]);
    }
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            fail("waitpid");
    if (WIFSIGNALED(status))
        printf("%s SIGNAL %d\n", marker, WTERMSIG(status));
    else
        printf("%s EXIT %d\n", marker, WEXITSTATUS(status));
    power_off();
    return 0;
}
