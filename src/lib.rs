//! crt0: a freestanding start-up runtime for static Linux executables.
//!
//! The start-up order lives in [`start`](crate::start); each phase has its
//! own module. See the README for the picture and for how to use crt0 from
//! Rust and from C.
#![cfg_attr(not(test), no_std)]
#![deny(unsafe_op_in_unsafe_fn)]
#![cfg_attr(feature = "c-variadic", feature(c_variadic))]

// Per-CPU structures allocate their slots (`percpu`).
extern crate alloc;

#[cfg_attr(target_arch = "x86_64", path = "arch/x86_64/mod.rs")]
#[cfg_attr(target_arch = "aarch64", path = "arch/aarch64/mod.rs")]
#[cfg_attr(target_arch = "riscv64", path = "arch/riscv64/mod.rs")]
// The freestanding targets take memmove and memset from compiler_builtins
// (see `mem`), which leaves the arch's backward copy and fill unused there.
#[cfg_attr(target_os = "none", allow(dead_code, unused_imports))]
mod arch;

pub mod args;
pub mod auxv;
#[cfg_attr(test, allow(dead_code))]
pub(crate) mod cstr;
pub mod elf;
pub mod entry;
#[cfg_attr(test, allow(dead_code))]
pub(crate) mod error_text;
pub mod exit;
pub mod fatal;
#[cfg_attr(test, allow(dead_code))]
pub(crate) mod float;
#[cfg(not(test))]
pub mod fork;
#[cfg(test)]
mod fuzz;
pub mod heap;
pub mod ifunc;
pub mod init_array;
pub mod io;
mod linker;
pub mod mem;
pub mod percpu;
#[cfg_attr(test, allow(dead_code))]
pub(crate) mod printf;
pub mod reloc;
#[cfg(not(test))]
mod relro;
pub mod rseq;
mod settings;
pub mod signal;
pub mod sync;
pub mod syscall;
pub mod thread;
pub mod tls;
mod trace;
pub mod vdso;

#[cfg(not(test))]
mod c;
#[cfg(all(not(test), feature = "panic-handler"))]
mod panic;
#[cfg(not(test))]
mod start;

pub use args::{args, var, Args};

/// Debug builds of `core` reference the unwinding personality routine even
/// with `panic = "abort"`; crt0 programs never unwind. (Only the host
/// targets' precompiled `core`, built for unwinding, does: the freestanding
/// targets build theirs with build-std and panic=abort.)
#[cfg(not(any(test, target_os = "none")))]
#[no_mangle]
pub extern "C" fn rust_eh_personality() {}

/// The host targets' precompiled `alloc` also has landing pads (in
/// `alloc::fmt::format`, behind `format!`) that resume unwinding through
/// this libgcc_eh function. crt0 programs abort on panic, so nothing ever
/// unwinds to it; should something try, SIGABRT is the honest answer.
#[cfg(not(any(test, target_os = "none")))]
#[no_mangle]
pub extern "C" fn _Unwind_Resume() -> ! {
    exit::abort()
}
