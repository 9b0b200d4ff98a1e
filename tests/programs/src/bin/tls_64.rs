//! TLS with 64-byte alignment (see src/tls.rs).
#![no_std]
#![no_main]
#![feature(thread_local)]

crt0_test_programs::tls_program!(64, 100);
