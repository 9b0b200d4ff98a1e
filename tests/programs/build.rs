fn main() {
    crt0_build::link();
}
