//! The `v*printf` family over the `printf` engine, with its sinks: a
//! stream, a caller's buffer (`vsnprintf`), a file descriptor
//! (`vdprintf`), a string grown with realloc (`vasprintf`); and their
//! `_FORTIFY_SOURCE` forms (`__v*printf_chk`), which check the buffer size
//! the compiler knows.

use core::ffi::{c_char, c_int};

use super::file::File;
use super::write::StreamOut;
use super::{locked, std};
use crate::arch::va::{self, VaList, VaListArg};
use crate::c::errno;
use crate::c::fortify::chk_fail;
use crate::printf::{self, Error, Out};
use crate::syscall::{self, Errno};

/// Formats with the engine; the count, or -1 with errno set.
///
/// # Safety
/// `fmt` NUL-terminated; `ap` holds the arguments it names.
pub unsafe fn run(out: &mut dyn Out, fmt: *const c_char, ap: &mut VaList) -> c_int {
    let saved = errno::get();
    // SAFETY: per the caller.
    match unsafe { printf::format(out, fmt.cast(), ap, saved) } {
        Ok(n) => n as c_int,
        Err(e) => {
            errno::set_errno(match e {
                Error::Ilseq => Errno(84),    // EILSEQ
                Error::Overflow => Errno(75), // EOVERFLOW
                Error::Invalid => Errno::EINVAL,
            });
            -1
        }
    }
}

/// A caller's buffer: keeps what fits in `room` bytes, counts the rest.
pub struct BufOut {
    pub p: *mut u8,
    pub room: usize,
}

impl Out for BufOut {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        let k = bytes.len().min(self.room);
        // SAFETY: `room` bytes at `p` are the caller's to write.
        unsafe {
            crate::mem::copy_inline(self.p, bytes.as_ptr(), k);
            self.p = self.p.add(k);
        }
        self.room -= k;
    }
    fn fill(&mut self, byte: u8, n: usize) {
        let k = n.min(self.room);
        // SAFETY: as in `put`.
        unsafe {
            core::ptr::write_bytes(self.p, byte, k);
            self.p = self.p.add(k);
        }
        self.room -= k;
    }
}

/// A file descriptor, through a buffer written when full and at the end.
struct FdOut {
    fd: c_int,
    buf: [u8; 1024],
    len: usize,
    failed: bool,
}

impl FdOut {
    fn flush(&mut self) {
        let n = core::mem::take(&mut self.len);
        if let Err(e) = syscall::write_all(self.fd, &self.buf[..n]) {
            errno::set_errno(e);
            self.failed = true;
        }
    }
}

impl Out for FdOut {
    fn put(&mut self, bytes: &[u8]) {
        if self.len + bytes.len() > self.buf.len() {
            self.flush();
            if bytes.len() > self.buf.len() {
                self.failed |= syscall::write_all(self.fd, bytes).is_err();
                return;
            }
        }
        self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }
}

/// A string grown with realloc (so the program frees it with free).
struct AllocOut {
    p: *mut u8,
    len: usize,
    cap: usize,
    failed: bool,
}

impl Out for AllocOut {
    fn put(&mut self, bytes: &[u8]) {
        if self.failed {
            return;
        }
        if self.len + bytes.len() + 1 > self.cap {
            let want = (self.len + bytes.len() + 1).max(2 * self.cap).max(64);
            // SAFETY: p is null or this sink's block.
            match unsafe { super::super::malloc::resize(self.p, want) } {
                Some(q) => (self.p, self.cap) = (q, want),
                None => {
                    self.failed = true;
                    return;
                }
            }
        }
        // SAFETY: the block has room for the bytes and a NUL.
        unsafe { crate::mem::copy_inline(self.p.add(self.len), bytes.as_ptr(), bytes.len()) };
        self.len += bytes.len();
    }
}

/// `int vfprintf(FILE *f, const char *fmt, va_list ap)`.
///
/// # Safety
/// `f` a live stream; `fmt` and `ap` as printf requires.
#[no_mangle]
pub unsafe extern "C" fn vfprintf(f: *mut File, fmt: *const c_char, mut ap: VaListArg) -> c_int {
    // SAFETY: per the caller.
    unsafe { to_stream(f, fmt, va::from_arg(&mut ap)) }
}

