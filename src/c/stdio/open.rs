//! Opening, closing and positioning streams: `fopen fdopen freopen fclose
//! fileno setvbuf setbuf setlinebuf fseek fseeko ftell ftello rewind
//! fgetpos fsetpos flockfile ftrylockfile funlockfile remove`.

use core::ffi::{c_char, c_int, c_long};

use linux_raw_sys::general::{
    AT_FDCWD, AT_REMOVEDIR, F_GETFL, F_SETFL, O_APPEND, O_CLOEXEC, O_CREAT, O_EXCL, O_RDWR, O_TRUNC, O_WRONLY, __NR_close,
    __NR_fcntl, __NR_lseek, __NR_openat, __NR_unlinkat,
};

use super::file::{self, File, APPEND, CHOSEN, HEAP, LINE, OWN_BUF, READ, READY, UNBUF, WRITE};
use super::{alloc, locked, release, set_errno, EOF};
use crate::syscall::{self, Errno};

/// A system call's result, errno set on failure.
fn sys(nr: u32, args: [usize; 6]) -> Result<usize, Errno> {
    // SAFETY: the callers pass valid arguments for `nr`.
    unsafe { syscall::raw(nr as usize, args) }.inspect_err(|&e| set_errno(e))
}

/// A mode string's open(2) flags and stream flags; None when invalid.
///
/// # Safety
/// `mode` is NUL-terminated.
unsafe fn parse_mode(mode: *const c_char) -> Option<(u32, u32)> {
    // SAFETY: per the caller.
    let m = unsafe { crate::cstr::bytes(mode) };
    let (mut flags, mut stream) = match m.first()? {
        b'r' => (0, READ),
        b'w' => (O_WRONLY | O_CREAT | O_TRUNC, WRITE),
        b'a' => (O_WRONLY | O_CREAT | O_APPEND, WRITE | APPEND),
        _ => return None,
    };
    for &c in &m[1..] {
        match c {
            b'+' => {
                flags = (flags & !O_WRONLY) | O_RDWR;
                stream |= READ | WRITE;
            }
            b'x' => flags |= O_EXCL,
            b'e' => flags |= O_CLOEXEC,
            // Binary, memory-mapped and cancellation hints: nothing to do.
            _ => {}
        }
    }
    Some((flags, stream))
}

/// A new heap stream on `fd`.
fn new_stream(fd: c_int, mode: u32) -> *mut File {
    let Some(p) = alloc(core::mem::size_of::<File>()) else {
        set_errno(Errno::ENOMEM);
        return core::ptr::null_mut();
    };
    let f = p.cast::<File>();
    // SAFETY: a fresh block of the right size (malloc aligns to 16).
    unsafe { f.write(File::new(fd, mode | HEAP, core::ptr::null_mut())) };
    f
}

/// `FILE *fopen(const char *path, const char *mode)`.
///
/// # Safety
/// Both NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn fopen(path: *const c_char, mode: *const c_char) -> *mut File {
    // SAFETY: per the caller.
    let Some((flags, stream)) = (unsafe { parse_mode(mode) }) else {
        set_errno(Errno::EINVAL);
        return core::ptr::null_mut();
    };
    let Ok(fd) = sys(__NR_openat, [AT_FDCWD as usize, path as usize, flags as usize, 0o666, 0, 0]) else {
        return core::ptr::null_mut();
    };
    let f = new_stream(fd as c_int, stream);
    if f.is_null() {
        let _ = sys(__NR_close, [fd, 0, 0, 0, 0, 0]);
    }
    f
}

/// `FILE *fopen64(...)`: the same (off_t is 64-bit).
///
/// # Safety
/// As `fopen`.
#[no_mangle]
pub unsafe extern "C" fn fopen64(path: *const c_char, mode: *const c_char) -> *mut File {
    // SAFETY: per the caller.
    unsafe { fopen(path, mode) }
}

