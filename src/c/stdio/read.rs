//! Input: `fgetc getc getchar fgets fread ungetc getline getdelim` (and
//! `_unlocked` forms), `feof ferror clearerr`, and `__uflow`/`__underflow`
//! for glibc's inline getc. End of file is sticky (C11, glibc 2.28+): once
//! seen, reads return EOF until `clearerr`.

use core::ffi::{c_char, c_int, c_void};

use super::file::{self, File, EOF_SEEN, ERR_SEEN, LINE, UNBUF};
use super::{locked, std, EOF};
use crate::syscall;

/// Refills the read buffer; true when there are bytes to read.
///
/// # Safety
/// `f` is a live stream the caller has locked.
pub unsafe fn fill(f: *mut File) -> bool {
    // SAFETY: per the caller.
    unsafe {
        let s = &mut *f;
        if s.read_ptr < s.read_end {
            return true;
        }
        if s.in_unget() {
            // The pushed-back bytes are used up: back to the buffer.
            s.read_ptr = s.saved_ptr;
            s.read_end = s.saved_end;
            s.saved_ptr = core::ptr::null_mut();
            s.saved_end = core::ptr::null_mut();
            if s.read_ptr < s.read_end {
                return true;
            }
        }
        if s.flags & EOF_SEEN != 0 || !file::to_reading(f) {
            return false;
        }
        // Reading from a terminal (or unbuffered) stream first shows the
        // prompt a line-buffered stdout holds, as glibc does.
        if s.has(LINE | UNBUF) {
            let out = std::out();
            if !core::ptr::eq(out, f) && (*out).has(LINE) && (*out).pending() > 0 {
                locked(out, |o| file::flush(o));
            }
        }
        let cap = s.buf_end as usize - s.buf_base as usize;
        match syscall::read(s.fd, s.buf_base, cap) {
            Ok(0) => {
                s.flags |= EOF_SEEN;
                false
            }
            Ok(n) => {
                s.read_base = s.buf_base;
                s.read_ptr = s.buf_base;
                s.read_end = s.buf_base.add(n);
                true
            }
            Err(e) => {
                s.flags |= ERR_SEEN;
                super::set_errno(e);
                false
            }
        }
    }
}

/// `int __uflow(FILE *f)`: the next byte (or EOF), for glibc's inline getc
/// when the read pointer reaches the read end.
///
/// # Safety
/// `f` is a live stream (its lock held, or not needed).
#[no_mangle]
pub unsafe extern "C" fn __uflow(f: *mut File) -> c_int {
    // SAFETY: per the caller.
    unsafe {
        if !fill(f) {
            return EOF;
        }
        let s = &mut *f;
        let c = *s.read_ptr;
        s.read_ptr = s.read_ptr.add(1);
        c.into()
    }
}

/// `int __underflow(FILE *f)`: the next byte without taking it.
///
/// # Safety
/// As `__uflow`.
#[no_mangle]
pub unsafe extern "C" fn __underflow(f: *mut File) -> c_int {
    // SAFETY: per the caller.
    unsafe { if fill(f) { (*(*f).read_ptr).into() } else { EOF } }
}

/// One byte, through the buffer when it has one.
///
/// # Safety
/// `f` is a live stream the caller has locked.
#[inline]
unsafe fn get_byte(f: *mut File) -> c_int {
    // SAFETY: per the caller.
    unsafe {
        let s = &mut *f;
        if s.read_ptr < s.read_end {
            let c = *s.read_ptr;
            s.read_ptr = s.read_ptr.add(1);
            return c.into();
        }
        __uflow(f)
    }
}

/// `int fgetc(FILE *f)`.
///
/// # Safety
/// `f` is a live stream.
#[no_mangle]
pub unsafe extern "C" fn fgetc(f: *mut File) -> c_int {
    // SAFETY: per the caller.
    unsafe { locked(f, |f| get_byte(f)) }
}

/// `int getc(FILE *f)`.
///
/// # Safety
/// `f` is a live stream.
#[no_mangle]
pub unsafe extern "C" fn getc(f: *mut File) -> c_int {
    // SAFETY: per the caller.
    unsafe { fgetc(f) }
}

/// `int getchar(void)`.
#[no_mangle]
pub extern "C" fn getchar() -> c_int {
    // SAFETY: stdin is a live stream.
    unsafe { fgetc(std::input()) }
}

