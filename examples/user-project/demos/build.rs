fn main() {
    // Examples, (harness = false) benches and integration tests are all
    // crt0 programs here.
    crt0_build::Link::new().benches(true).tests(true).emit();
}
