/* The POSIX wrappers with errno: files and descriptors, the file system,
 * processes, memory, poll/select, sysconf. Each call prints its result
 * (and errno on failure); the Rust test runs this against glibc and
 * against crt0 and requires the same output. argv[1] is an empty scratch
 * directory, left empty again at the end; PATH is "/usr/bin:/bin::DIR/sub"
 * (an empty entry: the working directory). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "out.h"

static char dir[512], sub[600], file[700], noexec[700], script[700];

static void descriptors(void)
{
    put("-- descriptors\n");
    CALL("close_bad", close(-1));
    char c;
    CALL("read_bad", read(999, &c, 1));
    CALL("write_bad", write(-1, "x", 1));
    CALL("lseek_bad", lseek(-1, 0, SEEK_SET));
    CALL("dup_bad", dup(-1));
    CALL("dup2_bad", dup2(-1, 5));
    CALL("dup2_same", dup2(1, 1));
    CALL("dup2_same_bad", dup2(77, 77));
    CALL("dup3_same", dup3(1, 1, 0));
    CALL("fcntl_bad", fcntl(-1, F_GETFD));
    CALL("open_missing", open("/nonexistent/x", O_RDONLY));
    CALL("open_dir_write", open("/", O_WRONLY));
    CALL("openat_badfd", openat(-5, "x", O_RDONLY));
    CALL("open_excl", open("/", O_CREAT | O_EXCL | O_WRONLY, 0600));
}

static void files(void)
{
    put("-- files\n");
    CALL("mkdir", mkdir(sub, 0755));
    CALL("mkdir_again", mkdir(sub, 0755));
    CALL("mkdir_missing_parent", mkdir("/nonexistent/a/b", 0755));
    int fd = open(file, O_CREAT | O_WRONLY | O_TRUNC, 0640);
    kv("open_create_fd", fd);
    put("\n");
    CALL("write", write(fd, "hello world", 11));
    CALL("pwrite", pwrite(fd, "WORLD", 5, 6));
    CALL("lseek_end", lseek(fd, 0, SEEK_END));
    CALL("lseek_neg", lseek(fd, -100, SEEK_SET));
    CALL("read_wronly", read(fd, &fd, 1));
    CALL("close", close(fd));
    CALL("close_again", close(fd));
    fd = open(file, O_RDONLY | O_CLOEXEC);
    char buf[32] = {0};
    CALL("pread", pread(fd, buf, 5, 6));
    put(buf);
    put("\n");
    CALL("pread_neg", pread(fd, buf, 5, -1));
    CALL("read", read(fd, buf, sizeof buf - 1));
    put(buf);
    put("\n");
    CALL("read_eof", read(fd, buf, 4));
    CALL("fcntl_getfd", fcntl(fd, F_GETFD));
    CALL("fcntl_getfl_acc", fcntl(fd, F_GETFL) & O_ACCMODE);
    struct stat st, st2;
    CALL("fstat", fstat(fd, &st));
    kv("size", st.st_size);
    kv("mode", st.st_mode & 07777);
    kv("reg", S_ISREG(st.st_mode));
    kv("nlink", st.st_nlink);
    put("\n");
    CALL("stat", stat(file, &st2));
    kv("same_ino", st.st_ino == st2.st_ino);
    kv("same_dev", st.st_dev == st2.st_dev);
    kv("size", st2.st_size);
    put("\n");
    CALL("lstat", lstat(file, &st2));
    CALL("fstatat", fstatat(AT_FDCWD, file, &st2, 0));
    CALL("stat_missing", stat("/nonexistent", &st2));
    CALL("fstat_bad", fstat(-1, &st2));
    CALL("stat_dir", stat(sub, &st2));
    kv("dir", S_ISDIR(st2.st_mode));
    put("\n");
    int d = dup(fd);
    kv("dup_is_next", d == fd + 1);
    put("\n");
    CALL("dup2_to_20", dup2(fd, 20));
    CALL("dup3_cloexec", dup3(fd, 21, O_CLOEXEC));
    CALL("getfd_21", fcntl(21, F_GETFD));
    CALL("dup3_badflags", dup3(fd, 22, 12345));
    CALL("close_d", close(d));
    CALL("close_20", close(20));
    CALL("close_21", close(21));
    /* mmap of the file */
    char *m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
    kv("mmap_file_ok", m != MAP_FAILED);
    kv("mmap_file_byte", m[6]);
    put("\n");
    CALL("munmap", munmap(m, 4096));
    CALL("close_fd", close(fd));
    CALL("access_r", access(file, R_OK));
    CALL("access_x", access(file, X_OK) == -1 ? -1 : 0);
    CALL("access_missing", access("/nonexistent", F_OK));
    CALL("unlink_dir", unlink(sub));
    CALL("rmdir_nonempty", rmdir(sub));
    CALL("rmdir_file", rmdir(file));
}

