//! crt0's own C calls (`crt0_*` in `crt/crt0.h`): the rseq owner protocol,
//! feature detection, fatal errors.

use core::ffi::{c_char, c_int, c_uint, c_void, CStr};

use crate::{fatal, rseq};

/// `int crt0_rseq_claim_override(void)`: 1 if the caller now owns rseq
/// registration (OVERRIDE), 0 if crt0 or another library already does.
#[no_mangle]
pub extern "C" fn crt0_rseq_claim_override() -> c_int {
    rseq::owner::claim_override() as c_int
}

/// `int crt0_rseq_set_thread_hooks(void (*start)(void), void (*exit)(void))`:
/// 1 if installed, 0 unless the owner is OVERRIDE (see `rseq::owner::ThreadHooks`).
#[no_mangle]
pub extern "C" fn crt0_rseq_set_thread_hooks(start: Option<extern "C" fn()>, exit: Option<extern "C" fn()>) -> c_int {
    rseq::owner::set_thread_hooks(rseq::owner::ThreadHooks { start, exit }) as c_int
}

/// `int crt0_rseq_owner(void)`: the current `__rseq_reg_owner`.
#[no_mangle]
pub extern "C" fn crt0_rseq_owner() -> c_int {
    rseq::owner::get()
}

/// `int crt0_rseq_cpu_id(void)`: this thread's rseq `cpu_id` (negative
/// when not registered).
#[no_mangle]
pub extern "C" fn crt0_rseq_cpu_id() -> c_int {
    rseq::cpu_id().unwrap_or(rseq::CPU_ID_UNINITIALIZED)
}

/// `void *crt0_rseq_area(void)`: this thread's rseq area.
#[no_mangle]
pub extern "C" fn crt0_rseq_area() -> *mut c_void {
    rseq::area().map_or(core::ptr::null_mut(), |a| a.cast())
}

/// `unsigned int crt0_cpuid_runs(void)`: feature-detection instructions
/// crt0 has run (CPUID on x86_64; always 0 on aarch64).
#[no_mangle]
pub extern "C" fn crt0_cpuid_runs() -> c_uint {
    crate::ifunc::cpuid_runs()
}

/// `void crt0_fatal(const char *what)`: `crt0: fatal: <what>`, exit 127.
///
/// # Safety
/// `what` must be NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn crt0_fatal(what: *const c_char) -> ! {
    // SAFETY: per the caller.
    let what = unsafe { CStr::from_ptr(what) };
    fatal::die(what.to_str().unwrap_or("(message not UTF-8)"))
}
