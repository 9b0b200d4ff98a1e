//! What hardened code calls when a check it carries fails:
//! `__stack_chk_fail` (`-fstack-protector`).

use crate::{exit, syscall};

/// Called by `-fstack-protector` code when the canary was overwritten.
#[no_mangle]
pub extern "C" fn __stack_chk_fail() -> ! {
    let _ = syscall::write_all(2, b"crt0: fatal: stack smashing detected\n");
    exit::abort()
}
