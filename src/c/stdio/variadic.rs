//! The entry points with C's `...`: the printf and scanf families. Defining
//! a variadic function needs nightly's `c_variadic` (the `c-variadic`
//! feature, which crt/crt0-cc turns on); each one hands its arguments, as
//! a `va_list`, to the `v*` function that does the work.

use core::ffi::{c_char, c_int, VaList};

use super::file::File;
use super::{printf, scanf, std};
use crate::arch::va;
use crate::c::fortify::chk_fail;

// The compiler's va_list and crt0's reader of it are the same structure.
const _: () = assert!(core::mem::size_of::<VaList>() == core::mem::size_of::<va::VaList>());

/// crt0's view of a `...` list.
fn raw<'a>(ap: &'a mut VaList<'_>) -> &'a mut va::VaList {
    // SAFETY: `VaList` is the platform's va_list, which `va::VaList` lays
    // out field for field (checked above by size; both follow the ABI).
    unsafe { &mut *(ap as *mut VaList<'_>).cast::<va::VaList>() }
}

/// `int printf(const char *fmt, ...)`.
///
/// # Safety
/// The arguments must match the format.
#[no_mangle]
pub unsafe extern "C" fn printf(fmt: *const c_char, mut args: ...) -> c_int {
    // SAFETY: per the caller; stdout is live.
    unsafe { printf::to_stream(std::out(), fmt, raw(&mut args)) }
}

/// `int fprintf(FILE *f, const char *fmt, ...)`.
///
/// # Safety
/// `f` a live stream; the arguments must match the format.
#[no_mangle]
pub unsafe extern "C" fn fprintf(f: *mut File, fmt: *const c_char, mut args: ...) -> c_int {
    // SAFETY: per the caller.
    unsafe { printf::to_stream(f, fmt, raw(&mut args)) }
}

/// `int dprintf(int fd, const char *fmt, ...)`.
///
/// # Safety
/// The arguments must match the format.
#[no_mangle]
pub unsafe extern "C" fn dprintf(fd: c_int, fmt: *const c_char, mut args: ...) -> c_int {
    // SAFETY: per the caller.
    unsafe { printf::to_fd(fd, fmt, raw(&mut args)) }
}

/// `int sprintf(char *s, const char *fmt, ...)`.
///
/// # Safety
/// `s` large enough; the arguments must match the format.
#[no_mangle]
pub unsafe extern "C" fn sprintf(s: *mut c_char, fmt: *const c_char, mut args: ...) -> c_int {
    // SAFETY: per the caller.
    unsafe { printf::to_buffer(s, usize::MAX, fmt, raw(&mut args)) }
}

/// `int snprintf(char *s, size_t n, const char *fmt, ...)`.
///
/// # Safety
/// `s` writable for `n` bytes; the arguments must match the format.
#[no_mangle]
pub unsafe extern "C" fn snprintf(s: *mut c_char, n: usize, fmt: *const c_char, mut args: ...) -> c_int {
    // SAFETY: per the caller.
    unsafe { printf::to_buffer(s, n, fmt, raw(&mut args)) }
}

/// `int asprintf(char **strp, const char *fmt, ...)`.
///
/// # Safety
/// `strp` writable; the arguments must match the format.
#[no_mangle]
pub unsafe extern "C" fn asprintf(strp: *mut *mut c_char, fmt: *const c_char, mut args: ...) -> c_int {
    // SAFETY: per the caller.
    unsafe { printf::to_alloc(strp, fmt, raw(&mut args)) }
}

/// `__printf_chk(int flag, const char *fmt, ...)` (`_FORTIFY_SOURCE`).
///
/// # Safety
/// As `printf`.
#[no_mangle]
pub unsafe extern "C" fn __printf_chk(_flag: c_int, fmt: *const c_char, mut args: ...) -> c_int {
    // SAFETY: per the caller.
    unsafe { printf::to_stream(std::out(), fmt, raw(&mut args)) }
}

/// `__fprintf_chk(FILE *f, int flag, const char *fmt, ...)`.
///
/// # Safety
/// As `fprintf`.
#[no_mangle]
pub unsafe extern "C" fn __fprintf_chk(f: *mut File, _flag: c_int, fmt: *const c_char, mut args: ...) -> c_int {
    // SAFETY: per the caller.
    unsafe { printf::to_stream(f, fmt, raw(&mut args)) }
}

/// `__dprintf_chk(int fd, int flag, const char *fmt, ...)`.
///
/// # Safety
/// As `dprintf`.
#[no_mangle]
pub unsafe extern "C" fn __dprintf_chk(fd: c_int, _flag: c_int, fmt: *const c_char, mut args: ...) -> c_int {
    // SAFETY: per the caller.
    unsafe { printf::to_fd(fd, fmt, raw(&mut args)) }
}

/// `__sprintf_chk(char *s, int flag, size_t slen, const char *fmt, ...)`:
/// the output must fit in `slen` bytes.
///
/// # Safety
/// As `sprintf`.
#[no_mangle]
pub unsafe extern "C" fn __sprintf_chk(s: *mut c_char, _flag: c_int, slen: usize, fmt: *const c_char, mut args: ...) -> c_int {
    // SAFETY: per the caller.
    unsafe { printf::to_checked_buffer(s, slen, fmt, raw(&mut args)) }
}

/// `__snprintf_chk(char *s, size_t n, int flag, size_t slen, const char *fmt, ...)`.
///
/// # Safety
/// As `snprintf`.
#[no_mangle]
pub unsafe extern "C" fn __snprintf_chk(s: *mut c_char, n: usize, _flag: c_int, slen: usize, fmt: *const c_char, mut args: ...) -> c_int {
    if slen < n {
        chk_fail();
    }
    // SAFETY: per the caller.
    unsafe { printf::to_buffer(s, n, fmt, raw(&mut args)) }
}

/// `__asprintf_chk(char **strp, int flag, const char *fmt, ...)`.
///
/// # Safety
/// As `asprintf`.
#[no_mangle]
pub unsafe extern "C" fn __asprintf_chk(strp: *mut *mut c_char, _flag: c_int, fmt: *const c_char, mut args: ...) -> c_int {
    // SAFETY: per the caller.
    unsafe { printf::to_alloc(strp, fmt, raw(&mut args)) }
}

macro_rules! scanf_entry_points {
    ($($(#[$doc:meta])* $name:ident($($arg:ident: $t:ty),*) => $how:ident($($pass:expr),*), $gnu:expr;)*) => {$(
        $(#[$doc])*
        ///
        /// # Safety
        /// The strings NUL-terminated, the stream live; the arguments are
        /// pointers of the types the format names.
        #[no_mangle]
        pub unsafe extern "C" fn $name($($arg: $t,)* fmt: *const c_char, mut args: ...) -> c_int {
            // SAFETY: per the caller.
            unsafe { scanf::$how($($pass,)* fmt, raw(&mut args), $gnu) }
        }
    )*};
}

scanf_entry_points! {
    /// `int sscanf(const char *s, const char *fmt, ...)`: what glibc's
    /// headers call with `_GNU_SOURCE` (`%as` allocates, the GNU way).
    sscanf(s: *const c_char) => from_str(s), true;
    /// `int __isoc99_sscanf(...)`: what they call otherwise (C99).
    __isoc99_sscanf(s: *const c_char) => from_str(s), false;
    /// `int __isoc23_sscanf(...)`: glibc 2.38's headers in C2x mode.
    __isoc23_sscanf(s: *const c_char) => from_str(s), false;
    /// `int fscanf(FILE *f, const char *fmt, ...)`.
    fscanf(f: *mut File) => from_file(f), true;
    /// `int __isoc99_fscanf(...)`.
    __isoc99_fscanf(f: *mut File) => from_file(f), false;
    /// `int __isoc23_fscanf(...)`.
    __isoc23_fscanf(f: *mut File) => from_file(f), false;
    /// `int scanf(const char *fmt, ...)`.
    scanf() => from_file(std::input()), true;
    /// `int __isoc99_scanf(...)`.
    __isoc99_scanf() => from_file(std::input()), false;
    /// `int __isoc23_scanf(...)`.
    __isoc23_scanf() => from_file(std::input()), false;
}
