//! Names for the x86_64 syscall numbers that start-up code commonly makes
//! (arch/x86/entry/syscalls/syscall_64.tbl). Others print as their number.

const NAMES: &[(u64, &str)] = &[
    (0, "read"),
    (1, "write"),
    (2, "open"),
    (3, "close"),
    (4, "stat"),
    (5, "fstat"),
    (6, "lstat"),
    (7, "poll"),
    (8, "lseek"),
    (9, "mmap"),
    (10, "mprotect"),
    (11, "munmap"),
    (12, "brk"),
    (13, "rt_sigaction"),
    (14, "rt_sigprocmask"),
    (15, "rt_sigreturn"),
    (16, "ioctl"),
    (17, "pread64"),
    (18, "pwrite64"),
    (19, "readv"),
    (20, "writev"),
    (21, "access"),
    (22, "pipe"),
    (24, "sched_yield"),
    (25, "mremap"),
    (28, "madvise"),
    (32, "dup"),
    (33, "dup2"),
    (35, "nanosleep"),
    (39, "getpid"),
    (56, "clone"),
    (57, "fork"),
    (58, "vfork"),
    (59, "execve"),
    (60, "exit"),
    (61, "wait4"),
    (62, "kill"),
    (63, "uname"),
    (72, "fcntl"),
    (79, "getcwd"),
    (89, "readlink"),
    (97, "getrlimit"),
    (102, "getuid"),
    (104, "getgid"),
    (107, "geteuid"),
    (108, "getegid"),
    (131, "sigaltstack"),
    (157, "prctl"),
    (158, "arch_prctl"),
    (160, "setrlimit"),
    (186, "gettid"),
    (202, "futex"),
    (204, "sched_getaffinity"),
    (218, "set_tid_address"),
    (228, "clock_gettime"),
    (231, "exit_group"),
    (234, "tgkill"),
    (257, "openat"),
    (262, "newfstatat"),
    (267, "readlinkat"),
    (273, "set_robust_list"),
    (293, "pipe2"),
    (302, "prlimit64"),
    (309, "getcpu"),
    (318, "getrandom"),
    (324, "membarrier"),
    (332, "statx"),
    (334, "rseq"),
    (435, "clone3"),
];

pub fn name(nr: u64) -> String {
    match NAMES.iter().find(|(n, _)| *n == nr) {
        Some((_, name)) => name.to_string(),
        None => nr.to_string(),
    }
}

/// "execve write exit_group": the form used in both the table and `measure`.
pub fn list(calls: &[u64]) -> String {
    calls
        .iter()
        .map(|&nr| name(nr))
        .collect::<Vec<_>>()
        .join(" ")
}
