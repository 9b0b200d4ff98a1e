//! The text of error numbers and signals, exactly as glibc prints it
//! (`strerror`, `strerrorname_np`, `strsignal`, `sigabbrev_np`, printf's
//! `%m`, `perror`): programs compare and log these strings, so they must
//! match. Each table is one string of NUL-terminated entries with offsets,
//! which needs no relocation (no pointers) in a static-PIE program, and
//! whose entries the C functions return as they are. Linux numbers errors 1..=133 the
//! same on x86_64 and aarch64 (asm-generic/errno*.h).

/// The `i`th entry of a table, without its NUL (which follows it, so
/// `as_ptr()` is a C string).
fn entry(text: &'static str, at: &[u16], i: usize) -> Option<&'static str> {
    let (start, end) = (*at.get(i)? as usize, *at.get(i + 1)? as usize);
    text.get(start..end.checked_sub(1)?).filter(|s| !s.is_empty())
}

/// `strerror(e)`'s text for a known error number.
pub fn message(e: i32) -> Option<&'static str> {
    entry(MESSAGES, &MESSAGES_AT, usize::try_from(e).ok()?)
}

/// `strerrorname_np(e)`: `EPERM` for 1, and so on (`"0"` for 0, as glibc).
pub fn name(e: i32) -> Option<&'static str> {
    entry(NAMES, &NAMES_AT, usize::try_from(e).ok()?)
}

/// `sigabbrev_np(s)`: `HUP` for 1, and so on.
pub fn signal_name(s: i32) -> Option<&'static str> {
    entry(SIGNAL_NAMES, &SIGNAL_NAMES_AT, usize::try_from(s).ok()?)
}

/// `strsignal(s)`'s text for a standard signal.
pub fn signal(s: i32) -> Option<&'static str> {
    entry(SIGNALS, &SIGNALS_AT, usize::try_from(s).ok()?)
}

/// Writes `prefix` and the decimal `n` into `buf`; returns the text.
pub fn with_number<'a>(prefix: &str, n: i32, buf: &'a mut [u8; 40]) -> &'a [u8] {
    let p = prefix.len().min(20);
    buf[..p].copy_from_slice(&prefix.as_bytes()[..p]);
    let mut len = p;
    if n < 0 {
        buf[len] = b'-';
        len += 1;
    }
    let mut digits = [0u8; 20];
    let d = crate::io::decimal(u64::from(n.unsigned_abs()), &mut digits);
    buf[len..len + d.len()].copy_from_slice(d);
    &buf[..len + d.len()]
}

/// `strerror(e)`'s text, `Unknown error N` (in `buf`) for unknown numbers.
pub fn message_or_unknown(e: i32, buf: &mut [u8; 40]) -> &[u8] {
    match message(e) {
        Some(m) => m.as_bytes(),
        None => with_number("Unknown error ", e, buf),
    }
}

/// glibc's first real-time signal as programs see it (`SIGRTMIN`): 32 and
/// 33 are reserved for the thread library.
const SIGRTMIN: i32 = 34;
/// `SIGRTMAX` (the kernel's `_NSIG - 1`).
const SIGRTMAX: i32 = 64;

/// `strsignal(s)`'s text, in `buf` for the numbered ones.
pub fn signal_or_unknown(s: i32, buf: &mut [u8; 40]) -> &[u8] {
    if let Some(t) = signal(s) {
        return t.as_bytes();
    }
    if (SIGRTMIN..=SIGRTMAX).contains(&s) {
        return with_number("Real-time signal ", s - SIGRTMIN, buf);
    }
    with_number("Unknown signal ", s, buf)
}