/// `int fgetc_unlocked(FILE *f)`.
///
/// # Safety
/// `f` is a live stream the caller has locked (or no other thread uses).
#[no_mangle]
pub unsafe extern "C" fn fgetc_unlocked(f: *mut File) -> c_int {
    // SAFETY: per the caller.
    unsafe { get_byte(f) }
}

/// `int getc_unlocked(FILE *f)`.
///
/// # Safety
/// As `fgetc_unlocked`.
#[no_mangle]
pub unsafe extern "C" fn getc_unlocked(f: *mut File) -> c_int {
    // SAFETY: per the caller.
    unsafe { get_byte(f) }
}

/// `int getchar_unlocked(void)`.
#[no_mangle]
pub extern "C" fn getchar_unlocked() -> c_int {
    // SAFETY: stdin is live; the caller vouches for the locking.
    unsafe { get_byte(std::input()) }
}

/// `int ungetc(int c, FILE *f)`: pushes `c` back (at least one byte is
/// guaranteed, as C asks; eight fit); clears end of file.
///
/// # Safety
/// `f` is a live stream.
#[no_mangle]
pub unsafe extern "C" fn ungetc(c: c_int, f: *mut File) -> c_int {
    if c == EOF {
        return EOF;
    }
    // SAFETY: per the caller.
    unsafe {
        locked(f, |f| {
            if !file::to_reading(f) {
                return EOF;
            }
            let s = &mut *f;
            let byte = c as u8;
            if !s.in_unget() && s.read_ptr > s.read_base && *s.read_ptr.sub(1) == byte {
                // The byte just read: step back over it.
                s.read_ptr = s.read_ptr.sub(1);
            } else {
                if !s.in_unget() {
                    s.saved_ptr = s.read_ptr;
                    s.saved_end = s.read_end;
                    let end = s.unget.as_mut_ptr().add(s.unget.len());
                    s.read_ptr = end;
                    s.read_end = end;
                }
                if s.read_ptr == s.unget.as_mut_ptr() {
                    return EOF;
                }
                s.read_ptr = s.read_ptr.sub(1);
                *s.read_ptr = byte;
            }
            s.flags &= !EOF_SEEN;
            c & 0xff
        })
    }
}

/// `char *fgets(char *s, int n, FILE *f)`: a line (with its newline) or
/// what fits in `n - 1` bytes, NUL-terminated; NULL at end of file (or on
/// an error) when nothing was read.
///
/// # Safety
/// `s` writable for `n` bytes; `f` a live stream.
#[no_mangle]
pub unsafe extern "C" fn fgets(s: *mut c_char, n: c_int, f: *mut File) -> *mut c_char {
    // SAFETY: per the caller.
    unsafe { locked(f, |f| fgets_unlocked(s, n, f)) }
}

/// `char *fgets_unlocked(char *s, int n, FILE *f)`.
///
/// # Safety
/// As `fgets`, the stream locked by the caller.
#[no_mangle]
pub unsafe extern "C" fn fgets_unlocked(s: *mut c_char, n: c_int, f: *mut File) -> *mut c_char {
    if n <= 0 {
        return core::ptr::null_mut();
    }
    // SAFETY: per the caller; copies stay within the n bytes of `s` and
    // the read buffer's unread bytes.
    unsafe {
        if n == 1 {
            *s = 0;
            return s;
        }
        // As glibc: an error counts if it happens during this call.
        let old_error = (*f).flags & ERR_SEEN;
        (*f).flags &= !ERR_SEEN;
        let mut left = n as usize - 1;
        let mut out = s.cast::<u8>();
        while left > 0 && fill(f) {
            let st = &mut *f;
            let avail = core::slice::from_raw_parts(st.read_ptr, (st.read_end as usize - st.read_ptr as usize).min(left));
            let (take, done) = match avail.iter().position(|&b| b == b'\n') {
                Some(i) => (i + 1, true),
                None => (avail.len(), false),
            };
            core::ptr::copy_nonoverlapping(st.read_ptr, out, take);
            st.read_ptr = st.read_ptr.add(take);
            out = out.add(take);
            left -= take;
            if done {
                break;
            }
        }
        let failed = out == s.cast() || (*f).flags & ERR_SEEN != 0;
        (*f).flags |= old_error;
        if failed {
            return core::ptr::null_mut();
        }
        *out = 0;
    }
    s
}