/// Formats onto a stream, under its lock.
///
/// # Safety
/// As `vfprintf`.
pub unsafe fn to_stream(f: *mut File, fmt: *const c_char, ap: &mut VaList) -> c_int {
    // SAFETY: per the caller.
    unsafe {
        locked(f, |f| {
            let Some(mut out) = StreamOut::new(f) else { return -1 };
            let n = run(&mut out, fmt, ap);
            out.finish();
            if out.failed { -1 } else { n }
        })
    }
}

/// `int vprintf(const char *fmt, va_list ap)`.
///
/// # Safety
/// `fmt` and `ap` as printf requires.
#[no_mangle]
pub unsafe extern "C" fn vprintf(fmt: *const c_char, mut ap: VaListArg) -> c_int {
    // SAFETY: per the caller; stdout is live.
    unsafe { to_stream(std::out(), fmt, va::from_arg(&mut ap)) }
}

/// Formats into `n` bytes at `s` (NUL-terminated when `n > 0`).
///
/// # Safety
/// `s` writable for `n` bytes; `fmt`, `ap` as printf requires.
pub unsafe fn to_buffer(s: *mut c_char, n: usize, fmt: *const c_char, ap: &mut VaList) -> c_int {
    let mut out = BufOut { p: s.cast(), room: n.saturating_sub(1) };
    // SAFETY: per the caller.
    let r = unsafe { run(&mut out, fmt, ap) };
    if n > 0 {
        // SAFETY: at most n - 1 bytes were written.
        unsafe { *out.p = 0 };
    }
    r
}

/// `int vsnprintf(char *s, size_t n, const char *fmt, va_list ap)`.
///
/// # Safety
/// `s` writable for `n` bytes; `fmt`, `ap` as printf requires.
#[no_mangle]
pub unsafe extern "C" fn vsnprintf(s: *mut c_char, n: usize, fmt: *const c_char, mut ap: VaListArg) -> c_int {
    // SAFETY: per the caller.
    unsafe { to_buffer(s, n, fmt, va::from_arg(&mut ap)) }
}

/// `int vsprintf(char *s, const char *fmt, va_list ap)`.
///
/// # Safety
/// `s` large enough; `fmt`, `ap` as printf requires.
#[no_mangle]
pub unsafe extern "C" fn vsprintf(s: *mut c_char, fmt: *const c_char, mut ap: VaListArg) -> c_int {
    // SAFETY: per the caller.
    unsafe { to_buffer(s, usize::MAX, fmt, va::from_arg(&mut ap)) }
}

/// Formats onto a file descriptor.
///
/// # Safety
/// `fmt`, `ap` as printf requires.
pub unsafe fn to_fd(fd: c_int, fmt: *const c_char, ap: &mut VaList) -> c_int {
    let mut out = FdOut { fd, buf: [0; 1024], len: 0, failed: false };
    // SAFETY: per the caller.
    let n = unsafe { run(&mut out, fmt, ap) };
    out.flush();
    if out.failed { -1 } else { n }
}

/// `int vdprintf(int fd, const char *fmt, va_list ap)`.
///
/// # Safety
/// `fmt`, `ap` as printf requires.
#[no_mangle]
pub unsafe extern "C" fn vdprintf(fd: c_int, fmt: *const c_char, mut ap: VaListArg) -> c_int {
    // SAFETY: per the caller.
    unsafe { to_fd(fd, fmt, va::from_arg(&mut ap)) }
}

/// Formats into a new malloc'd string at `*strp`; -1 (and `*strp`
/// undefined, as glibc leaves it) on failure.
///
/// # Safety
/// `strp` writable; `fmt`, `ap` as printf requires.
pub unsafe fn to_alloc(strp: *mut *mut c_char, fmt: *const c_char, ap: &mut VaList) -> c_int {
    let mut out = AllocOut { p: core::ptr::null_mut(), len: 0, cap: 0, failed: false };
    // SAFETY: per the caller.
    let n = unsafe { run(&mut out, fmt, ap) };
    if n < 0 || out.failed || (out.p.is_null() && { out.put(b""); out.failed }) {
        // SAFETY: null or this sink's block.
        unsafe { super::release(out.p) };
        if out.failed {
            errno::set_errno(Errno::ENOMEM);
        }
        return -1;
    }
    // SAFETY: the block holds len bytes and room for the NUL.
    unsafe {
        *out.p.add(out.len) = 0;
        *strp = out.p.cast();
    }
    n
}

