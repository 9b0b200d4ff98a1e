//! `FILE`: a buffered stream over a file descriptor.
//!
//! The structure starts with glibc's `struct _IO_FILE` fields, because
//! glibc's headers inline `getc_unlocked`, `putc_unlocked`, `feof_unlocked`
//! and `ferror_unlocked` (and, at -O2, `fread_unlocked`/`fwrite_unlocked`
//! of a few bytes) as reads of `_flags` (EOF 0x10, error 0x20) and of the
//! read and write pointers, with calls to `__uflow`/`__overflow` when a
//! pointer reaches its end. crt0 keeps those pointers meaning what the
//! inlines assume:
//! - reading: `read_ptr..read_end` is the unread input; `write_ptr ==
//!   write_end`, so an inline putc calls `__overflow`, which switches;
//! - writing: `write_base..write_ptr` is pending output; `write_end` is the
//!   buffer's end when fully buffered, and the buffer's start when line
//!   buffered or unbuffered, so every inline putc calls `__overflow`,
//!   which flushes at a newline; `read_ptr == read_end`.
//!
//! The rest of glibc's 216 bytes holds crt0's own state.
//!
//! Nothing here runs at start-up: a stream gets its buffer, its line
//! buffering (stdout on a terminal: one TCGETS ioctl) and its place in the
//! list `exit` flushes the first time it is used.

use core::ffi::c_int;
use core::ptr;
use core::sync::atomic::{AtomicBool, AtomicPtr, Ordering::{Acquire, Relaxed, Release}};

use linux_raw_sys::general::__NR_lseek;
use linux_raw_sys::ioctl::TCGETS;

use super::lock::Lock;
use crate::{exit, syscall};

/// glibc's `_IO_EOF_SEEN`.
pub const EOF_SEEN: c_int = 0x10;
/// glibc's `_IO_ERR_SEEN`.
pub const ERR_SEEN: c_int = 0x20;

/// The buffer size: the `st_blksize` glibc finds on pipes, terminals and
/// the usual file systems.
pub const BUF_SIZE: usize = 4096;

/// Opened for reading.
pub const READ: u32 = 1;
/// Opened for writing.
pub const WRITE: u32 = 2;
/// Every write goes to the end (`"a"`).
pub const APPEND: u32 = 4;
/// Line buffered (set at the first use when the descriptor is a terminal, or by setvbuf).
pub const LINE: u32 = 8;
/// Unbuffered.
pub const UNBUF: u32 = 16;
/// The buffer came from malloc and is freed at fclose.
pub const OWN_BUF: u32 = 32;
/// The FILE itself came from malloc (fopen, fdopen).
pub const HEAP: u32 = 64;
/// Set up: buffering decided and on the list `exit` flushes.
pub const READY: u32 = 128;
/// The buffering was chosen by setvbuf: no terminal check.
pub const CHOSEN: u32 = 256;

/// The stream. Field order up to `buf_end` is glibc's `struct _IO_FILE`.
#[repr(C)]
pub struct File {
    /// glibc's `_flags`: only `EOF_SEEN` and `ERR_SEEN` are used.
    pub flags: c_int,
    pub read_ptr: *mut u8,
    pub read_end: *mut u8,
    pub read_base: *mut u8,
    pub write_base: *mut u8,
    pub write_ptr: *mut u8,
    pub write_end: *mut u8,
    pub buf_base: *mut u8,
    pub buf_end: *mut u8,
    /// crt0's state from here on.
    pub fd: c_int,
    pub mode: u32,
    /// A buffer to use instead of allocating one (the standard streams'
    /// static ones); BUF_SIZE bytes.
    pub static_buf: *mut u8,
    /// The next stream on the list `exit` and `fflush(NULL)` flush.
    pub next: *mut File,
    pub lock: Lock,
    /// `ungetc` pushes bytes here (from the end) when the read buffer has no
    /// room before `read_ptr`; the buffer's pointers wait in `saved_*`.
    pub unget: [u8; 8],
    pub saved_ptr: *mut u8,
    pub saved_end: *mut u8,
    /// The one-byte buffer of an unbuffered stream.
    pub short: u8,
    _pad: [u8; 79],
}