/// `size_t fread(void *p, size_t size, size_t n, FILE *f)`: whole items read.
///
/// # Safety
/// `p` writable for `size * n` bytes; `f` a live stream.
#[no_mangle]
pub unsafe extern "C" fn fread(p: *mut c_void, size: usize, n: usize, f: *mut File) -> usize {
    // SAFETY: per the caller.
    unsafe { locked(f, |f| fread_unlocked(p, size, n, f)) }
}

/// `size_t fread_unlocked(void *p, size_t size, size_t n, FILE *f)`.
///
/// # Safety
/// As `fread`, the stream locked by the caller.
#[no_mangle]
pub unsafe extern "C" fn fread_unlocked(p: *mut c_void, size: usize, n: usize, f: *mut File) -> usize {
    let Some(total) = size.checked_mul(n).filter(|&t| t > 0) else {
        return 0;
    };
    let mut out = p.cast::<u8>();
    let mut left = total;
    // SAFETY: per the caller; copies stay within `total` bytes of `p`.
    unsafe {
        while left > 0 {
            let s = &mut *f;
            let avail = s.read_end as usize - s.read_ptr as usize;
            if avail > 0 {
                let k = avail.min(left);
                core::ptr::copy_nonoverlapping(s.read_ptr, out, k);
                s.read_ptr = s.read_ptr.add(k);
                out = out.add(k);
                left -= k;
                continue;
            }
            if !s.in_unget() && left >= s.buf_end as usize - s.buf_base as usize && s.flags & EOF_SEEN == 0 && !s.buf_base.is_null() {
                // A large request: straight into the caller's memory.
                if !file::to_reading(f) {
                    break;
                }
                match syscall::read(s.fd, out, left) {
                    Ok(0) => s.flags |= EOF_SEEN,
                    Ok(k) => {
                        out = out.add(k);
                        left -= k;
                        continue;
                    }
                    Err(e) => {
                        s.flags |= ERR_SEEN;
                        super::set_errno(e);
                    }
                }
                break;
            }
            if !fill(f) {
                break;
            }
        }
    }
    (total - left) / size
}

/// `ssize_t getdelim(char **line, size_t *cap, int delim, FILE *f)`: reads
/// through `delim` into `*line`, grown with realloc as needed; the length,
/// or -1 at end of file or on an error.
///
/// # Safety
/// `*line` is NULL or a malloc'd block of `*cap` bytes; `f` a live stream.
#[no_mangle]
pub unsafe extern "C" fn getdelim(line: *mut *mut c_char, cap: *mut usize, delim: c_int, f: *mut File) -> isize {
    if line.is_null() || cap.is_null() {
        super::set_errno(syscall::Errno::EINVAL);
        return -1;
    }
    // SAFETY: per the caller.
    unsafe {
        locked(f, |f| {
            let mut len = 0usize;
            loop {
                if !fill(f) {
                    break;
                }
                let s = &mut *f;
                let avail = core::slice::from_raw_parts(s.read_ptr, s.read_end as usize - s.read_ptr as usize);
                let (take, done) = match avail.iter().position(|&b| c_int::from(b) == delim & 0xff) {
                    Some(i) => (i + 1, true),
                    None => (avail.len(), false),
                };
                if len + take + 1 > *cap || (*line).is_null() {
                    let want = (len + take + 1).max(120).max(*cap * 2);
                    let Some(grown) = super::super::malloc::resize((*line).cast(), want) else {
                        super::set_errno(syscall::Errno::ENOMEM);
                        return -1;
                    };
                    *line = grown.cast();
                    *cap = want;
                }
                core::ptr::copy_nonoverlapping(s.read_ptr, (*line).cast::<u8>().add(len), take);
                s.read_ptr = s.read_ptr.add(take);
                len += take;
                if done {
                    break;
                }
            }
            if len == 0 {
                return -1;
            }
            *(*line).add(len) = 0;
            len as isize
        })
    }
}

/// `ssize_t __getdelim(...)`: glibc's name, which its inline getline calls.
///
/// # Safety
/// As `getdelim`.
#[no_mangle]
pub unsafe extern "C" fn __getdelim(line: *mut *mut c_char, cap: *mut usize, delim: c_int, f: *mut File) -> isize {
    // SAFETY: per the caller.
    unsafe { getdelim(line, cap, delim, f) }
}

