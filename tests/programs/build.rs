// Static executables entered at crt0's `_start`: no C start files, no libc.
// Only the binaries get these flags (a test harness linked this way would
// have no entry point).
fn main() {
    for arg in ["-nostartfiles", "-nostdlib", "-static"] {
        println!("cargo:rustc-link-arg-bins={arg}");
    }
}
