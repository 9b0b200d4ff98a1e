//! The panic handler (Cargo feature `panic-handler`): the message and its
//! location on stderr, then SIGABRT, as std does with `panic = "abort"`;
//! except a failed allocation: `crt0: fatal: out of memory allocating N
//! bytes`, status 127 (see `heap::report_allocation_failure`).

use core::fmt::Write;

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    // A failed Rust allocation arrives here as alloc's panic; it ends as a
    // fatal error instead (exit status 127).
    crate::heap::report_allocation_failure(info);
    let mut w = crate::io::BufWriter::<512>::new(2);
    match info.location() {
        Some(l) => {
            let _ = write!(w, "panicked at {}:{}:{}:\n{}\n", l.file(), l.line(), l.column(), info.message());
        }
        None => {
            let _ = write!(w, "panicked:\n{}\n", info.message());
        }
    }
    w.flush();
    crate::exit::abort()
}
