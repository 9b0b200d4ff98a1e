//! 1 MiB of `.tbss`: too big for crt0's static area, so the block is mmap'd.
#![no_std]
#![no_main]
#![feature(thread_local)]

crt0_test_programs::tls_program!(64, 1 << 20);