/// `int vasprintf(char **strp, const char *fmt, va_list ap)`.
///
/// # Safety
/// `strp` writable; `fmt`, `ap` as printf requires.
#[no_mangle]
pub unsafe extern "C" fn vasprintf(strp: *mut *mut c_char, fmt: *const c_char, mut ap: VaListArg) -> c_int {
    // SAFETY: per the caller.
    unsafe { to_alloc(strp, fmt, va::from_arg(&mut ap)) }
}

/// `__vfprintf_chk(FILE *f, int flag, const char *fmt, va_list ap)`.
///
/// # Safety
/// As `vfprintf`.
#[no_mangle]
pub unsafe extern "C" fn __vfprintf_chk(f: *mut File, _flag: c_int, fmt: *const c_char, ap: VaListArg) -> c_int {
    // SAFETY: per the caller.
    unsafe { vfprintf(f, fmt, ap) }
}

/// `__vprintf_chk(int flag, const char *fmt, va_list ap)`.
///
/// # Safety
/// As `vprintf`.
#[no_mangle]
pub unsafe extern "C" fn __vprintf_chk(_flag: c_int, fmt: *const c_char, ap: VaListArg) -> c_int {
    // SAFETY: per the caller.
    unsafe { vprintf(fmt, ap) }
}

/// `__vdprintf_chk(int fd, int flag, const char *fmt, va_list ap)`.
///
/// # Safety
/// As `vdprintf`.
#[no_mangle]
pub unsafe extern "C" fn __vdprintf_chk(fd: c_int, _flag: c_int, fmt: *const c_char, ap: VaListArg) -> c_int {
    // SAFETY: per the caller.
    unsafe { vdprintf(fd, fmt, ap) }
}

/// `__vasprintf_chk(char **strp, int flag, const char *fmt, va_list ap)`.
///
/// # Safety
/// As `vasprintf`.
#[no_mangle]
pub unsafe extern "C" fn __vasprintf_chk(strp: *mut *mut c_char, _flag: c_int, fmt: *const c_char, ap: VaListArg) -> c_int {
    // SAFETY: per the caller.
    unsafe { vasprintf(strp, fmt, ap) }
}

/// `__vsnprintf_chk(char *s, size_t n, int flag, size_t slen, ...)`: the
/// buffer must be at least `n` bytes (`slen`, what the compiler knows).
///
/// # Safety
/// As `vsnprintf`.
#[no_mangle]
pub unsafe extern "C" fn __vsnprintf_chk(s: *mut c_char, n: usize, _flag: c_int, slen: usize, fmt: *const c_char, ap: VaListArg) -> c_int {
    if slen < n {
        chk_fail();
    }
    // SAFETY: per the caller.
    unsafe { vsnprintf(s, n, fmt, ap) }
}

/// Formats into a buffer of `slen` bytes that must not overflow.
///
/// # Safety
/// As `vsprintf`, within `slen` bytes.
pub unsafe fn to_checked_buffer(s: *mut c_char, slen: usize, fmt: *const c_char, ap: &mut VaList) -> c_int {
    if slen == 0 {
        chk_fail();
    }
    // SAFETY: per the caller.
    let n = unsafe { to_buffer(s, slen, fmt, ap) };
    if n >= 0 && n as usize >= slen {
        chk_fail();
    }
    n
}

/// `__vsprintf_chk(char *s, int flag, size_t slen, const char *fmt, va_list ap)`.
///
/// # Safety
/// As `vsprintf`.
#[no_mangle]
pub unsafe extern "C" fn __vsprintf_chk(s: *mut c_char, _flag: c_int, slen: usize, fmt: *const c_char, mut ap: VaListArg) -> c_int {
    // SAFETY: per the caller.
    unsafe { to_checked_buffer(s, slen, fmt, va::from_arg(&mut ap)) }
}
