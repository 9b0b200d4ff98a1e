/* Built with -D_FORTIFY_SOURCE=2 -O2: glibc's headers turn these calls
 * into their checking forms (__read_chk, __pread_chk, __getcwd_chk,
 * __poll_chk, __fdelt_chk, __open_2), which must behave as the plain ones
 * while the sizes fit, and end the program as glibc does when they do
 * not: "*** buffer overflow detected ***: terminated", SIGABRT. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/select.h>
#include <unistd.h>

#include "out.h"

int main(int argc, char **argv)
{
    (void)argv;
    int n = argc + 3; /* 4: not a constant the compiler can check */
    char buf[8];
    int p[2];
    if (pipe(p) != 0)
        return 1;
    CALL("write", write(p[1], "abcdefgh", 8));
    CALL("read_chk", read(p[0], buf, n));
    int fd = open("/proc/self/exe", argc > 5 ? O_WRONLY : O_RDONLY);
    kv("open_2_ok", fd >= 0);
    put("\n");
    CALL("pread_chk", pread(fd, buf, n, 1));
    kv("elf", buf[0] == 'E' && buf[1] == 'L' && buf[2] == 'F');
    put("\n");
    char cwd[4096];
    kv("getcwd_chk", getcwd(cwd, sizeof cwd - (size_t)n) == cwd);
    put("\n");
    struct pollfd fds[2] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}};
    CALL("poll_chk", poll(fds, argc + 1, 0));
    fd_set set;
    FD_ZERO(&set);
    FD_SET(p[0] + argc - 1, &set);
    kv("fdelt_chk", FD_ISSET(p[0], &set));
    put("\n");
    if (argc > 1) {
        volatile int big = 16; /* what the compiler cannot see */
        put("overflowing\n");
        CALL("read_chk_overflow", read(p[0], buf, big));
    }
    return 0;
}