/// strerror's text for errno 0..=133 (glibc's; empty: no such errno).
const MESSAGES: &str = concat!(
    "Success\0",
    "Operation not permitted\0",
    "No such file or directory\0",
    "No such process\0",
    "Interrupted system call\0",
    "Input/output error\0",
    "No such device or address\0",
    "Argument list too long\0",
    "Exec format error\0",
    "Bad file descriptor\0",
    "No child processes\0",
    "Resource temporarily unavailable\0",
    "Cannot allocate memory\0",
    "Permission denied\0",
    "Bad address\0",
    "Block device required\0",
    "Device or resource busy\0",
    "File exists\0",
    "Invalid cross-device link\0",
    "No such device\0",
    "Not a directory\0",
    "Is a directory\0",
    "Invalid argument\0",
    "Too many open files in system\0",
    "Too many open files\0",
    "Inappropriate ioctl for device\0",
    "Text file busy\0",
    "File too large\0",
    "No space left on device\0",
    "Illegal seek\0",
    "Read-only file system\0",
    "Too many links\0",
    "Broken pipe\0",
    "Numerical argument out of domain\0",
    "Numerical result out of range\0",
    "Resource deadlock avoided\0",
    "File name too long\0",
    "No locks available\0",
    "Function not implemented\0",
    "Directory not empty\0",
    "Too many levels of symbolic links\0",
    "\0",
    "No message of desired type\0",
    "Identifier removed\0",
    "Channel number out of range\0",
    "Level 2 not synchronized\0",
    "Level 3 halted\0",
    "Level 3 reset\0",
    "Link number out of range\0",
    "Protocol driver not attached\0",
    "No CSI structure available\0",
    "Level 2 halted\0",
    "Invalid exchange\0",
    "Invalid request descriptor\0",
    "Exchange full\0",
    "No anode\0",
    "Invalid request code\0",
    "Invalid slot\0",
    "\0",
    "Bad font file format\0",
    "Device not a stream\0",
    "No data available\0",
    "Timer expired\0",
    "Out of streams resources\0",
    "Machine is not on the network\0",
    "Package not installed\0",
    "Object is remote\0",
    "Link has been severed\0",
    "Advertise error\0",
    "Srmount error\0",
    "Communication error on send\0",
    "Protocol error\0",
    "Multihop attempted\0",
    "RFS specific error\0",
    "Bad message\0",
    "Value too large for defined data type\0",
    "Name not unique on network\0",
    "File descriptor in bad state\0",
    "Remote address changed\0",
    "Can not access a needed shared library\0",
    "Accessing a corrupted shared library\0",
    ".lib section in a.out corrupted\0",
    "Attempting to link in too many shared libraries\0",
    "Cannot exec a shared library directly\0",
    "Invalid or incomplete multibyte or wide character\0",
    "Interrupted system call should be restarted\0",
    "Streams pipe error\0",
    "Too many users\0",
    "Socket operation on non-socket\0",
    "Destination address required\0",
    "Message too long\0",
    "Protocol wrong type for socket\0",
    "Protocol not available\0",
    "Protocol not supported\0",
    "Socket type not supported\0",
    "Operation not supported\0",
    "Protocol family not supported\0",
    "Address family not supported by protocol\0",
    "Address already in use\0",
    "Cannot assign requested address\0",
    "Network is down\0",
    "Network is unreachable\0",
    "Network dropped connection on reset\0",
    "Software caused connection abort\0",
    "Connection reset by peer\0",
    "No buffer space available\0",
    "Transport endpoint is already connected\0",
    "Transport endpoint is not connected\0",
    "Cannot send after transport endpoint shutdown\0",
    "Too many references: cannot splice\0",
    "Connection timed out\0",
    "Connection refused\0",
    "Host is down\0",
    "No route to host\0",
    "Operation already in progress\0",
    "Operation now in progress\0",
    "Stale file handle\0",
    "Structure needs cleaning\0",
    "Not a XENIX named type file\0",
    "No XENIX semaphores available\0",
    "Is a named type file\0",
    "Remote I/O error\0",
    "Disk quota exceeded\0",
    "No medium found\0",
    "Wrong medium type\0",
    "Operation canceled\0",
    "Required key not available\0",
    "Key has expired\0",
    "Key has been revoked\0",
    "Key was rejected by service\0",
    "Owner died\0",
    "State not recoverable\0",
    "Operation not possible due to RF-kill\0",
    "Memory page has hardware error\0",
);
const MESSAGES_AT: [u16; 135] = [
    0, 8, 32, 58, 74, 98, 117, 143, 166, 184, 204, 223,
    256, 279, 297, 309, 331, 355, 367, 393, 408, 424, 439, 456,
    486, 506, 537, 552, 567, 591, 604, 626, 641, 653, 686, 716,
    742, 761, 780, 805, 825, 859, 860, 887, 906, 934, 959, 974,
    988, 1013, 1042, 1069, 1084, 1101, 1128, 1142, 1151, 1172, 1185, 1186,
    1207, 1227, 1245, 1259, 1284, 1314, 1336, 1353, 1375, 1391, 1405, 1433,
    1448, 1467, 1486, 1498, 1536, 1563, 1592, 1615, 1654, 1691, 1723, 1771,
    1809, 1859, 1903, 1922, 1937, 1968, 1997, 2014, 2045, 2068, 2091, 2117,
    2141, 2171, 2212, 2235, 2267, 2283, 2306, 2342, 2375, 2400, 2426, 2466,
    2502, 2548, 2583, 2604, 2623, 2636, 2653, 2683, 2709, 2727, 2752, 2780,
    2810, 2831, 2848, 2868, 2884, 2902, 2921, 2948, 2964, 2985, 3013, 3024,
    3046, 3084, 3115,
];
/// strerrorname_np's names for errno 0..=133 (glibc's; empty: none).
const NAMES: &str = concat!(
    "0\0",
    "EPERM\0",
    "ENOENT\0",
    "ESRCH\0",
    "EINTR\0",
    "EIO\0",
    "ENXIO\0",
    "E2BIG\0",
    "ENOEXEC\0",
    "EBADF\0",
    "ECHILD\0",
    "EAGAIN\0",
    "ENOMEM\0",
    "EACCES\0",
    "EFAULT\0",
    "ENOTBLK\0",
    "EBUSY\0",
    "EEXIST\0",
    "EXDEV\0",
    "ENODEV\0",
    "ENOTDIR\0",
    "EISDIR\0",
    "EINVAL\0",
    "ENFILE\0",
    "EMFILE\0",
    "ENOTTY\0",
    "ETXTBSY\0",
    "EFBIG\0",
    "ENOSPC\0",
    "ESPIPE\0",
    "EROFS\0",
    "EMLINK\0",
    "EPIPE\0",
    "EDOM\0",
    "ERANGE\0",
    "EDEADLK\0",
    "ENAMETOOLONG\0",
    "ENOLCK\0",
    "ENOSYS\0",
    "ENOTEMPTY\0",
    "ELOOP\0",
    "\0",
    "ENOMSG\0",
    "EIDRM\0",
    "ECHRNG\0",
    "EL2NSYNC\0",
    "EL3HLT\0",
    "EL3RST\0",
    "ELNRNG\0",
    "EUNATCH\0",
    "ENOCSI\0",
    "EL2HLT\0",
    "EBADE\0",
    "EBADR\0",
    "EXFULL\0",
    "ENOANO\0",
    "EBADRQC\0",
    "EBADSLT\0",
    "\0",
    "EBFONT\0",
    "ENOSTR\0",
    "ENODATA\0",
    "ETIME\0",
    "ENOSR\0",
    "ENONET\0",
    "ENOPKG\0",
    "EREMOTE\0",
    "ENOLINK\0",
    "EADV\0",
    "ESRMNT\0",
    "ECOMM\0",
    "EPROTO\0",
    "EMULTIHOP\0",
    "EDOTDOT\0",
    "EBADMSG\0",
    "EOVERFLOW\0",
    "ENOTUNIQ\0",
    "EBADFD\0",
    "EREMCHG\0",
    "ELIBACC\0",
    "ELIBBAD\0",
    "ELIBSCN\0",
    "ELIBMAX\0",
    "ELIBEXEC\0",
    "EILSEQ\0",
    "ERESTART\0",
    "ESTRPIPE\0",
    "EUSERS\0",
    "ENOTSOCK\0",
    "EDESTADDRREQ\0",
    "EMSGSIZE\0",
    "EPROTOTYPE\0",
    "ENOPROTOOPT\0",
    "EPROTONOSUPPORT\0",
    "ESOCKTNOSUPPORT\0",
    "EOPNOTSUPP\0",
    "EPFNOSUPPORT\0",
    "EAFNOSUPPORT\0",
    "EADDRINUSE\0",
    "EADDRNOTAVAIL\0",
    "ENETDOWN\0",
    "ENETUNREACH\0",
    "ENETRESET\0",
    "ECONNABORTED\0",
    "ECONNRESET\0",
    "ENOBUFS\0",
    "EISCONN\0",
    "ENOTCONN\0",
    "ESHUTDOWN\0",
    "ETOOMANYREFS\0",
    "ETIMEDOUT\0",
    "ECONNREFUSED\0",
    "EHOSTDOWN\0",
    "EHOSTUNREACH\0",
    "EALREADY\0",
    "EINPROGRESS\0",
    "ESTALE\0",
    "EUCLEAN\0",
    "ENOTNAM\0",
    "ENAVAIL\0",
    "EISNAM\0",
    "EREMOTEIO\0",
    "EDQUOT\0",
    "ENOMEDIUM\0",
    "EMEDIUMTYPE\0",
    "ECANCELED\0",
    "ENOKEY\0",
    "EKEYEXPIRED\0",
    "EKEYREVOKED\0",
    "EKEYREJECTED\0",
    "EOWNERDEAD\0",
    "ENOTRECOVERABLE\0",
    "ERFKILL\0",
    "EHWPOISON\0",
);
const NAMES_AT: [u16; 135] = [
    0, 2, 8, 15, 21, 27, 31, 37, 43, 51, 57, 64,
    71, 78, 85, 92, 100, 106, 113, 119, 126, 134, 141, 148,
    155, 162, 169, 177, 183, 190, 197, 203, 210, 216, 221, 228,
    236, 249, 256, 263, 273, 279, 280, 287, 293, 300, 309, 316,
    323, 330, 338, 345, 352, 358, 364, 371, 378, 386, 394, 395,
    402, 409, 417, 423, 429, 436, 443, 451, 459, 464, 471, 477,
    484, 494, 502, 510, 520, 529, 536, 544, 552, 560, 568, 576,
    585, 592, 601, 610, 617, 626, 639, 648, 659, 671, 687, 703,
    714, 727, 740, 751, 765, 774, 786, 796, 809, 820, 828, 836,
    845, 855, 868, 878, 891, 901, 914, 923, 935, 942, 950, 958,
    966, 973, 983, 990, 1000, 1012, 1022, 1029, 1041, 1053, 1066, 1077,
    1093, 1101, 1111,
];
/// strsignal's text for signals 0..=31 (glibc's; empty: none).
const SIGNALS: &str = concat!(
    "\0",
    "Hangup\0",
    "Interrupt\0",
    "Quit\0",
    "Illegal instruction\0",
    "Trace/breakpoint trap\0",
    "Aborted\0",
    "Bus error\0",
    "Floating point exception\0",
    "Killed\0",
    "User defined signal 1\0",
    "Segmentation fault\0",
    "User defined signal 2\0",
    "Broken pipe\0",
    "Alarm clock\0",
    "Terminated\0",
    "Stack fault\0",
    "Child exited\0",
    "Continued\0",
    "Stopped (signal)\0",
    "Stopped\0",
    "Stopped (tty input)\0",
    "Stopped (tty output)\0",
    "Urgent I/O condition\0",
    "CPU time limit exceeded\0",
    "File size limit exceeded\0",
    "Virtual timer expired\0",
    "Profiling timer expired\0",
    "Window changed\0",
    "I/O possible\0",
    "Power failure\0",
    "Bad system call\0",
);
const SIGNALS_AT: [u16; 33] = [
    0, 1, 8, 18, 23, 43, 65, 73, 83, 108, 115, 137,
    156, 178, 190, 202, 213, 225, 238, 248, 265, 273, 293, 314,
    335, 359, 384, 406, 430, 445, 458, 472, 488,
];
/// sigabbrev_np's names for signals 0..=31 (empty: none).
const SIGNAL_NAMES: &str = concat!(
    "\0",
    "HUP\0",
    "INT\0",
    "QUIT\0",
    "ILL\0",
    "TRAP\0",
    "ABRT\0",
    "BUS\0",
    "FPE\0",
    "KILL\0",
    "USR1\0",
    "SEGV\0",
    "USR2\0",
    "PIPE\0",
    "ALRM\0",
    "TERM\0",
    "STKFLT\0",
    "CHLD\0",
    "CONT\0",
    "STOP\0",
    "TSTP\0",
    "TTIN\0",
    "TTOU\0",
    "URG\0",
    "XCPU\0",
    "XFSZ\0",
    "VTALRM\0",
    "PROF\0",
    "WINCH\0",
    "POLL\0",
    "PWR\0",
    "SYS\0",
);
const SIGNAL_NAMES_AT: [u16; 33] = [
    0, 1, 5, 9, 14, 18, 23, 28, 32, 36, 41, 46,
    51, 56, 61, 66, 71, 78, 83, 88, 93, 98, 103, 108,
    112, 117, 122, 129, 134, 140, 145, 149, 153,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables() {
        assert_eq!(message(0), Some("Success"));
        assert_eq!(message(133), Some("Memory page has hardware error"));
        assert_eq!(message(41), None);
        assert_eq!(message(134), None);
        assert_eq!(name(2), Some("ENOENT"));
        assert_eq!(signal_name(11), Some("SEGV"));
        let mut b = [0; 40];
        assert_eq!(message_or_unknown(-5, &mut b), b"Unknown error -5");
        assert_eq!(signal_or_unknown(40, &mut b), b"Real-time signal 6");
        assert_eq!(signal_or_unknown(2, &mut b), b"Interrupt");
        assert_eq!(signal_or_unknown(32, &mut b), b"Unknown signal 32");
    }
}
