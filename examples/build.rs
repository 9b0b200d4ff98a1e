include!("../linker/link_args.rs");

fn main() {
    crt0_link_args("..");
}
