//! Output: `fputc putc putchar fputs puts fwrite fflush perror` (and their
//! `_unlocked` forms), `__overflow`, and [`StreamOut`], which the printf
//! family formats into.

use core::ffi::{c_char, c_int, c_void};
use core::mem::MaybeUninit;

use super::file::{self, File, LINE, UNBUF};
use super::{locked, std, EOF};
use crate::printf::Out;
use crate::{cstr, error_text, syscall};

/// Appends `bytes` to a stream as glibc's `_IO_file_xsputn` does, so the
/// writes the kernel sees are the same: the buffer is filled to the brim
/// and written whole; what is left goes straight to the descriptor in whole
/// buffer-sized blocks, and the rest into the buffer. A line-buffered
/// stream takes bytes through its last newline, writes the buffer out,
/// then keeps the rest. An unbuffered one writes at once. False on a write
/// error (the error flag is set).
///
/// # Safety
/// `f` is a live stream the caller has locked.
pub unsafe fn put_bytes(f: *mut File, bytes: &[u8]) -> bool {
    // SAFETY: per the caller.
    unsafe {
        if !file::to_writing(f) {
            return false;
        }
        let s = &mut *f;
        if s.has(UNBUF) {
            return (s.pending() == 0 || file::flush(f) == 0) && write_through(s, bytes);
        }
        let room = s.buf_end as usize - s.write_ptr as usize;
        let mut count = room;
        let mut must_flush = false;
        if s.has(LINE) && room >= bytes.len() {
            if let Some(i) = bytes.iter().rposition(|&b| b == b'\n') {
                count = i + 1;
                must_flush = true;
            }
        }
        let k = count.min(bytes.len());
        crate::mem::copy_inline(s.write_ptr, bytes.as_ptr(), k);
        s.write_ptr = s.write_ptr.add(k);
        let mut rest = &bytes[k..];
        if rest.is_empty() && !must_flush {
            return true;
        }
        if file::flush(f) != 0 {
            return false;
        }
        let block = s.buf_end as usize - s.buf_base as usize;
        let direct = rest.len() - if block >= 128 { rest.len() % block } else { 0 };
        if direct > 0 {
            if !write_through(s, &rest[..direct]) {
                return false;
            }
            rest = &rest[direct..];
        }
        crate::mem::copy_inline(s.write_ptr, rest.as_ptr(), rest.len());
        s.write_ptr = s.write_ptr.add(rest.len());
        true
    }
}

/// Writes `bytes` to the stream's descriptor now (its buffer is empty).
fn write_through(s: &mut File, bytes: &[u8]) -> bool {
    match syscall::write_all(s.fd, bytes) {
        Ok(()) => true,
        Err(e) => {
            s.flags |= file::ERR_SEEN;
            super::set_errno(e);
            false
        }
    }
}

/// What the printf family formats into when writing to a stream: each
/// piece goes in as `put_bytes` puts it (glibc's vfprintf hands its
/// pieces to the stream the same way), with a fast path for a piece that
/// fits a fully buffered stream; an unbuffered stream gets a buffer of its
/// own for the call, written at the end (glibc also prints an
/// `fprintf(stderr, ...)` with one write).
pub struct StreamOut {
    f: *mut File,
    pub failed: bool,
    /// Whether the stream is unbuffered (then `local` collects the output).
    unbuffered: bool,
    /// Whether the stream is line buffered (no fast path).
    line: bool,
    /// An unbuffered stream's output so far: `len` bytes written, the rest
    /// never read (left uninitialised: zeroing 8 KiB per call would cost
    /// more than the formatting).
    local: MaybeUninit<[u8; 8192]>,
    len: usize,
}

impl StreamOut {
    /// A sink for the locked stream `f`; None when it may not write.
    ///
    /// # Safety
    /// `f` is a live stream the caller has locked for the sink's life.
    pub unsafe fn new(f: *mut File) -> Option<StreamOut> {
        // SAFETY: per the caller.
        if !unsafe { file::to_writing(f) } {
            return None;
        }
        // SAFETY: per the caller.
        let s = unsafe { &*f };
        Some(StreamOut { f, failed: false, unbuffered: s.has(UNBUF), line: s.has(LINE), local: MaybeUninit::uninit(), len: 0 })
    }

    const CAP: usize = 8192;

    /// The bytes collected for an unbuffered stream.
    fn collected(&self) -> &[u8] {
        // SAFETY: the first `len` bytes were written by `put`.
        unsafe { core::slice::from_raw_parts(self.local.as_ptr().cast::<u8>(), self.len) }
    }

    /// Writes out an unbuffered stream's output.
    pub fn finish(&mut self) {
        if self.unbuffered && self.len > 0 {
            // SAFETY: the stream is live and locked (see `new`).
            self.failed |= !write_through(unsafe { &mut *self.f }, self.collected());
            self.len = 0;
        }
    }
}

