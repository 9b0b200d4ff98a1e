//! 64 MiB of TLS (`.tbss`): crt0 must map it rather than fail or use its
//! static area (see src/tls.rs, and tests/tls.rs and tests/hostile.rs).
#![no_std]
#![no_main]
#![feature(thread_local)]

crt0_test_programs::tls_program!(64, 64 << 20);
