//! `<stdlib.h>`: leaving the process (`exit`), numbers from text
//! (`strtol` ... `strtod`, `atoi` ...), integer arithmetic (`abs`, `div`),
//! sorting and searching (`qsort`, `bsearch`), pseudo-random numbers
//! (`rand`, glibc's generator), paths (`realpath`). The environment is in
//! `c::env`, the heap in `heap::c_api`.

mod arith;
mod exit;
pub(crate) mod float;
pub(crate) mod int;
pub(crate) mod path;
mod rand;
mod sort;
