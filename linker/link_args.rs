// The link arguments of a static executable started by crt0, for a
// program's build.rs to `include!` (crt0's examples and test programs do):
//
//     include!("path/to/crt0/linker/link_args.rs");
//     fn main() { crt0_link_args("path/to/crt0, relative to the package"); }
//
// Only the binaries get them: a test harness linked this way would have no
// entry point.

/// Prints the link arguments for the target cargo is building for.
fn crt0_link_args(crt0_dir: &str) {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("none") {
        // x86_64-none.json / aarch64-none.json: rust-lld links directly,
        // with no C start files or libc to leave out; it needs the layout
        // crt0 reads (TLS, init/fini arrays, IRELATIVE bounds, RELRO). An
        // absolute path: the linker runs in the program's workspace.
        let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
        let script = format!("{dir}/{crt0_dir}/linker/crt0.ld");
        println!("cargo:rustc-link-arg-bins=-T{script}");
        println!("cargo:rerun-if-changed={script}");
    } else {
        // Host targets: the C compiler driver links, so turn off its crt1.o
        // and libc; its default linker script has everything crt0 reads.
        // CRT0_STATIC_PIE=1 links static-PIE instead (the host targets
        // compile position-independent code already), entered at crt0's
        // relocating entry; the `*-none` targets have JSON variants for
        // it, `*-none-pie.json`.
        println!("cargo:rerun-if-env-changed=CRT0_STATIC_PIE");
        let pie = std::env::var("CRT0_STATIC_PIE").as_deref() == Ok("1");
        let link: &[&str] = match pie {
            false => &["-static"],
            true if crt0_driver_knows_static_pie() => &["-static-pie", "-Wl,-e,_start_pie"],
            // GCC 12 for riscv64 turns -static-pie into a PIE that asks for
            // a dynamic linker: pass what the others pass for it, except
            // `-z text`, which binutils 2.40 fails for riscv64 when it
            // leaves R_RISCV_NONE entries (offset 0, in the read-only
            // segment) for TLS GOT slots it resolved itself; crt0 skips them.
            true => &["-static", "-Wl,-pie,--no-dynamic-linker", "-Wl,-e,_start_pie"],
        };
        for arg in ["-nostartfiles", "-nostdlib"].iter().chain(link) {
            println!("cargo:rustc-link-arg-bins={arg}");
        }
    }
}

/// Whether the C compiler driver cargo links with (`RUSTC_LINKER`, else
/// `cc`) links `-static-pie` as a static PIE, which its link spec says by
/// passing `--no-dynamic-linker` for it.
fn crt0_driver_knows_static_pie() -> bool {
    let linker = std::env::var("RUSTC_LINKER").unwrap_or_else(|_| "cc".into());
    match std::process::Command::new(&linker).arg("-dumpspecs").output() {
        Ok(out) => String::from_utf8_lossy(&out.stdout).contains("--no-dynamic-linker"),
        Err(_) => true, // not a gcc: let it say what it makes of -static-pie
    }
}