/// `FILE *fdopen(int fd, const char *mode)`: EINVAL when the descriptor's
/// access mode does not allow the stream's; `"a"` sets O_APPEND on it.
///
/// # Safety
/// `mode` is NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn fdopen(fd: c_int, mode: *const c_char) -> *mut File {
    // SAFETY: per the caller.
    let Some((_, stream)) = (unsafe { parse_mode(mode) }) else {
        set_errno(Errno::EINVAL);
        return core::ptr::null_mut();
    };
    let Ok(fl) = sys(__NR_fcntl, [fd as usize, F_GETFL as usize, 0, 0, 0, 0]) else {
        return core::ptr::null_mut();
    };
    let access = fl as u32 & 3;
    let ok = (stream & READ == 0 || access != O_WRONLY) && (stream & WRITE == 0 || access != 0);
    if !ok {
        set_errno(Errno::EINVAL);
        return core::ptr::null_mut();
    }
    if stream & APPEND != 0 && fl as u32 & O_APPEND == 0 && sys(__NR_fcntl, [fd as usize, F_SETFL as usize, fl | O_APPEND as usize, 0, 0, 0]).is_err() {
        return core::ptr::null_mut();
    }
    new_stream(fd, stream)
}

/// Flushes, closes the descriptor and frees the buffer; the structure stays.
///
/// # Safety
/// `f` is a live stream the caller has locked.
unsafe fn shut(f: *mut File) -> c_int {
    // SAFETY: per the caller.
    unsafe {
        let mut r = if (*f).pending() > 0 { file::flush(f) } else { 0 };
        let s = &mut *f;
        if sys(__NR_close, [s.fd as usize, 0, 0, 0, 0, 0]).is_err() {
            r = EOF;
        }
        if s.has(OWN_BUF) {
            release(s.buf_base);
        }
        s.mode &= !(OWN_BUF | READY | LINE);
        let null = core::ptr::null_mut();
        (s.buf_base, s.buf_end, s.saved_ptr, s.saved_end) = (null, null, null, null);
        (s.read_base, s.read_ptr, s.read_end, s.write_base, s.write_ptr, s.write_end) = (null, null, null, null, null, null);
        r
    }
}

/// `int fclose(FILE *f)`: flushes and closes; the stream is gone afterwards.
///
/// # Safety
/// `f` is a live stream, not used again.
#[no_mangle]
pub unsafe extern "C" fn fclose(f: *mut File) -> c_int {
    file::remove(f);
    // SAFETY: per the caller.
    unsafe {
        let r = locked(f, |f| shut(f));
        if (*f).has(HEAP) {
            release(f.cast());
        }
        r
    }
}

/// `FILE *freopen(const char *path, const char *mode, FILE *f)`: `f` closed
/// and opened again on `path` (NULL `path`: not supported, EINVAL).
///
/// # Safety
/// `path`, `mode` NUL-terminated; `f` a live stream.
#[no_mangle]
pub unsafe extern "C" fn freopen(path: *const c_char, mode: *const c_char, f: *mut File) -> *mut File {
    // SAFETY: per the caller.
    unsafe {
        let Some((flags, stream)) = parse_mode(mode).filter(|_| !path.is_null()) else {
            set_errno(Errno::EINVAL);
            return core::ptr::null_mut();
        };
        locked(f, |f| {
            shut(f);
            file::remove(f);
            let s = &mut *f;
            s.flags = 0;
            s.mode = (s.mode & HEAP) | stream;
            match sys(__NR_openat, [AT_FDCWD as usize, path as usize, flags as usize, 0o666, 0, 0]) {
                Ok(fd) => {
                    s.fd = fd as c_int;
                    f
                }
                Err(_) => core::ptr::null_mut(),
            }
        })
    }
}

/// `int fileno(FILE *f)`.
///
/// # Safety
/// `f` is a live stream.
#[no_mangle]
pub unsafe extern "C" fn fileno(f: *mut File) -> c_int {
    // SAFETY: per the caller.
    unsafe { (*f).fd }
}

