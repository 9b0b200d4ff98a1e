//! The C interface: what C programs (built with `crt/crt0-cc` against the
//! system's headers, or `crt/crt0.h`) call, one module per area. Each is a
//! thin layer of `#[no_mangle] extern "C"` functions over the Rust modules
//! that do the work; a program links only the functions it calls.
//!
//! Areas with a Rust module of their own keep their C functions there: the
//! heap (`heap::c_api`), threads (`thread::pthread`), per-CPU operations
//! (`percpu::c_api`) and the memory functions (`mem`).

mod assert;
mod auxv;
mod crt0;
mod ctype;
mod dlfcn;
pub(crate) mod env;
pub(crate) mod errno;
mod fd;
pub(crate) mod fortify;
mod fs;
mod getopt;
mod malloc;
mod math;
mod mman;
mod poll;
mod process;
mod process_fork;
mod pthread;
mod sched;
mod signal;
mod stdio;
pub(crate) mod stdlib;
pub(crate) mod string;
mod sysconf;
mod time;
mod unistd;
