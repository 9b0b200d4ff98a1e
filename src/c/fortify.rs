//! What hardened code calls when a check it carries fails:
//! `__stack_chk_fail` (`-fstack-protector`) and `__chk_fail`
//! (`-D_FORTIFY_SOURCE`'s `__*_chk` functions, when a buffer is too small).

use crate::{exit, syscall};

/// Called by `-fstack-protector` code when the canary was overwritten.
#[no_mangle]
pub extern "C" fn __stack_chk_fail() -> ! {
    let _ = syscall::write_all(2, b"crt0: fatal: stack smashing detected\n");
    exit::abort()
}

/// Prints `*** <what> ***: terminated` on stderr, as glibc does, and
/// raises SIGABRT.
pub(crate) fn fortify_fail(what: &str) -> ! {
    let _ = syscall::write_all(2, b"*** ");
    let _ = syscall::write_all(2, what.as_bytes());
    let _ = syscall::write_all(2, b" ***: terminated\n");
    exit::abort()
}

/// A fortified function found that the caller's buffer is too small.
pub(crate) fn chk_fail() -> ! {
    fortify_fail("buffer overflow detected")
}

/// `void __chk_fail(void)`: what glibc's own checking functions call.
#[no_mangle]
pub extern "C" fn __chk_fail() -> ! {
    chk_fail()
}
