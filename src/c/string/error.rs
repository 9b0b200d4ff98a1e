//! Error numbers and signals as text: `strerror strerror_r
//! __xpg_strerror_r strerror_l strerrorname_np strerrordesc_np strsignal
//! sigabbrev_np sigdescr_np`, from `crate::error_text` (glibc's strings).

use core::ffi::{c_char, c_int, c_void};

use crate::error_text;

/// Where `strerror` and `strsignal` build the text of an unknown number
/// (`Unknown error 1234`). glibc keeps one per thread; crt0 one for each
/// function, shared by all threads (the known texts, the usual case, are
/// constant strings and safe everywhere).
struct Text([u8; 48]);

static mut STRERROR: Text = Text([0; 48]);
static mut STRSIGNAL: Text = Text([0; 48]);

/// Copies `s` with a NUL into `t` and returns it.
///
/// # Safety
/// No other thread uses `t` meanwhile (see [`Text`]).
unsafe fn terminated(t: *mut Text, s: &[u8]) -> *mut c_char {
    // SAFETY: per the caller.
    let buf = unsafe { &mut (*t).0 };
    let n = s.len().min(buf.len() - 1);
    buf[..n].copy_from_slice(&s[..n]);
    buf[n] = 0;
    buf.as_mut_ptr().cast()
}

/// A table entry as a C string (the tables' entries are NUL-terminated).
fn c(s: &'static str) -> *mut c_char {
    s.as_ptr().cast_mut().cast()
}

/// `char *strerror(int e)`.
#[no_mangle]
pub extern "C" fn strerror(e: c_int) -> *mut c_char {
    if let Some(m) = error_text::message(e) {
        return c(m);
    }
    let mut tmp = [0; 40];
    let text = error_text::message_or_unknown(e, &mut tmp);
    // SAFETY: see `Text`.
    unsafe { terminated(&raw mut STRERROR, text) }
}

/// `char *strerror_l(int e, locale_t l)`: the C locale's text.
#[no_mangle]
pub extern "C" fn strerror_l(e: c_int, _l: *mut c_void) -> *mut c_char {
    strerror(e)
}

/// Copies `text` into `buf` (`n` bytes), truncated and NUL-terminated;
/// false when it did not fit.
///
/// # Safety
/// `buf` writable for `n` bytes.
unsafe fn copy_out(text: &[u8], buf: *mut c_char, n: usize) -> bool {
    if n == 0 {
        return false;
    }
    let k = text.len().min(n - 1);
    // SAFETY: per the caller, k + 1 <= n.
    unsafe {
        core::ptr::copy_nonoverlapping(text.as_ptr(), buf.cast(), k);
        *buf.add(k) = 0;
    }
    k == text.len()
}

/// `char *strerror_r(int e, char *buf, size_t n)` (GNU, what glibc's
/// headers declare with `_GNU_SOURCE`): the text of a known error (not in
/// `buf`); `Unknown error N` in `buf` otherwise.
///
/// # Safety
/// `buf` writable for `n` bytes.
#[no_mangle]
pub unsafe extern "C" fn strerror_r(e: c_int, buf: *mut c_char, n: usize) -> *mut c_char {
    match error_text::message(e) {
        Some(m) => c(m),
        None => {
            let mut tmp = [0; 40];
            // SAFETY: per the caller.
            unsafe { copy_out(error_text::message_or_unknown(e, &mut tmp), buf, n) };
            buf
        }
    }
}

/// `int __xpg_strerror_r(int e, char *buf, size_t n)`: POSIX's strerror_r
/// (glibc's headers map `strerror_r` to it without `_GNU_SOURCE`): 0,
/// ERANGE when truncated, EINVAL for an unknown error.
///
/// # Safety
/// `buf` writable for `n` bytes.
#[no_mangle]
pub unsafe extern "C" fn __xpg_strerror_r(e: c_int, buf: *mut c_char, n: usize) -> c_int {
    let mut tmp = [0; 40];
    // SAFETY: per the caller.
    let fit = unsafe { copy_out(error_text::message_or_unknown(e, &mut tmp), buf, n) };
    if error_text::message(e).is_none() {
        22 // EINVAL
    } else if !fit {
        34 // ERANGE
    } else {
        0
    }
}

/// `const char *strerrorname_np(int e)`: `"EPERM"` and so on, NULL if unknown.
#[no_mangle]
pub extern "C" fn strerrorname_np(e: c_int) -> *const c_char {
    error_text::name(e).map_or(core::ptr::null(), |s| c(s).cast_const())
}

/// `const char *strerrordesc_np(int e)`: the text, NULL if unknown.
#[no_mangle]
pub extern "C" fn strerrordesc_np(e: c_int) -> *const c_char {
    error_text::message(e).map_or(core::ptr::null(), |s| c(s).cast_const())
}

/// `char *strsignal(int s)`: `"Interrupt"`, `"Real-time signal 3"`,
/// `"Unknown signal 99"`.
#[no_mangle]
pub extern "C" fn strsignal(s: c_int) -> *mut c_char {
    if let Some(t) = error_text::signal(s) {
        return c(t);
    }
    let mut tmp = [0; 40];
    let text = error_text::signal_or_unknown(s, &mut tmp);
    // SAFETY: see `Text`.
    unsafe { terminated(&raw mut STRSIGNAL, text) }
}

/// `const char *sigabbrev_np(int s)`: `"INT"` and so on, NULL if none.
#[no_mangle]
pub extern "C" fn sigabbrev_np(s: c_int) -> *const c_char {
    error_text::signal_name(s).map_or(core::ptr::null(), |s| c(s).cast_const())
}

/// `const char *sigdescr_np(int s)`: the text of a standard signal, NULL otherwise.
#[no_mangle]
pub extern "C" fn sigdescr_np(s: c_int) -> *const c_char {
    if !(1..32).contains(&s) {
        return core::ptr::null();
    }
    strsignal(s)
}
