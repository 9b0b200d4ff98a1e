//! The C interface, one module per area (declared in `crt/crt0.h`).

pub mod process_fork;
