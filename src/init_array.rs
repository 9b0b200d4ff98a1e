//! Constructors: `.preinit_array` (during PREINIT, before any constructor),
//! then `_init` if the program has one, then `.init_array`. The linkers sort
//! `.init_array.NNNNN` sections by priority, so walking the array in order
//! runs `constructor(101)` before `constructor(102)` before plain constructors.

use core::ffi::c_char;

use crate::linker::{self, Array, InitFn};

/// What `main` gets, and what every array entry gets too (as glibc does).
#[derive(Clone, Copy)]
pub struct MainArgs {
    /// The argument count.
    pub argc: i32,
    /// The argument vector, NULL-terminated.
    pub argv: *mut *const c_char,
    /// The environment, NULL-terminated.
    pub envp: *mut *const c_char,
}

/// # Safety
/// The array's entries must be the program's hooks.
unsafe fn run(array: Array<Option<InitFn>>, a: MainArgs) -> usize {
    if array.is_empty() {
        return 0;
    }
    let array = array.as_slice();
    for f in array.iter().flatten() {
        // SAFETY: per the caller, entries are the program's hooks.
        unsafe { f(a.argc, a.argv.cast(), a.envp.cast()) };
    }
    array.len()
}

/// As [`run`], for `.init_array`, which can be long (10,000 constructors
/// in the hostile tests): test-at-the-bottom over a pointer, where the
/// slice loop of `run` is top-tested with a counter beside the pointer,
/// four instructions more per entry at opt-level "s". `.preinit_array`
/// keeps the shorter code: a hello carries both loops.
///
/// # Safety
/// As [`run`].
unsafe fn run_long(array: Array<Option<InitFn>>, a: MainArgs) -> usize {
    if array.is_empty() {
        return 0;
    }
    let array = array.as_slice();
    let (mut p, end) = (array.as_ptr_range().start, array.as_ptr_range().end);
    loop {
        // SAFETY: p is inside the array: it is not empty and the loop
        // stops when p reaches its end.
        if let Some(f) = unsafe { *p } {
            // SAFETY: per the caller, entries are the program's constructors.
            unsafe { f(a.argc, a.argv.cast(), a.envp.cast()) };
        }
        // SAFETY: at most one past the end, where the loop stops.
        p = unsafe { p.add(1) };
        if p == end {
            break;
        }
    }
    array.len()
}

/// Runs `.preinit_array`. Returns its length.
///
/// # Safety
/// Call once, in start-up order.
pub unsafe fn run_preinit_array(a: MainArgs) -> usize {
    // SAFETY: per the caller.
    unsafe { run(linker::preinit_array(), a) }
}

/// Runs `_init` (if defined) and `.init_array`. Returns whether `_init`
/// ran and the array's length.
///
/// # Safety
/// Call once, in start-up order, after [`run_preinit_array`].
pub unsafe fn run_init_array(a: MainArgs) -> (bool, usize) {
    let init = linker::init_fn();
    if let Some(f) = init {
        // SAFETY: `_init` is the program's, taking no arguments.
        unsafe { f() };
    }
    // SAFETY: per the caller.
    (init.is_some(), unsafe { run_long(linker::init_array(), a) })
}
