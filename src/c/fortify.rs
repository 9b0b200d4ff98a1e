//! What hardened code calls when a check it carries fails:
//! `__stack_chk_fail` (`-fstack-protector`) and `__chk_fail` (the
//! `_FORTIFY_SOURCE` entry points, `__*_chk`, when a buffer is too small).

use crate::{exit, syscall};

/// Called by `-fstack-protector` code when the canary was overwritten.
#[no_mangle]
pub extern "C" fn __stack_chk_fail() -> ! {
    let _ = syscall::write_all(2, b"crt0: fatal: stack smashing detected\n");
    exit::abort()
}

/// A `_FORTIFY_SOURCE` check failed: glibc's message on stderr, then
/// SIGABRT (glibc writes it to the terminal when there is one; crt0 always
/// to stderr).
pub fn chk_fail() -> ! {
    let _ = syscall::write_all(2, b"*** buffer overflow detected ***: terminated\n");
    exit::abort()
}

/// `void __chk_fail(void)`.
#[no_mangle]
pub extern "C" fn __chk_fail() -> ! {
    chk_fail()
}
