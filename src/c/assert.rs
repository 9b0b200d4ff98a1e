//! `<assert.h>`: what a failed `assert` calls. The message is glibc's,
//! `prog: file:line: function: Assertion `expr' failed.`, written to
//! stderr in one write, then the process aborts (SIGABRT).

use core::ffi::{c_char, c_int, c_uint};

use crate::{args, cstr, error_text, exit, syscall};

/// The bytes of a C string (empty for NULL).
///
/// # Safety
/// `s` NULL or NUL-terminated.
unsafe fn text<'a>(s: *const c_char) -> &'a [u8] {
    if s.is_null() {
        return &[];
    }
    // SAFETY: per the caller.
    unsafe { core::slice::from_raw_parts(s.cast(), cstr::len(s.cast())) }
}

/// The program's name as glibc's `__progname` has it: argv[0]'s last part.
fn progname() -> &'static [u8] {
    let name = args::args().get(0).map_or(&[][..], |a| a.to_bytes());
    name.rsplit(|&c| c == b'/').next().unwrap_or(name)
}

/// Writes the parts as one message on stderr, then aborts.
fn fail(parts: &[&[u8]]) -> ! {
    let mut buf = [0u8; 1024];
    let mut n = 0;
    for p in parts {
        let k = p.len().min(buf.len() - n);
        buf[n..n + k].copy_from_slice(&p[..k]);
        n += k;
    }
    let _ = syscall::write_all(2, &buf[..n]);
    exit::abort()
}

/// `prog: file:line: function: ` (each part only when there is one).
fn prefix<'a>(file: &'a [u8], line: &'a [u8], function: &'a [u8]) -> [&'a [u8]; 7] {
    let prog = progname();
    [
        prog,
        if prog.is_empty() { b"" } else { b": " },
        file,
        b":",
        line,
        b": ",
        function,
    ]
}

/// `void __assert_fail(const char *expr, const char *file, unsigned line, const char *function)`.
///
/// # Safety
/// The strings are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn __assert_fail(expr: *const c_char, file: *const c_char, line: c_uint, function: *const c_char) -> ! {
    let mut digits = [0u8; 20];
    let line = crate::io::decimal(line.into(), &mut digits);
    // SAFETY: per the caller.
    let (expr, file, function) = unsafe { (text(expr), text(file), text(function)) };
    let p = prefix(file, line, function);
    let sep: &[u8] = if function.is_empty() { b"" } else { b": " };
    fail(&[p[0], p[1], p[2], p[3], p[4], p[5], p[6], sep, b"Assertion `", expr, b"' failed.\n"])
}

/// `void __assert_perror_fail(int errnum, const char *file, unsigned line, const char *function)`.
///
/// # Safety
/// The strings are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn __assert_perror_fail(errnum: c_int, file: *const c_char, line: c_uint, function: *const c_char) -> ! {
    let mut digits = [0u8; 20];
    let line = crate::io::decimal(line.into(), &mut digits);
    let mut buf = [0; 40];
    let msg = error_text::message_or_unknown(errnum, &mut buf);
    // SAFETY: per the caller.
    let (file, function) = unsafe { (text(file), text(function)) };
    let p = prefix(file, line, function);
    let sep: &[u8] = if function.is_empty() { b"" } else { b": " };
    fail(&[p[0], p[1], p[2], p[3], p[4], p[5], p[6], sep, b"Unexpected error: ", msg, b".\n"])
}

/// `void __assert(const char *expr, const char *file, int line)`: the
/// older BSD entry point.
///
/// # Safety
/// The strings are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn __assert(expr: *const c_char, file: *const c_char, line: c_int) -> ! {
    // SAFETY: per the caller.
    unsafe { __assert_fail(expr, file, line as c_uint, core::ptr::null()) }
}
