//! `<dlfcn.h>` for a static program: `dlsym`, `dlerror`, `dlopen`,
//! `dlclose`.
//!
//! A crt0 program has no dynamic symbol table and loads no shared object,
//! but code written for glibc looks up glibc's rseq registration this way:
//! librseq only with `dlsym(RTLD_NEXT, "__rseq_offset")` and its two
//! siblings, the kernel's rseq selftests when their weak references are
//! unresolved. So `dlsym` with `RTLD_DEFAULT`, `RTLD_NEXT` or the handle of
//! `dlopen(NULL, ...)` (the program itself) returns crt0's `__rseq_offset`,
//! `__rseq_size` and `__rseq_flags`. Every other name is NULL, with a
//! `dlerror()` message that says why; `dlopen` of a file fails the same way.
//! The pending message is per thread, as in glibc, and `dlerror` clears it.

use core::ffi::{c_char, c_int, c_void, CStr};

use crate::{rseq, tls};

/// glibc's `RTLD_NEXT` (`(void *) -1`): the next object after the caller's.
const RTLD_NEXT: usize = usize::MAX;
/// glibc's `RTLD_DEFAULT` (`(void *) 0`): the global scope.
const RTLD_DEFAULT: usize = 0;

/// The one object `dlopen(NULL, ...)` can name: the program. Its address is
/// the handle, so it is never null and never -1.
static PROGRAM: u8 = 0;

/// What `dlerror()` says; the value kept in the thread's
/// `ThreadData::dl_error` is the index + 1 (0: no error pending).
const MESSAGES: [&CStr; 4] = [
    c"dlsym: symbol not found: a static crt0 program has no dynamic symbol table (dlsym knows __rseq_offset, __rseq_size and __rseq_flags)",
    c"dlopen: a static crt0 program cannot load shared objects",
    c"dlsym: invalid handle: a static crt0 program has only RTLD_DEFAULT, RTLD_NEXT and dlopen(NULL)",
    c"dlclose: invalid handle",
];
const NOT_FOUND: u32 = 1;
const NO_DLOPEN: u32 = 2;
const BAD_HANDLE: u32 = 3;
const BAD_CLOSE: u32 = 4;

fn fail(error: u32) {
    // SAFETY: C code runs once TLS is ready (after phase 2); the field is
    // the calling thread's own.
    unsafe { (*tls::thread_data()).dl_error = error };
}

fn is_program(handle: *mut c_void) -> bool {
    core::ptr::eq(handle.cast_const().cast(), &PROGRAM)
}

/// `void *dlsym(void *handle, const char *name)`: the address of one of
/// glibc's rseq symbols, or NULL with a `dlerror()` message.
///
/// # Safety
/// `name` must be NUL-terminated (or null, which finds nothing).
#[no_mangle]
pub unsafe extern "C" fn dlsym(handle: *mut c_void, name: *const c_char) -> *mut c_void {
    if !matches!(handle as usize, RTLD_DEFAULT | RTLD_NEXT) && !is_program(handle) {
        fail(BAD_HANDLE);
        return core::ptr::null_mut();
    }
    // SAFETY: per the caller.
    let name = if name.is_null() { &[][..] } else { unsafe { CStr::from_ptr(name) }.to_bytes() };
    let found: *const c_void = match name {
        b"__rseq_offset" => (&raw const rseq::__rseq_offset).cast(),
        b"__rseq_size" => (&raw const rseq::__rseq_size).cast(),
        b"__rseq_flags" => (&raw const rseq::__rseq_flags).cast(),
        _ => {
            fail(NOT_FOUND);
            core::ptr::null()
        }
    };
    found.cast_mut()
}

/// `char *dlerror(void)`: the calling thread's last `dl*` error since the
/// previous call, or NULL.
#[no_mangle]
pub extern "C" fn dlerror() -> *mut c_char {
    // SAFETY: as in `fail`.
    let pending = unsafe { core::mem::replace(&mut (*tls::thread_data()).dl_error, 0) };
    match pending.checked_sub(1).and_then(|i| MESSAGES.get(i as usize)) {
        Some(m) => m.as_ptr().cast_mut(),
        None => core::ptr::null_mut(),
    }
}

/// `void *dlopen(const char *file, int flags)`: NULL names the program
/// itself (a handle `dlsym` accepts); any file fails.
#[no_mangle]
pub extern "C" fn dlopen(file: *const c_char, _flags: c_int) -> *mut c_void {
    if file.is_null() {
        return (&raw const PROGRAM).cast_mut().cast();
    }
    fail(NO_DLOPEN);
    core::ptr::null_mut()
}

/// `int dlclose(void *handle)`: 0 for the program's handle, else -1.
#[no_mangle]
pub extern "C" fn dlclose(handle: *mut c_void) -> c_int {
    if is_program(handle) {
        return 0;
    }
    fail(BAD_CLOSE);
    -1
}
