//! crt0: a freestanding start-up runtime for static Linux executables.
//!
//! The start-up order lives in [`start`](crate::start); each phase has its
//! own module. See the README for the picture and for how to use crt0 from
//! Rust and from C.
//!
//! # Linked into a std program
//!
//! A crt0 program is always built with `panic = "abort"` (the `*-none`
//! targets allow nothing else, and on the host targets a `#![no_std]`
//! program cannot unwind). Cargo builds test harnesses with
//! `panic = "unwind"` whatever the profile says, so crt0 compiled with
//! `panic = "unwind"` is crt0 linked into a std program: a user's unit tests
//! of a library that calls crt0. That build is *hosted*: the C library has
//! started the program, so crt0 leaves out everything that would clash with
//! it or with std: `_start` and the start-up, the panic handler, the global
//! allocator, `rust_eh_personality`, and every C symbol (`malloc`,
//! `memcpy`, `pthread_create`, `__rseq_offset`, ...); what needs crt0's
//! start-up (threads, the heap's entry points, `fork`) is not there either.
//! The rest works as in crt0's own unit tests: `print!`, the system calls,
//! parsing and layout code. In crt0's source, `cfg(any(test, panic =
//! "unwind"))` marks what unit tests and hosted builds share.
#![cfg_attr(not(test), no_std)]
// A hosted build (see "Linked into a std program" above) leaves the runtime
// out, and with it the only users of much of the rest.
#![cfg_attr(all(panic = "unwind", not(test)), allow(dead_code, unused_imports))]
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

// Per-CPU structures allocate their slots (`percpu`).
extern crate alloc;

#[cfg_attr(target_arch = "x86_64", path = "arch/x86_64/mod.rs")]
#[cfg_attr(target_arch = "aarch64", path = "arch/aarch64/mod.rs")]
// The freestanding targets take memmove and memset from compiler_builtins
// (see `mem`), which leaves the arch's backward copy and fill unused there.
#[cfg_attr(target_os = "none", allow(dead_code, unused_imports))]
mod arch;

pub mod args;
pub mod auxv;
pub mod elf;
pub mod entry;
pub mod exit;
pub mod fatal;
#[cfg(not(any(test, panic = "unwind")))]
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
pub mod reloc;
#[cfg(not(any(test, panic = "unwind")))]
mod relro;
pub mod rseq;
mod settings;
pub mod signal;
pub mod sync;
pub mod syscall;
mod kernel;
pub mod thread;
pub mod tls;
mod trace;
pub mod vdso;

#[cfg(not(any(test, panic = "unwind")))]
mod c;
#[cfg(all(not(any(test, panic = "unwind")), feature = "panic-handler"))]
mod panic;
#[cfg(not(any(test, panic = "unwind")))]
mod start;

pub use args::{args, var, Args};
/// The kernel's ABI (system call numbers, constants and structures for every
/// architecture), the version crt0 itself uses: for the system calls crt0 has
/// no wrapper for, with [`syscall::raw`].
pub use linux_raw_sys;

/// Debug builds of `core` reference the unwinding personality routine even
/// with `panic = "abort"`; crt0 programs never unwind. (Only the host
/// targets' precompiled `core`, built for unwinding, does: the freestanding
/// targets build theirs with build-std and panic=abort.)
#[cfg(not(any(test, panic = "unwind", target_os = "none")))]
#[no_mangle]
pub extern "C" fn rust_eh_personality() {}

/// The host targets' precompiled `alloc` also has landing pads (in
/// `alloc::fmt::format`, behind `format!`) that resume unwinding through
/// this libgcc_eh function. crt0 programs abort on panic, so nothing ever
/// unwinds to it; should something try, SIGABRT is the honest answer.
#[cfg(not(any(test, panic = "unwind", target_os = "none")))]
#[no_mangle]
pub extern "C" fn _Unwind_Resume() -> ! {
    exit::abort()
}
