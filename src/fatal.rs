//! Fatal start-up errors: `crt0: fatal: <what>` on stderr, exit status 127.
//! No formatting machinery, so any code path may use it.

use crate::syscall;

/// Exit status of a fatal start-up error.
pub const STATUS: i32 = 127;

/// Prints `crt0: fatal: <what>` and exits with status 127.
#[cold]
pub fn die(what: &str) -> ! {
    report(what, None)
}

/// As [`die`], with a number after the message.
#[cold]
pub fn die_with(what: &str, n: usize) -> ! {
    report(what, Some(n))
}

#[inline(never)]
fn report(what: &str, n: Option<usize>) -> ! {
    let mut buf = [0u8; 20];
    let digits = match n {
        Some(n) => crate::io::decimal(n as u64, &mut buf),
        None => &[],
    };
    for part in [b"crt0: fatal: ", what.as_bytes(), digits, b"\n"] {
        let _ = syscall::write_all(2, part);
    }
    syscall::exit_group(STATUS)
}
