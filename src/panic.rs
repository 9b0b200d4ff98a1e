//! The panic handler (Cargo feature `panic-handler`): the message and its
//! location on stderr, then SIGABRT, as std does with `panic = "abort"`.

use core::fmt::Write;

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
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
