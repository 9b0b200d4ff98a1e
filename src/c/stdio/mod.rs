//! `<stdio.h>`: buffered streams over file descriptors and the printf and
//! scanf families.
//!
//! - `file`: the `FILE` structure (glibc's layout where its headers look),
//!   buffering, the list of streams `exit` flushes;
//! - `lock`: each stream's recursive lock;
//! - `std`: `stdin`, `stdout`, `stderr`;
//! - `write`, `read`: characters, strings and blocks, `fflush`, the
//!   `__overflow`/`__uflow` that glibc's inline macros call;
//! - `open`: `fopen`, `fdopen`, `fclose`, `setvbuf`, `fseek`, `ftell`, ...;
//! - `printf`: the `v*printf` functions over the `printf` engine, and the
//!   sinks (stream, buffer, descriptor, allocated string);
//! - `scanf`: the scanf engine and `v*scanf`;
//! - `variadic`: `printf`, `scanf` and the other `...` entry points, which
//!   need nightly's `c_variadic` (the `c-variadic` feature).
//!
//! A program that uses none of it links none of it: the streams are set up
//! at their first use, and only then is the flush at exit registered.

mod file;
mod lock;
mod open;
mod printf;
mod read;
mod scanf;
mod std;
#[cfg(feature = "c-variadic")]
mod variadic;
mod write;

pub use file::File;

use super::errno::set_errno;
use super::malloc::{alloc, release};

/// C's EOF.
pub const EOF: core::ffi::c_int = -1;

/// Writes `parts` to stderr as one piece of output (getopt's messages).
pub fn put_stderr(parts: &[&[u8]]) {
    // SAFETY: stderr is a live stream.
    unsafe { write::put_parts(std::err(), parts) };
}

/// Runs `f` with the stream locked.
///
/// # Safety
/// `f` is a live stream.
#[inline]
pub unsafe fn locked<T>(f: *mut File, body: impl FnOnce(*mut File) -> T) -> T {
    // SAFETY: per the caller.
    let lock = unsafe { &(*f).lock };
    lock.lock();
    let r = body(f);
    lock.unlock();
    r
}
