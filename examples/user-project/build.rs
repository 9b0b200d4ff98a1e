fn main() {
    // The binaries (and examples, if this package had any) link with crt0's
    // start-up, on every target crt0 supports.
    crt0_build::link();
}
