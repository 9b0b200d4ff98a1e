//! crt0's runner for real Linux kernels, shared by the real-kernel tests (`tests/kernel.rs`)
//! and `cargo xtask startup-aarch64`.
//!
//! - [`arch`]: what differs per architecture (qemu binary and flags, console, image format,
//!   the C compiler for the guest `/init`, Debian's name), one table entry each.
//! - [`pins`]: the kernels, pinned by Debian package name, version and SHA-256 in
//!   `vm/kernels.txt`; [`update`] moves the pins to what the archive has now.
//! - [`fetch`]: fetches a pinned kernel once into the cache ([`cache`]), verifies it and
//!   reuses it.
//! - [`boot`]: boots it under qemu-system with a program as the only process (under a small
//!   static `/init`, `init.c`) and reads back the program's output and exit status.
//!
//! ```no_run
//! let kernel = crt0_vm::pins::find("aarch64", "unstable")?;
//! let mut guest = crt0_vm::Guest::new(kernel, "target/aarch64-unknown-linux-gnu/release/kernel");
//! guest.args.push("@order:3".into());
//! let outcome = crt0_vm::run(&guest)?;
//! assert_eq!(outcome.status, crt0_vm::Status::Exited(0));
//! # Ok::<(), String>(())
//! ```

pub mod arch;
pub mod boot;
pub mod cache;
pub mod fetch;
mod init;
mod initramfs;
pub mod pins;
pub mod update;

pub use arch::{Arch, ARCHES};
pub use boot::{run, Guest, Outcome, Status};
pub use pins::Kernel;

use std::process::{Command, Output};

/// Runs a host tool and returns its output; a missing tool is an error naming the Debian
/// `package` to install, a failing one an error with its stderr.
pub(crate) fn run_tool(mut c: Command, package: &str, what: &str) -> Result<Output, String> {
    let program = c.get_program().to_string_lossy().into_owned();
    let what = if what.is_empty() { program.clone() } else { format!("{what} ({program})") };
    let out = c.output().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!("{program} not found: install the Debian package {package}"),
        _ => format!("{what}: {e}"),
    })?;
    if !out.status.success() {
        // Once each: curl repeats its error for every retry.
        let stderr = String::from_utf8_lossy(&out.stderr);
        let mut lines: Vec<&str> = Vec::new();
        for l in stderr.lines().map(str::trim).filter(|l| !l.is_empty()) {
            if !lines.contains(&l) {
                lines.push(l);
            }
        }
        return Err(format!("{what} failed ({}): {}", out.status, lines.join("\n")));
    }
    Ok(out)
}
