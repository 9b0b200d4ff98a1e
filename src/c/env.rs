//! The environment: `getenv`.

use core::ffi::{c_char, CStr};

use crate::args;

/// `char *getenv(const char *name)`.
///
/// # Safety
/// `name` must be NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn getenv(name: *const c_char) -> *mut c_char {
    // SAFETY: per the caller.
    let name = unsafe { CStr::from_ptr(name) }.to_bytes();
    args::vars().find(|(n, _)| *n == name).map_or(core::ptr::null_mut(), |(_, v)| v.as_ptr().cast_mut())
}
