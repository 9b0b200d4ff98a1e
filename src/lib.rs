//! crt0: a start-up runtime for static Linux executables, written in Rust
//! (`#![no_std]`). It replaces the C library's `crt0.o`/`crt1.o`, the code
//! between the kernel's `execve` and `main`: static TLS and the
//! stack-protector canary, GNU IFUNC, RELRO, constructors by priority,
//! static-PIE self-relocation, rseq(2) registration with glibc's `__rseq_*`
//! symbols and the rseq *registration owner* protocol, then `main` and
//! `exit`. It also brings a heap, threads, per-CPU operations on rseq, and
//! a C library for programs written in C. x86_64 and aarch64; the host
//! targets (`x86_64-unknown-linux-gnu`, `aarch64-unknown-linux-gnu`, on
//! stable) and crt0's freestanding targets (`x86_64-none`, `aarch64-none`).
//!
//! # Quick start
//!
//! ```toml
//! # Cargo.toml
//! [dependencies]
//! crt0 = "0.1"
//! [build-dependencies]
//! crt0-build = "0.1"        # the link arguments, for every target
//!
//! [[bin]]
//! name = "hello"
//! path = "src/main.rs"
//! test = false              # a #![no_std] program cannot host the test harness
//! bench = false
//!
//! [profile.dev]
//! panic = "abort"
//! [profile.release]
//! panic = "abort"
//! ```
//!
//! ```rust,ignore
//! // build.rs
//! fn main() {
//!     crt0_build::link();
//! }
//! ```
//!
//! ```rust,ignore
//! // src/main.rs
//! #![no_std]
//! #![no_main]
//!
//! fn main(args: crt0::Args) -> Result<(), &'static str> {
//!     for a in args.iter().skip(1) {
//!         crt0::println!("{}", a.to_str().map_err(|_| "argument is not UTF-8")?);
//!     }
//!     Ok(())
//! }
//! crt0::main!(main);
//! ```
//!
//! `cargo run -- a b` prints `a` and `b`; `CRT0_TRACE=1 cargo run` also
//! prints a line per start-up phase. A whole project (a library with unit
//! tests, integration tests that run the program, examples and benches,
//! the `*-none` targets) is in crt0's repository as `examples/user-project`,
//! with its layout in the repository's `docs/RUST.md`; crt0-build's
//! documentation has the targets and link arguments. From C: `crt0-cc`,
//! crt0's compiler wrapper, which `crt/crt0-cc --install PREFIX` installs
//! with a prebuilt runtime (the repository's `docs/C.md`).
//!
//! # Modules
//!
//! In start-up order ([`entry`]'s `main!` is where a program comes in):
//!
//! | phase | module |
//! |---|---|
//! | static-PIE: relocate the image before anything reads a pointer | [`reloc`] |
//! | 1. argc, argv, envp, the auxiliary vector | [`args`](mod@args), [`auxv`] |
//! | 2. static TLS, the thread control block, the canary | [`tls`], [`elf`] |
//! | 3-6. the rseq owner protocol and registration | [`rseq`], [`rseq::owner`] |
//! | 4. IFUNC and Rust resolvers (`ifunc!`), then RELRO | [`ifunc`](mod@ifunc) |
//! | 5. `.preinit_array`, `_init`, `.init_array` | [`init_array`] |
//! | 7. `main`, then `exit`: atexit handlers, `.fini_array` | [`entry`], [`exit`] |
//!
//! What programs use afterwards: [`io`] (`print!`, `println!`), [`syscall`]
//! (typed system calls, [`syscall::raw`] for any other; every number and
//! structure of the kernel's ABI is in the re-exported [`linux_raw_sys`]),
//! [`heap`] (the global allocator and C's malloc family), [`thread`],
//! [`percpu`] (per-CPU counters, words and stacks on rseq), [`signal`],
//! [`sync`] (futex-based locks), [`mem`] (`memcpy` and friends), [`vdso`],
//! `fork` (C's `fork` and `pthread_atfork`), and [`fatal`] (`crt0: fatal:
//! <what>`, exit status 127). The C interface (`malloc`, `printf`,
//! `pthread_*`, ...) is in the private module `c`, one file per area;
//! `start` is the start-up order itself, one call per phase.
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
//! parsing and layout code. In crt0's source, `cfg(any(test, all(panic =
//! "unwind", not(doc))))` marks what unit tests and hosted builds share
//! (`not(doc)`: rustdoc is not given the profile's panic strategy, and the
//! documentation is of the runtime).
#![cfg_attr(not(test), no_std)]
// A hosted build (see "Linked into a std program" above) leaves the runtime
// out, and with it the only users of much of the rest.
#![cfg_attr(all(panic = "unwind", not(test), not(doc)), allow(dead_code, unused_imports))]
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]
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
#[cfg(not(any(test, all(panic = "unwind", not(doc)))))]
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
#[cfg(not(any(test, all(panic = "unwind", not(doc)))))]
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

#[cfg(not(any(test, all(panic = "unwind", not(doc)))))]
mod c;
#[cfg(all(not(any(test, all(panic = "unwind", not(doc)))), feature = "panic-handler"))]
mod panic;
#[cfg(not(any(test, all(panic = "unwind", not(doc)))))]
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
#[cfg(not(any(test, all(panic = "unwind", not(doc)), target_os = "none")))]
#[no_mangle]
pub extern "C" fn rust_eh_personality() {}

/// The host targets' precompiled `alloc` also has landing pads (in
/// `alloc::fmt::format`, behind `format!`) that resume unwinding through
/// this libgcc_eh function. crt0 programs abort on panic, so nothing ever
/// unwinds to it; should something try, SIGABRT is the honest answer.
#[cfg(not(any(test, all(panic = "unwind", not(doc)), target_os = "none")))]
#[no_mangle]
pub extern "C" fn _Unwind_Resume() -> ! {
    exit::abort()
}
