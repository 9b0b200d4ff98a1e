//! Counting the process's mappings (lines of /proc/self/maps), for the
//! thread tests' leak checks.

use crt0::syscall::{raw, read};

mod nr {
    use linux_raw_sys::general as g;
    pub const OPENAT: usize = g::__NR_openat as usize;
    pub const CLOSE: usize = g::__NR_close as usize;
}
const AT_FDCWD: usize = -100isize as usize;

/// Lines of /proc/self/maps: one per mapping (the kernel merges neighbours
/// with the same permissions, so compare counts taken the same way).
pub fn count() -> usize {
    let path = c"/proc/self/maps";
    // SAFETY: openat reads the NUL-terminated path only.
    let fd = unsafe { raw(nr::OPENAT, [AT_FDCWD, path.as_ptr() as usize, 0, 0, 0, 0]) }.expect("open /proc/self/maps");
    let mut buf = [0u8; 4096];
    let mut lines = 0;
    loop {
        // SAFETY: the buffer is writable for its length.
        match unsafe { read(fd as i32, buf.as_mut_ptr(), buf.len()) } {
            Ok(0) | Err(_) => break,
            Ok(n) => lines += buf[..n].iter().filter(|&&b| b == b'\n').count(),
        }
    }
    // SAFETY: closes the descriptor opened above.
    let _ = unsafe { raw(nr::CLOSE, [fd, 0, 0, 0, 0, 0]) };
    lines
}