/// `int setvbuf(FILE *f, char *buf, int mode, size_t size)`: before any
/// I/O; `_IOFBF` 0, `_IOLBF` 1, `_IONBF` 2. A caller's buffer is used.
///
/// # Safety
/// `f` a live stream; `buf` NULL or `size` writable bytes that outlive it.
#[no_mangle]
pub unsafe extern "C" fn setvbuf(f: *mut File, buf: *mut c_char, mode: c_int, size: usize) -> c_int {
    if !(0..=2).contains(&mode) {
        set_errno(Errno::EINVAL);
        return EOF;
    }
    // SAFETY: per the caller.
    unsafe {
        locked(f, |f| {
            let s = &mut *f;
            if s.has(READY) && (s.pending() > 0 || s.unread() > 0) {
                return EOF;
            }
            s.mode = (s.mode & !(LINE | UNBUF)) | CHOSEN | [0, LINE, UNBUF][mode as usize];
            if mode != 2 && !buf.is_null() && size > 0 {
                if s.has(OWN_BUF) {
                    release(s.buf_base);
                    s.mode &= !OWN_BUF;
                }
                s.buf_base = buf.cast();
                s.buf_end = buf.cast::<u8>().add(size);
            } else if mode == 2 && s.has(OWN_BUF) {
                release(s.buf_base);
                s.mode &= !OWN_BUF;
                s.buf_base = core::ptr::null_mut();
            } else if mode == 2 {
                s.buf_base = core::ptr::null_mut();
            }
            if s.has(READY) {
                // Set up already (nothing pending): take the new buffer now.
                s.mode &= !READY;
                file::remove(f);
                file::set_up(f);
            }
            0
        })
    }
}

/// `void setbuf(FILE *f, char *buf)`: `buf` (BUFSIZ bytes) or unbuffered.
///
/// # Safety
/// As `setvbuf`, with BUFSIZ (8192) bytes at `buf`.
#[no_mangle]
pub unsafe extern "C" fn setbuf(f: *mut File, buf: *mut c_char) {
    // SAFETY: per the caller.
    unsafe { setvbuf(f, buf, if buf.is_null() { 2 } else { 0 }, 8192) };
}

/// `void setlinebuf(FILE *f)`.
///
/// # Safety
/// `f` is a live stream.
#[no_mangle]
pub unsafe extern "C" fn setlinebuf(f: *mut File) {
    // SAFETY: per the caller.
    unsafe { setvbuf(f, core::ptr::null_mut(), 1, 0) };
}

/// Moves the descriptor back over unread input and drops it (fflush on a
/// reading stream). A descriptor that cannot seek keeps its input.
///
/// # Safety
/// `f` is a live stream the caller has locked.
pub unsafe fn sync_read(f: *mut File) -> c_int {
    // SAFETY: per the caller.
    let s = unsafe { &mut *f };
    let back = s.unread() as isize;
    // SAFETY: lseek on the stream's own descriptor.
    match unsafe { syscall::raw(__NR_lseek as usize, [s.fd as usize, (-back) as usize, 1, 0, 0, 0]) } {
        Ok(_) => {
            s.saved_ptr = core::ptr::null_mut();
            s.saved_end = core::ptr::null_mut();
            s.read_ptr = s.read_end;
            0
        }
        Err(Errno(29)) => 0, // ESPIPE: a pipe or terminal, as glibc
        Err(e) => {
            set_errno(e);
            EOF
        }
    }
}

/// `int fseeko(FILE *f, off_t offset, int whence)`.
///
/// # Safety
/// `f` is a live stream.
#[no_mangle]
pub unsafe extern "C" fn fseeko(f: *mut File, offset: i64, whence: c_int) -> c_int {
    // SAFETY: per the caller.
    unsafe {
        locked(f, |f| {
            if (*f).pending() > 0 && file::flush(f) != 0 {
                return EOF;
            }
            let s = &mut *f;
            // Relative to the program's position, not the descriptor's.
            let offset = if whence == 1 { offset - s.unread() as i64 } else { offset };
            if sys(__NR_lseek, [s.fd as usize, offset as usize, whence as usize, 0, 0, 0]).is_err() {
                return EOF;
            }
            s.saved_ptr = core::ptr::null_mut();
            s.saved_end = core::ptr::null_mut();
            s.read_ptr = s.read_end;
            s.flags &= !file::EOF_SEEN;
            0
        })
    }
}