impl Out for StreamOut {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        if self.unbuffered {
            if self.len + bytes.len() > Self::CAP {
                self.finish();
                if bytes.len() > Self::CAP {
                    // SAFETY: live and locked.
                    self.failed |= !write_through(unsafe { &mut *self.f }, bytes);
                    return;
                }
            }
            // SAFETY: len + bytes.len() <= CAP: inside the buffer.
            unsafe { crate::mem::copy_inline(self.local.as_mut_ptr().cast::<u8>().add(self.len), bytes.as_ptr(), bytes.len()) };
            self.len += bytes.len();
            return;
        }
        // SAFETY: live and locked.
        let s = unsafe { &mut *self.f };
        if !self.line && bytes.len() <= s.buf_end as usize - s.write_ptr as usize {
            // SAFETY: the bytes fit in the buffer.
            unsafe {
                crate::mem::copy_inline(s.write_ptr, bytes.as_ptr(), bytes.len());
                s.write_ptr = s.write_ptr.add(bytes.len());
            }
            return;
        }
        // SAFETY: live and locked.
        self.failed |= !unsafe { put_bytes(self.f, bytes) };
    }

    fn fill(&mut self, byte: u8, mut n: usize) {
        // SAFETY: live and locked.
        let s = unsafe { &mut *self.f };
        if !self.unbuffered && !self.line && n <= s.buf_end as usize - s.write_ptr as usize {
            // SAFETY: the bytes fit in the buffer.
            unsafe {
                core::ptr::write_bytes(s.write_ptr, byte, n);
                s.write_ptr = s.write_ptr.add(n);
            }
            return;
        }
        let chunk = [byte; 64];
        while n > 0 {
            let k = n.min(chunk.len());
            self.put(&chunk[..k]);
            n -= k;
        }
    }
}

/// Writes `parts` to `f` as one piece of output (one write(2) when unbuffered).
///
/// # Safety
/// `f` is a live stream.
pub unsafe fn put_parts(f: *mut File, parts: &[&[u8]]) -> bool {
    // SAFETY: per the caller.
    unsafe {
        locked(f, |f| match StreamOut::new(f) {
            Some(mut out) => {
                for p in parts {
                    out.put(p);
                }
                out.finish();
                !out.failed
            }
            None => false,
        })
    }
}

/// One byte, through the buffer's fast path when there is room.
///
/// # Safety
/// `f` is a live stream the caller has locked.
#[inline]
unsafe fn put_byte(f: *mut File, c: c_int) -> c_int {
    // SAFETY: per the caller.
    unsafe {
        let s = &mut *f;
        if s.write_ptr < s.write_end {
            *s.write_ptr = c as u8;
            s.write_ptr = s.write_ptr.add(1);
            return c & 0xff;
        }
        __overflow(f, c & 0xff)
    }
}

/// `int __overflow(FILE *f, int c)`: what glibc's inline putc calls when
/// the write pointer reaches the write end. EOF as `c` flushes.
///
/// # Safety
/// `f` is a live stream (its lock held, or not needed).
#[no_mangle]
pub unsafe extern "C" fn __overflow(f: *mut File, c: c_int) -> c_int {
    // SAFETY: per the caller.
    unsafe {
        if c == EOF {
            return if file::to_writing(f) { file::flush(f) } else { EOF };
        }
        if !put_bytes(f, &[c as u8]) {
            return EOF;
        }
        // A newline that went into a full buffer still ends the line.
        if c as u8 == b'\n' && (*f).has(LINE) && (*f).pending() > 0 && file::flush(f) != 0 {
            return EOF;
        }
        c & 0xff
    }
}

/// `int fputc(int c, FILE *f)`.
///
/// # Safety
/// `f` is a live stream.
#[no_mangle]
pub unsafe extern "C" fn fputc(c: c_int, f: *mut File) -> c_int {
    // SAFETY: per the caller.
    unsafe { locked(f, |f| put_byte(f, c)) }
}

/// `int putc(int c, FILE *f)`.
///
/// # Safety
/// `f` is a live stream.
#[no_mangle]
pub unsafe extern "C" fn putc(c: c_int, f: *mut File) -> c_int {
    // SAFETY: per the caller.
    unsafe { fputc(c, f) }
}

/// `int putchar(int c)`.
#[no_mangle]
pub extern "C" fn putchar(c: c_int) -> c_int {
    // SAFETY: stdout is a live stream.
    unsafe { fputc(c, std::out()) }
}

/// `int fputc_unlocked(int c, FILE *f)`.
///
/// # Safety
/// `f` is a live stream the caller has locked (or no other thread uses).
#[no_mangle]
pub unsafe extern "C" fn fputc_unlocked(c: c_int, f: *mut File) -> c_int {
    // SAFETY: per the caller.
    unsafe { put_byte(f, c) }
}

/// `int putc_unlocked(int c, FILE *f)`.
///
/// # Safety
/// As `fputc_unlocked`.
#[no_mangle]
pub unsafe extern "C" fn putc_unlocked(c: c_int, f: *mut File) -> c_int {
    // SAFETY: per the caller.
    unsafe { put_byte(f, c) }
}

