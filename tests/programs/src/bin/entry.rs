//! crt0's idiomatic Rust entry: `fn(Args) -> Result<(), E>`.
#![no_std]
#![no_main]

#[derive(Debug)]
#[allow(dead_code)] // read through Debug
enum Failure {
    Asked(&'static str),
}

fn run(args: crt0::Args) -> Result<(), Failure> {
    crt0::println!("entry argc={}", args.len());
    for a in args.into_iter().skip(1) {
        if a.to_bytes() == b"fail" {
            return Err(Failure::Asked("fail"));
        }
        crt0::println!("entry arg={}", a.to_str().unwrap_or("?"));
    }
    Ok(())
}

crt0::main!(run);
