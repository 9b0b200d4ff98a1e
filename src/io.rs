//! Output without allocation: file-descriptor writers, `print!`-family
//! macros that format into a stack buffer and write it with write(2), and
//! the integer formatting the trace and fatal messages use.

use core::fmt;

use crate::syscall;

/// Writes all of `bytes` to `fd` (retrying short writes).
pub fn write_all(fd: i32, bytes: &[u8]) -> Result<(), syscall::Errno> {
    syscall::write_all(fd, bytes)
}

/// Formats `n` in decimal at the end of `buf`; returns the digits.
/// (Iterators rather than indexing: start-up code must have no panic path,
/// which would pull `core::fmt` into every program.)
pub fn decimal(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut used = 0;
    for d in buf.iter_mut().rev() {
        *d = b'0' + (n % 10) as u8;
        n /= 10;
        used += 1;
        if n == 0 {
            break;
        }
    }
    tail(buf, used)
}

/// The last `n` bytes of `buf` (all of it if shorter), without a panic path.
fn tail(buf: &[u8], n: usize) -> &[u8] {
    buf.get(buf.len().saturating_sub(n)..).unwrap_or(&[])
}

/// Formats `n` as `0x` and lowercase hex digits at the end of `buf`.
pub fn hex(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut used = 2;
    for d in buf.iter_mut().rev() {
        *d = b"0123456789abcdef"[(n & 15) as usize];
        n >>= 4;
        used += 1;
        if n == 0 {
            break;
        }
    }
    // At most 16 digits, so the prefix fits in the 4 bytes left.
    if let Some(prefix) = buf.get_mut(20 - used..22 - used) {
        prefix.copy_from_slice(b"0x");
    }
    tail(buf, used)
}

/// A `fmt::Write` sink that collects output in a fixed buffer and writes it
/// to `fd` when full and when dropped: one write(2) for most messages.
pub struct BufWriter<const N: usize> {
    fd: i32,
    len: usize,
    buf: [u8; N],
}

impl<const N: usize> BufWriter<N> {
    /// An empty buffer for file descriptor `fd`.
    pub const fn new(fd: i32) -> Self {
        BufWriter { fd, len: 0, buf: [0; N] }
    }

    /// Writes out what is buffered.
    pub fn flush(&mut self) {
        let _ = write_all(self.fd, &self.buf[..self.len]);
        self.len = 0;
    }
}

impl<const N: usize> fmt::Write for BufWriter<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let mut bytes = s.as_bytes();
        while !bytes.is_empty() {
            if self.len == N {
                self.flush();
            }
            let n = bytes.len().min(N - self.len);
            self.buf[self.len..self.len + n].copy_from_slice(&bytes[..n]);
            self.len += n;
            bytes = &bytes[n..];
        }
        Ok(())
    }
}

impl<const N: usize> Drop for BufWriter<N> {
    fn drop(&mut self) {
        self.flush();
    }
}

#[doc(hidden)]
pub fn _print(fd: i32, args: fmt::Arguments) {
    let mut w = BufWriter::<512>::new(fd);
    let _ = fmt::Write::write_fmt(&mut w, args);
}

/// Prints to standard output (fd 1), like std's `print!`, without allocating.
#[macro_export]
macro_rules! print {
    ($($arg:tt)*) => { $crate::io::_print(1, ::core::format_args!($($arg)*)) };
}

/// Prints a line to standard output.
#[macro_export]
macro_rules! println {
    () => { $crate::io::_print(1, ::core::format_args!("\n")) };
    ($($arg:tt)*) => { $crate::io::_print(1, ::core::format_args!("{}\n", ::core::format_args!($($arg)*))) };
}

/// Prints to standard error (fd 2).
#[macro_export]
macro_rules! eprint {
    ($($arg:tt)*) => { $crate::io::_print(2, ::core::format_args!($($arg)*)) };
}

/// Prints a line to standard error.
#[macro_export]
macro_rules! eprintln {
    () => { $crate::io::_print(2, ::core::format_args!("\n")) };
    ($($arg:tt)*) => { $crate::io::_print(2, ::core::format_args!("{}\n", ::core::format_args!($($arg)*))) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_numbers() {
        let mut b = [0; 20];
        assert_eq!(decimal(0, &mut b), b"0");
        assert_eq!(decimal(u64::MAX, &mut b), b"18446744073709551615");
        assert_eq!(hex(0, &mut b), b"0x0");
        assert_eq!(hex(0xdead_beef, &mut b), b"0xdeadbeef");
        assert_eq!(hex(u64::MAX, &mut b), b"0xffffffffffffffff");
    }
}