const _: () = assert!(core::mem::size_of::<File>() == 216, "sizeof(FILE) is glibc's");
const _: () = assert!(core::mem::offset_of!(File, buf_end) == 64);

impl File {
    /// A stream on `fd` with `mode` flags, not yet set up.
    pub const fn new(fd: c_int, mode: u32, static_buf: *mut u8) -> File {
        let null = ptr::null_mut();
        File {
            flags: 0,
            read_ptr: null,
            read_end: null,
            read_base: null,
            write_base: null,
            write_ptr: null,
            write_end: null,
            buf_base: null,
            buf_end: null,
            fd,
            mode,
            static_buf,
            next: ptr::null_mut(),
            lock: Lock::new(),
            unget: [0; 8],
            saved_ptr: null,
            saved_end: null,
            short: 0,
            _pad: [0; 79],
        }
    }

    pub fn has(&self, m: u32) -> bool {
        self.mode & m != 0
    }

    /// True while bytes pushed back by ungetc are being read.
    pub fn in_unget(&self) -> bool {
        !self.saved_end.is_null()
    }

    /// Bytes waiting to be written.
    pub fn pending(&self) -> usize {
        self.write_ptr as usize - self.write_base as usize
    }

    /// Bytes read from the descriptor but not yet by the program.
    pub fn unread(&self) -> usize {
        let mut n = self.read_end as usize - self.read_ptr as usize;
        if self.in_unget() {
            n += self.saved_end as usize - self.saved_ptr as usize;
        }
        n
    }
}

/// The head of the list of streams in use. Changed under [`LIST`]; read
/// without it only by `exit`'s final flush.
static STREAMS: AtomicPtr<File> = AtomicPtr::new(ptr::null_mut());
/// Serialises changes to the list and walks that must not meet a stream
/// being freed (fflush(NULL) against fclose).
static LIST: spin::Mutex<()> = spin::Mutex::new(());
static AT_EXIT: AtomicBool = AtomicBool::new(false);

/// Decides the buffering, finds a buffer and puts `f` on the list, once.
///
/// # Safety
/// `f` is a live stream the caller has locked.
pub unsafe fn set_up(f: *mut File) {
    // SAFETY: per the caller.
    let s = unsafe { &mut *f };
    if s.has(READY) {
        return;
    }
    s.mode |= READY;
    if !s.has(CHOSEN | UNBUF) && is_terminal(s.fd) {
        s.mode |= LINE;
    }
    if s.buf_base.is_null() {
        let (buf, len) = if s.has(UNBUF) {
            (&raw mut s.short, 1)
        } else if !s.static_buf.is_null() {
            (s.static_buf, BUF_SIZE)
        } else {
            match super::alloc(BUF_SIZE) {
                Some(b) => {
                    s.mode |= OWN_BUF;
                    (b, BUF_SIZE)
                }
                // No memory: unbuffered, as glibc falls back to.
                None => {
                    s.mode |= UNBUF;
                    (&raw mut s.short, 1)
                }
            }
        };
        s.buf_base = buf;
        // SAFETY: the buffer is `len` bytes long.
        s.buf_end = unsafe { buf.add(len) };
    }
    let b = s.buf_base;
    (s.read_base, s.read_ptr, s.read_end) = (b, b, b);
    (s.write_base, s.write_ptr, s.write_end) = (b, b, b);
    {
        let _list = LIST.lock();
        s.next = STREAMS.load(Relaxed);
        STREAMS.store(f, Release);
    }
    if !AT_EXIT.swap(true, Relaxed) {
        exit::run_last_at_exit(flush_all_at_exit);
    }
}

/// True when `fd` is a terminal (TCGETS succeeds), as glibc decides line buffering.
pub fn is_terminal(fd: c_int) -> bool {
    let mut termios = [0u8; 64];
    // SAFETY: TCGETS writes a struct termios (60 bytes) into the buffer.
    unsafe { syscall::raw(linux_raw_sys::general::__NR_ioctl as usize, [fd as usize, TCGETS as usize, termios.as_mut_ptr() as usize, 0, 0, 0]) }
        .is_ok()
}

/// Walks the list from its head, newest first.
fn walk(mut visit: impl FnMut(*mut File)) {
    let mut f = STREAMS.load(Acquire);
    while !f.is_null() {
        // Read before the visit, which may not leave `f` as it was.
        // SAFETY: streams on the list are live.
        let next = unsafe { (*f).next };
        visit(f);
        f = next;
    }
}