/// `int putchar_unlocked(int c)`.
#[no_mangle]
pub extern "C" fn putchar_unlocked(c: c_int) -> c_int {
    // SAFETY: stdout is a live stream; the caller vouches for the locking.
    unsafe { put_byte(std::out(), c) }
}

/// `int fputs(const char *s, FILE *f)`: 1, or EOF (glibc returns 1).
///
/// # Safety
/// `s` NUL-terminated; `f` a live stream.
#[no_mangle]
pub unsafe extern "C" fn fputs(s: *const c_char, f: *mut File) -> c_int {
    // SAFETY: per the caller.
    unsafe {
        let bytes = core::slice::from_raw_parts(s.cast::<u8>(), cstr::len(s.cast()));
        if locked(f, |f| put_bytes(f, bytes)) { 1 } else { EOF }
    }
}

/// `int fputs_unlocked(const char *s, FILE *f)`.
///
/// # Safety
/// As `fputs`, the stream locked by the caller.
#[no_mangle]
pub unsafe extern "C" fn fputs_unlocked(s: *const c_char, f: *mut File) -> c_int {
    // SAFETY: per the caller.
    unsafe {
        let bytes = core::slice::from_raw_parts(s.cast::<u8>(), cstr::len(s.cast()));
        if put_bytes(f, bytes) { 1 } else { EOF }
    }
}

/// `int puts(const char *s)`: the string and a newline on stdout; its
/// length plus one, or EOF.
///
/// # Safety
/// `s` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn puts(s: *const c_char) -> c_int {
    // SAFETY: per the caller; stdout is live.
    unsafe {
        let n = cstr::len(s.cast());
        let bytes = core::slice::from_raw_parts(s.cast::<u8>(), n);
        let ok = locked(std::out(), |f| put_bytes(f, bytes) && put_byte(f, b'\n'.into()) != EOF);
        if ok { n.saturating_add(1).min(i32::MAX as usize) as c_int } else { EOF }
    }
}

/// `size_t fwrite(const void *p, size_t size, size_t n, FILE *f)`.
///
/// # Safety
/// `p` readable for `size * n` bytes; `f` a live stream.
#[no_mangle]
pub unsafe extern "C" fn fwrite(p: *const c_void, size: usize, n: usize, f: *mut File) -> usize {
    // SAFETY: per the caller.
    unsafe { locked(f, |f| fwrite_unlocked(p, size, n, f)) }
}

/// `size_t fwrite_unlocked(const void *p, size_t size, size_t n, FILE *f)`.
///
/// # Safety
/// As `fwrite`, the stream locked by the caller.
#[no_mangle]
pub unsafe extern "C" fn fwrite_unlocked(p: *const c_void, size: usize, n: usize, f: *mut File) -> usize {
    let Some(total) = size.checked_mul(n).filter(|&t| t > 0) else {
        return 0;
    };
    // SAFETY: per the caller.
    if unsafe { put_bytes(f, core::slice::from_raw_parts(p.cast(), total)) } { n } else { 0 }
}

/// `int fflush(FILE *f)`: pending output written; for a stream being
/// read, the descriptor moved back over the unread input (when it can
/// seek). NULL: every stream.
///
/// # Safety
/// `f` is NULL or a live stream.
#[no_mangle]
pub unsafe extern "C" fn fflush(f: *mut File) -> c_int {
    if f.is_null() {
        let mut r = 0;
        file::each(|f| {
            // SAFETY: streams on the list are live.
            if unsafe { fflush(f) } != 0 {
                r = EOF;
            }
        });
        return r;
    }
    // SAFETY: per the caller.
    unsafe { locked(f, |f| fflush_unlocked(f)) }
}

/// `int fflush_unlocked(FILE *f)`.
///
/// # Safety
/// As `fflush`, the stream locked by the caller.
#[no_mangle]
pub unsafe extern "C" fn fflush_unlocked(f: *mut File) -> c_int {
    // SAFETY: per the caller.
    unsafe {
        let s = &mut *f;
        if s.pending() > 0 {
            return file::flush(f);
        }
        if s.unread() > 0 {
            return super::open::sync_read(f);
        }
        0
    }
}

/// `void perror(const char *s)`: `s: ` (when `s` is not empty) and errno's
/// text on stderr, in one write.
///
/// # Safety
/// `s` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn perror(s: *const c_char) {
    let e = super::super::errno::get();
    let mut buf = [0; 40];
    let msg = error_text::message_or_unknown(e, &mut buf);
    // SAFETY: per the caller.
    let prefix = if s.is_null() { &[][..] } else { unsafe { core::slice::from_raw_parts(s.cast::<u8>(), cstr::len(s.cast())) } };
    let colon: &[u8] = if prefix.is_empty() { b"" } else { b": " };
    // SAFETY: stderr is live.
    unsafe { put_parts(std::err(), &[prefix, colon, msg, b"\n"]) };
    // perror leaves errno as it found it.
    super::set_errno(syscall::Errno(e));
}
