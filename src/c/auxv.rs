//! `getauxval`: the auxiliary vector crt0 read in phase 1.

use core::ffi::c_ulong;

use super::errno::set_errno;
use crate::{auxv, syscall};

/// `unsigned long getauxval(unsigned long type)`: 0 and ENOENT when absent.
#[no_mangle]
pub extern "C" fn getauxval(t: c_ulong) -> c_ulong {
    match auxv::get(t as usize) {
        Some(v) => v as c_ulong,
        None => {
            set_errno(syscall::Errno::ENOENT);
            0
        }
    }
}

/// glibc's other name for `getauxval`, which libgcc's outline atomics
/// (`lse-init.o`, what gcc's `-moutline-atomics` default on aarch64 links
/// for any C11 atomic or `__atomic` builtin) call from a constructor to
/// pick LSE instructions.
#[no_mangle]
pub extern "C" fn __getauxval(t: c_ulong) -> c_ulong {
    getauxval(t)
}