/// Every stream on the list, with the list held (no stream is freed meanwhile).
pub fn each(visit: impl FnMut(*mut File)) {
    let _list = LIST.lock();
    walk(visit);
}

/// Takes `f` off the list (fclose).
pub fn remove(f: *mut File) {
    let _list = LIST.lock();
    let mut link: &AtomicPtr<File> = &STREAMS;
    loop {
        let cur = link.load(Relaxed);
        if cur.is_null() {
            return;
        }
        if cur == f {
            // SAFETY: f is on the list, hence live.
            link.store(unsafe { (*f).next }, Release);
            return;
        }
        // SAFETY: cur is on the list; `next` is read and written only
        // under LIST (and read by the final flush), like an AtomicPtr.
        link = unsafe { AtomicPtr::from_ptr(&raw mut (*cur).next) };
    }
}

/// `exit`'s last step: writes out every stream's pending output, without
/// taking the stream locks (a thread may hold one forever), as glibc does.
fn flush_all_at_exit() {
    walk(|f| {
        // SAFETY: a live stream; in an orderly exit no other thread uses stdio.
        unsafe { flush(f) };
    });
}

/// Writes out pending output; 0, or EOF with the error flag set.
///
/// # Safety
/// `f` is a live stream the caller has locked.
pub unsafe fn flush(f: *mut File) -> c_int {
    // SAFETY: per the caller.
    let s = unsafe { &mut *f };
    let n = s.pending();
    if n == 0 {
        return 0;
    }
    // SAFETY: write_base..write_ptr lies inside the buffer.
    let bytes = unsafe { core::slice::from_raw_parts(s.write_base, n) };
    let r = syscall::write_all(s.fd, bytes);
    s.write_ptr = s.write_base;
    match r {
        Ok(()) => 0,
        Err(e) => {
            s.flags |= ERR_SEEN;
            super::set_errno(e);
            -1
        }
    }
}

/// Makes `f` ready for writing: set up, pushed-back and read-ahead input
/// given back (the descriptor moved back over what the program did not
/// read, for a file that can seek). Returns false if the stream may not write.
///
/// # Safety
/// `f` is a live stream the caller has locked.
pub unsafe fn to_writing(f: *mut File) -> bool {
    // SAFETY: per the caller.
    unsafe { set_up(f) };
    // SAFETY: per the caller.
    let s = unsafe { &mut *f };
    if !s.has(WRITE) {
        s.flags |= ERR_SEEN;
        super::set_errno(syscall::Errno(9)); // EBADF
        return false;
    }
    if s.read_ptr != s.read_end || s.in_unget() {
        let back = s.unread() as isize;
        // SAFETY: lseek on the stream's descriptor; a pipe refuses (ESPIPE), harmlessly.
        let _ = unsafe { syscall::raw(__NR_lseek as usize, [s.fd as usize, (-back) as usize, 1, 0, 0, 0]) };
        s.saved_ptr = ptr::null_mut();
        s.saved_end = ptr::null_mut();
    }
    let b = s.buf_base;
    (s.read_base, s.read_ptr, s.read_end) = (b, b, b);
    if s.write_base != b {
        (s.write_base, s.write_ptr) = (b, b);
    }
    s.write_end = if s.has(LINE | UNBUF) { b } else { s.buf_end };
    true
}

/// Makes `f` ready for reading: set up, pending output written first.
/// Returns false if the stream may not read or the flush failed.
///
/// # Safety
/// `f` is a live stream the caller has locked.
pub unsafe fn to_reading(f: *mut File) -> bool {
    // SAFETY: per the caller.
    unsafe { set_up(f) };
    // SAFETY: per the caller.
    let s = unsafe { &mut *f };
    if !s.has(READ) {
        s.flags |= ERR_SEEN;
        super::set_errno(syscall::Errno(9)); // EBADF
        return false;
    }
    // SAFETY: per the caller.
    if s.pending() > 0 && unsafe { flush(f) } != 0 {
        return false;
    }
    let b = s.buf_base;
    (s.write_base, s.write_ptr, s.write_end) = (b, b, b);
    true
}