static void cwd(void)
{
    put("-- cwd\n");
    int here = open(".", O_RDONLY | O_DIRECTORY);
    char buf[1024];
    CALL("chdir", chdir(sub));
    char *p = getcwd(buf, sizeof buf);
    kv("getcwd_is_buf", p == buf);
    kv("getcwd_right", out_eq(buf, sub));
    put("\n");
    CALL("getcwd_small", getcwd(buf, 2) == NULL ? -1 : 0);
    CALL("getcwd_zero", getcwd(buf, 0) == NULL ? -1 : 0);
    char *a = getcwd(NULL, 0);
    kv("getcwd_alloc_right", a && out_eq(a, sub));
    put("\n");
    free(a);
    a = getcwd(NULL, 1000);
    kv("getcwd_alloc_size_right", a && out_eq(a, sub));
    put("\n");
    free(a);
    int rel = open("f", O_RDONLY);
    kv("open_relative_ok", rel > here);
    put("\n");
    CALL("close_relative", close(rel));
    CALL("chdir_missing", chdir("/nonexistent"));
    CALL("chdir_file", chdir(file));
    CALL("fchdir", fchdir(here));
    CALL("fchdir_bad", fchdir(-1));
    CALL("close_here", close(here));
}

static void pipes(void)
{
    put("-- pipes\n");
    int p[2];
    CALL("pipe", pipe(p));
    kv("fds", p[0] * 100 + p[1]);
    put("\n");
    CALL("write_pipe", write(p[1], "abc", 3));
    int avail = -1;
    CALL("fionread", ioctl(p[0], FIONREAD, &avail));
    kv("avail", avail);
    put("\n");
    struct pollfd pf[2] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}};
    CALL("poll", poll(pf, 2, 1000));
    kv("rev0", pf[0].revents);
    kv("rev1", pf[1].revents);
    put("\n");
    fd_set r;
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    struct timeval tv = {1, 0};
    CALL("select", select(p[0] + 1, &r, NULL, NULL, &tv));
    kv("isset", FD_ISSET(p[0], &r));
    put("\n");
    char buf[8] = {0};
    CALL("read_pipe", read(p[0], buf, sizeof buf));
    put(buf);
    put("\n");
    CALL("poll_empty", poll(pf, 1, 0));
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    tv.tv_sec = 0;
    tv.tv_usec = 1000;
    CALL("select_timeout", select(p[0] + 1, &r, NULL, NULL, &tv));
    kv("isset", FD_ISSET(p[0], &r));
    kv("tv", tv.tv_sec * 1000000 + tv.tv_usec);
    put("\n");
    tv.tv_usec = -1;
    CALL("select_bad_tv", select(p[0] + 1, &r, NULL, NULL, &tv));
    CALL("poll_bad_fd", poll(&(struct pollfd){-1, POLLIN, 0}, 1, 0));
    CALL("setfl_nonblock", fcntl(p[0], F_SETFL, O_NONBLOCK));
    CALL("getfl_nonblock", (fcntl(p[0], F_GETFL) & O_NONBLOCK) != 0);
    CALL("read_empty_nonblock", read(p[0], buf, 1));
    CALL("ioctl_tcgets", ioctl(p[0], TCGETS, buf));
    CALL("isatty_pipe", isatty(p[0]));
    CALL("isatty_bad", isatty(-1));
    CALL("close_w", close(p[1]));
    CALL("read_eof", read(p[0], buf, 1));
    CALL("close_r", close(p[0]));
    CALL("pipe2", pipe2(p, O_CLOEXEC | O_NONBLOCK));
    CALL("getfd", fcntl(p[1], F_GETFD));
    CALL("getfl_nb", (fcntl(p[1], F_GETFL) & O_NONBLOCK) != 0);
    CALL("pipe2_bad", pipe2(p + 0, 0x7fffffff) == -1 ? -1 : 0);
    close(p[0]);
    close(p[1]);
}

static void memory(void)
{
    put("-- memory\n");
    long page = sysconf(_SC_PAGESIZE);
    kv("page_same", page == getpagesize());
    put("\n");
    unsigned char *m = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    kv("mmap_ok", m != MAP_FAILED);
    kv("zero", m[0] + m[page]);
    put("\n");
    m[0] = 7;
    m[page] = 9;
    CALL("madvise_dontneed", madvise(m, page, MADV_DONTNEED));
    kv("after", m[0] * 10 + m[page]);
    put("\n");
    CALL("mprotect", mprotect(m, page, PROT_READ));
    CALL("mprotect_unaligned", mprotect(m + 1, page, PROT_READ));
    CALL("madvise_bad", madvise(m, page, 12345));
    CALL("munmap", munmap(m, 2 * page));
    CALL("munmap_unaligned", munmap(m + 1, page));
    errno = 0;
    void *bad = mmap(NULL, page, PROT_READ, MAP_PRIVATE, -1, 0);
    kv("mmap_badfd_failed", bad == MAP_FAILED);
    kv("errno", errno);
    put("\n");
    errno = 0;
    bad = mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    kv("mmap_zero_failed", bad == MAP_FAILED);
    kv("errno", errno);
    put("\n");
    errno = 0;
    bad = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 1);
    kv("mmap_offset_failed", bad == MAP_FAILED);
    kv("errno", errno);
    put("\n");
}

