//! `tally WORD...`: how often each word occurs, most frequent first.
#![no_std]
#![no_main]

fn main(args: crt0::Args) -> Result<(), &'static str> {
    let words: Result<alloc::vec::Vec<&str>, _> = args.iter().skip(1).map(|a| a.to_str()).collect();
    let words = words.map_err(|_| "an argument is not UTF-8")?;
    if words.is_empty() {
        crt0::eprintln!("usage: tally WORD...");
        crt0::exit::exit(2);
    }
    tally::report(&tally::tally(words));
    Ok(())
}
crt0::main!(main);

extern crate alloc;
