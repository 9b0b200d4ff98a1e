//! gzip on crt0: compresses standard input to standard output in the gzip
//! format, or decompresses with `-d`. No std and no C library: a registry
//! crate (miniz_oxide, no_std + alloc) runs on crt0's heap, input comes from
//! crt0's read(2) and output goes out through crt0's write(2).
//!
//! ```sh
//! cargo build --release -p crt0-examples --bin gzip
//! target/release/gzip -9 < file > file.gz && zcat file.gz | cmp - file
//! gzip -c file | target/release/gzip -d | cmp - file
//! ```
//!
//! Usage: `gzip [-d] [-1 ... -9] < in > out`. The crate needed no change:
//! crt0 supplies the `#[global_allocator]`, so `alloc` works as under std.
//!
//! Its output is a standard gzip file (`gzip -d` and `zcat` read it), and it
//! reads theirs, several members included. Errors (input that is not gzip,
//! cut short or corrupt, a failed read or write) print `gzip: ...` on stderr
//! and exit with status 1; a bad option exits with status 2.
#![no_std]
#![no_main]

extern crate alloc;

mod crc32;
mod format;

use alloc::vec::Vec;

use crt0::syscall::Errno;

/// gzip's default level, a balance of speed and size.
const DEFAULT_LEVEL: u8 = 6;
/// How much more room to ask for before each read.
const READ_CHUNK: usize = 256 * 1024;

fn main(args: crt0::Args) -> i32 {
    let (mut decompress, mut level) = (false, DEFAULT_LEVEL);
    for arg in args.iter().skip(1) {
        let opts = match arg.to_bytes() {
            [b'-', opts @ ..] if !opts.is_empty() => opts,
            _ => return usage(),
        };
        for &o in opts {
            match o {
                b'd' => decompress = true,
                // Always to stdout; accepted because `gzip -c` is a habit.
                b'c' => {}
                b'1'..=b'9' => level = o - b'0',
                _ => return usage(),
            }
        }
    }

    let input = match read_all(0) {
        Ok(input) => input,
        Err(e) => return fail("reading stdin", e),
    };
    // The sink keeps the write error, so the message can name it.
    let mut write_error = None;
    let mut sink = |piece: &[u8]| {
        crt0::io::write_all(1, piece).map_err(|e| {
            write_error = Some(e);
            e.0
        })
    };
    let result = if decompress {
        format::decompress(&input, &mut sink)
    } else {
        format::compress(&input, level, &mut sink)
    };
    match (result, write_error) {
        (Ok(()), _) => 0,
        (Err(_), Some(e)) => fail("writing stdout", e),
        (Err(e), None) => {
            crt0::eprintln!("gzip: stdin: {e}");
            1
        }
    }
}
crt0::main!(main);

/// Reads `fd` to its end into a growing buffer on the heap.
fn read_all(fd: i32) -> Result<Vec<u8>, Errno> {
    let mut buf = Vec::new();
    loop {
        buf.reserve(READ_CHUNK);
        let spare = buf.spare_capacity_mut();
        // SAFETY: `spare` is writable for its length; read(2) writes at most
        // that many bytes into it.
        let n = match unsafe { crt0::syscall::read(fd, spare.as_mut_ptr().cast(), spare.len()) } {
            Ok(0) => return Ok(buf),
            Ok(n) => n,
            Err(Errno(EINTR)) => continue,
            Err(e) => return Err(e),
        };
        // SAFETY: read(2) initialised the first `n` spare bytes, n <= spare.len().
        unsafe { buf.set_len(buf.len() + n) };
    }
}

const EINTR: i32 = 4;

fn fail(doing: &str, e: Errno) -> i32 {
    crt0::eprintln!("gzip: {doing}: {} (errno {})", describe(e), e.0);
    1
}

/// The usual description of the errors a filter meets.
fn describe(e: Errno) -> &'static str {
    match e.0 {
        5 => "input/output error",
        9 => "bad file descriptor",
        21 => "is a directory",
        28 => "no space left on device",
        32 => "broken pipe",
        _ => "error",
    }
}

fn usage() -> i32 {
    crt0::eprintln!("usage: gzip [-d] [-1 ... -9] < input > output");
    2
}