/// `ssize_t getline(char **line, size_t *cap, FILE *f)`.
///
/// # Safety
/// As `getdelim`.
#[no_mangle]
pub unsafe extern "C" fn getline(line: *mut *mut c_char, cap: *mut usize, f: *mut File) -> isize {
    // SAFETY: per the caller.
    unsafe { getdelim(line, cap, b'\n'.into(), f) }
}

/// `int feof(FILE *f)`.
///
/// # Safety
/// `f` is a live stream.
#[no_mangle]
pub unsafe extern "C" fn feof(f: *mut File) -> c_int {
    // SAFETY: per the caller.
    unsafe { locked(f, |f| ((*f).flags & EOF_SEEN != 0).into()) }
}

/// `int ferror(FILE *f)`.
///
/// # Safety
/// `f` is a live stream.
#[no_mangle]
pub unsafe extern "C" fn ferror(f: *mut File) -> c_int {
    // SAFETY: per the caller.
    unsafe { locked(f, |f| ((*f).flags & ERR_SEEN != 0).into()) }
}

/// `void clearerr(FILE *f)`.
///
/// # Safety
/// `f` is a live stream.
#[no_mangle]
pub unsafe extern "C" fn clearerr(f: *mut File) {
    // SAFETY: per the caller.
    unsafe { locked(f, |f| (*f).flags &= !(EOF_SEEN | ERR_SEEN)) }
}

/// `int feof_unlocked(FILE *f)`.
///
/// # Safety
/// `f` is a live stream.
#[no_mangle]
pub unsafe extern "C" fn feof_unlocked(f: *mut File) -> c_int {
    // SAFETY: per the caller.
    unsafe { ((*f).flags & EOF_SEEN != 0).into() }
}

/// `int ferror_unlocked(FILE *f)`.
///
/// # Safety
/// `f` is a live stream.
#[no_mangle]
pub unsafe extern "C" fn ferror_unlocked(f: *mut File) -> c_int {
    // SAFETY: per the caller.
    unsafe { ((*f).flags & ERR_SEEN != 0).into() }
}

/// `char *__fgets_chk(char *s, size_t size, int n, FILE *f)`
/// (`_FORTIFY_SOURCE`): `n` must not exceed the buffer's `size`.
///
/// # Safety
/// As fgets.
#[no_mangle]
pub unsafe extern "C" fn __fgets_chk(s: *mut c_char, size: usize, n: c_int, f: *mut File) -> *mut c_char {
    if n > 0 && n as usize > size {
        crate::c::fortify::chk_fail();
    }
    // SAFETY: per the caller.
    unsafe { fgets(s, n, f) }
}

/// `char *__fgets_unlocked_chk(char *s, size_t size, int n, FILE *f)`.
///
/// # Safety
/// As fgets_unlocked.
#[no_mangle]
pub unsafe extern "C" fn __fgets_unlocked_chk(s: *mut c_char, size: usize, n: c_int, f: *mut File) -> *mut c_char {
    if n > 0 && n as usize > size {
        crate::c::fortify::chk_fail();
    }
    // SAFETY: per the caller.
    unsafe { fgets_unlocked(s, n, f) }
}

/// `size_t __fread_chk(void *p, size_t plen, size_t size, size_t n, FILE *f)`:
/// `size * n` must fit in `plen`.
///
/// # Safety
/// As fread.
#[no_mangle]
pub unsafe extern "C" fn __fread_chk(p: *mut c_void, plen: usize, size: usize, n: usize, f: *mut File) -> usize {
    if size.checked_mul(n).is_none_or(|t| t > plen) {
        crate::c::fortify::chk_fail();
    }
    // SAFETY: per the caller.
    unsafe { fread(p, size, n, f) }
}

/// `size_t __fread_unlocked_chk(void *p, size_t plen, size_t size, size_t n, FILE *f)`.
///
/// # Safety
/// As fread_unlocked.
#[no_mangle]
pub unsafe extern "C" fn __fread_unlocked_chk(p: *mut c_void, plen: usize, size: usize, n: usize, f: *mut File) -> usize {
    if size.checked_mul(n).is_none_or(|t| t > plen) {
        crate::c::fortify::chk_fail();
    }
    // SAFETY: per the caller.
    unsafe { fread_unlocked(p, size, n, f) }
}
