//! The standard streams. glibc's headers declare `extern FILE *stdin,
//! *stdout, *stderr;`, so these are pointer objects (a program may assign
//! them) to static streams: stdin and stdout with static buffers (in .bss,
//! linked only when the stream is), stderr unbuffered.

use super::file::{File, BUF_SIZE, READ, UNBUF, WRITE};

static mut STDIN_BUF: [u8; BUF_SIZE] = [0; BUF_SIZE];
static mut STDOUT_BUF: [u8; BUF_SIZE] = [0; BUF_SIZE];

static mut STDIN_FILE: File = File::new(0, READ, &raw mut STDIN_BUF as *mut u8);
static mut STDOUT_FILE: File = File::new(1, WRITE, &raw mut STDOUT_BUF as *mut u8);
static mut STDERR_FILE: File = File::new(2, WRITE | UNBUF, core::ptr::null_mut());

/// `FILE *stdin`.
#[no_mangle]
pub static mut stdin: *mut File = &raw mut STDIN_FILE;
/// `FILE *stdout`.
#[no_mangle]
pub static mut stdout: *mut File = &raw mut STDOUT_FILE;
/// `FILE *stderr`.
#[no_mangle]
pub static mut stderr: *mut File = &raw mut STDERR_FILE;

/// The current `stdout` (a program may have assigned it).
pub fn out() -> *mut File {
    // SAFETY: a plain read of the pointer object.
    unsafe { stdout }
}

/// The current `stdin`.
pub fn input() -> *mut File {
    // SAFETY: as in `out`.
    unsafe { stdin }
}

/// The current `stderr`.
pub fn err() -> *mut File {
    // SAFETY: as in `out`.
    unsafe { stderr }
}

