//! An idiomatic Rust entry point on top of C's `main(argc, argv, envp)`:
//!
//! ```ignore
//! fn main(args: crt0::Args) -> Result<(), &'static str> { ... }
//! crt0::main!(main);
//! ```
//!
//! The function gets the arguments as [`Args`](crate::Args) and may return
//! `()`, an `i32` exit status, or a `Result` whose error is printed
//! (`Error: {err:?}`) before exiting with status 1, as std does.

use core::fmt::Debug;

/// What a Rust `main` may return.
pub trait Termination {
    /// The process exit status.
    fn report(self) -> i32;
}

impl Termination for () {
    fn report(self) -> i32 {
        0
    }
}

impl Termination for i32 {
    fn report(self) -> i32 {
        self
    }
}

impl Termination for u8 {
    fn report(self) -> i32 {
        i32::from(self)
    }
}

impl Termination for core::convert::Infallible {
    fn report(self) -> i32 {
        match self {}
    }
}

impl<T: Termination, E: Debug> Termination for Result<T, E> {
    fn report(self) -> i32 {
        match self {
            Ok(v) => v.report(),
            Err(e) => {
                crate::eprintln!("Error: {:?}", e);
                1
            }
        }
    }
}

/// Defines C's `main` to call a Rust function `fn(crt0::Args) -> impl Termination`
/// (which may itself be called `main`: the C symbol is exported under
/// another Rust name).
#[macro_export]
macro_rules! main {
    ($f:path) => {
        const _: () = {
            #[unsafe(export_name = "main")]
            extern "C" fn crt0_c_main(_argc: i32, _argv: *const *const u8, _envp: *const *const u8) -> i32 {
                $crate::entry::Termination::report($f($crate::args::args()))
            }
        };
    };
}
