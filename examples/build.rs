// Static executables entered at crt0's `_start`. Only the binaries get these
// flags (a test harness linked this way would have no entry point). The same
// logic is in tests/programs/build.rs.

/// crt0's top directory, relative to this package.
const CRT0: &str = "..";

fn main() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("none") {
        // x86_64-none.json / aarch64-none.json: rust-lld links directly,
        // with no C start files or libc to leave out; it needs the layout
        // crt0 reads (TLS, init/fini arrays, IRELATIVE bounds, RELRO).
        let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
        let script = format!("{dir}/{CRT0}/linker/crt0.ld");
        println!("cargo:rustc-link-arg-bins=-T{script}");
        println!("cargo:rerun-if-changed={script}");
    } else {
        // Host targets: the C compiler driver links, so turn off its crt1.o
        // and libc; its default linker script has everything crt0 reads.
        for arg in ["-nostartfiles", "-nostdlib", "-static"] {
            println!("cargo:rustc-link-arg-bins={arg}");
        }
    }
}