/* A child process without fork (which is not this test's business): the
 * raw clone system call with only SIGCHLD behaves as fork, and the child
 * calls nothing but an exec and _exit. */
static pid_t spawn(const char *how, const char *what, char *const argv[])
{
    pid_t pid = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
    if (pid == 0) {
        if (how[0] == 'e')
            execve(what, argv, (char *const[]){"PATH=/usr/bin:/bin", NULL});
        else
            execvp(what, argv);
        _exit(100 + errno);
    }
    return pid;
}

static void processes(void)
{
    put("-- processes\n");
    kv("pid_stable", getpid() == getpid());
    kv("ppid_positive", getppid() > 0);
    kv("tid_is_pid", gettid() == getpid());
    put("\n");
    CALL("kill_self_0", kill(getpid(), 0));
    CALL("kill_missing", kill(999999999, 0));
    CALL("kill_badsig", kill(getpid(), 12345));
    int status = -1;
    CALL("waitpid_nochild", waitpid(-1, &status, WNOHANG));
    struct {
        const char *how, *what;
        char *const argv[4];
    } runs[] = {
        {"e", "/bin/sh", {"sh", "-c", "exit 7", NULL}},
        {"e", "/nonexistent", {"x", NULL}},
        {"e", noexec, {"x", NULL}},
        {"p", "sh", {"sh", "-c", "echo from-sh $0", NULL}},
        {"p", "definitely-not-a-program-here", {"x", NULL}},
        {"p", "noexec", {"noexec", NULL}},
        {"p", "script", {"script", "one", "two", NULL}},
        {"p", script, {"script", "three", NULL}},
    };
    for (unsigned i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        pid_t pid = spawn(runs[i].how, runs[i].what, runs[i].argv);
        status = -1;
        pid_t w = waitpid(pid, &status, 0);
        kv("run", i);
        kv("waited", w == pid);
        kv("exited", WIFEXITED(status));
        kv("status", WEXITSTATUS(status));
        put("\n");
    }
    pid_t pid = spawn("e", "/bin/sh", (char *const[]){"sh", "-c", "kill -9 $$", NULL});
    CALL("wait", wait(&status) == pid);
    kv("signaled", WIFSIGNALED(status));
    kv("sig", WTERMSIG(status));
    put("\n");
}

static void limits(void)
{
    put("-- sysconf\n");
    static const int names[] = {
        _SC_ARG_MAX, _SC_CHILD_MAX, _SC_CLK_TCK, _SC_NGROUPS_MAX, _SC_OPEN_MAX, _SC_STREAM_MAX,
        _SC_TZNAME_MAX, _SC_JOB_CONTROL, _SC_SAVED_IDS, _SC_VERSION, _SC_PAGESIZE, _SC_LINE_MAX,
        _SC_IOV_MAX, _SC_THREADS, _SC_GETPW_R_SIZE_MAX, _SC_LOGIN_NAME_MAX, _SC_TTY_NAME_MAX,
        _SC_THREAD_DESTRUCTOR_ITERATIONS, _SC_THREAD_KEYS_MAX, _SC_NPROCESSORS_CONF,
        _SC_NPROCESSORS_ONLN, _SC_PHYS_PAGES, _SC_HOST_NAME_MAX, _SC_SEM_VALUE_MAX,
        _SC_MONOTONIC_CLOCK, _SC_SEMAPHORES, _SC_SPIN_LOCKS, _SC_BARRIERS, _SC_READER_WRITER_LOCKS,
        _SC_TIMEOUTS, _SC_ATEXIT_MAX, _SC_SYMLOOP_MAX, _SC_NZERO, _SC_XOPEN_VERSION, _SC_RTSIG_MAX,
        -5, 99999,
    };
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
        put("sysconf ");
        put_int(names[i]);
        CALL("", sysconf(names[i]));
    }
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    out_cat(dir, argv[1], "");
    out_cat(sub, dir, "/sub");
    out_cat(file, sub, "/f");
    out_cat(noexec, sub, "/noexec");
    out_cat(script, sub, "/script");
    descriptors();
    files();
    cwd();
    pipes();
    memory();
    /* an unrunnable file and a script without #! for exec */
    close(open(noexec, O_CREAT | O_WRONLY, 0644));
    int fd = open(script, O_CREAT | O_WRONLY, 0755);
    CALL("write_script", write(fd, "echo script $0 \"$@\"; exit 5\n", 28));
    close(fd);
    processes();
    limits();
    CALL("unlink", unlink(file));
    CALL("unlink_again", unlink(file));
    CALL("unlink_noexec", unlink(noexec));
    CALL("unlink_script", unlink(script));
    CALL("rmdir", rmdir(sub));
    CALL("rmdir_again", rmdir(sub));
    return 0;
}