/// `int fseek(FILE *f, long offset, int whence)`.
///
/// # Safety
/// `f` is a live stream.
#[no_mangle]
pub unsafe extern "C" fn fseek(f: *mut File, offset: c_long, whence: c_int) -> c_int {
    // SAFETY: per the caller.
    unsafe { fseeko(f, offset, whence) }
}

/// `off_t ftello(FILE *f)`: the descriptor's offset less unread input,
/// plus pending output.
///
/// # Safety
/// `f` is a live stream.
#[no_mangle]
pub unsafe extern "C" fn ftello(f: *mut File) -> i64 {
    // SAFETY: per the caller.
    unsafe {
        locked(f, |f| {
            let s = &*f;
            match sys(__NR_lseek, [s.fd as usize, 0, 1, 0, 0, 0]) {
                Ok(pos) => pos as i64 - s.unread() as i64 + s.pending() as i64,
                Err(_) => -1,
            }
        })
    }
}

/// `long ftell(FILE *f)`.
///
/// # Safety
/// `f` is a live stream.
#[no_mangle]
pub unsafe extern "C" fn ftell(f: *mut File) -> c_long {
    // SAFETY: per the caller.
    unsafe { ftello(f) }
}

/// `void rewind(FILE *f)`: to the start, errors cleared.
///
/// # Safety
/// `f` is a live stream.
#[no_mangle]
pub unsafe extern "C" fn rewind(f: *mut File) {
    // SAFETY: per the caller.
    unsafe {
        fseeko(f, 0, 0);
        locked(f, |f| (*f).flags &= !file::ERR_SEEN);
    }
}

/// `int fgetpos(FILE *f, fpos_t *pos)`: glibc's fpos_t starts with the offset.
///
/// # Safety
/// `f` a live stream; `pos` points to an fpos_t.
#[no_mangle]
pub unsafe extern "C" fn fgetpos(f: *mut File, pos: *mut i64) -> c_int {
    // SAFETY: per the caller.
    unsafe {
        let p = ftello(f);
        if p < 0 {
            return -1;
        }
        *pos = p;
    }
    0
}

/// `int fsetpos(FILE *f, const fpos_t *pos)`.
///
/// # Safety
/// As `fgetpos`.
#[no_mangle]
pub unsafe extern "C" fn fsetpos(f: *mut File, pos: *const i64) -> c_int {
    // SAFETY: per the caller.
    unsafe { fseeko(f, *pos, 0) }
}

/// `void flockfile(FILE *f)`.
///
/// # Safety
/// `f` is a live stream.
#[no_mangle]
pub unsafe extern "C" fn flockfile(f: *mut File) {
    // SAFETY: per the caller.
    unsafe { (*f).lock.lock() }
}

/// `int ftrylockfile(FILE *f)`: 0 when taken.
///
/// # Safety
/// `f` is a live stream.
#[no_mangle]
pub unsafe extern "C" fn ftrylockfile(f: *mut File) -> c_int {
    // SAFETY: per the caller.
    if unsafe { (*f).lock.try_lock() } { 0 } else { 1 }
}

/// `void funlockfile(FILE *f)`.
///
/// # Safety
/// `f` is a live stream the caller locked.
#[no_mangle]
pub unsafe extern "C" fn funlockfile(f: *mut File) {
    // SAFETY: per the caller.
    unsafe { (*f).lock.unlock() }
}

/// `int remove(const char *path)`: unlink, or rmdir for a directory.
///
/// # Safety
/// `path` is NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn remove(path: *const c_char) -> c_int {
    // SAFETY: unlinkat with a valid path; EISDIR: try as a directory.
    let r = unsafe { syscall::raw(__NR_unlinkat as usize, [AT_FDCWD as usize, path as usize, 0, 0, 0, 0]) };
    let r = match r {
        Err(Errno(21)) => sys(__NR_unlinkat, [AT_FDCWD as usize, path as usize, AT_REMOVEDIR as usize, 0, 0, 0]),
        other => other.inspect_err(|&e| set_errno(e)),
    };
    if r.is_ok() { 0 } else { -1 }
}
