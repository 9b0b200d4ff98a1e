//! The C interface (declared in `crt/crt0.h`): POSIX threads, their
//! attributes (stack size, detach state), `sched_yield` and
//! `__cxa_thread_atexit_impl`. Errors are returned, as POSIX has them, not
//! put in errno.

use core::alloc::Layout;
use core::ffi::{c_int, c_void};

use super::control::{Body, Thread};
use super::launch::{self, Detach, Options};
use super::memory::{DEFAULT_STACK_SIZE, MIN_STACK_SIZE};
use super::{dtors, sys};
use crate::syscall::Errno;

#[allow(non_camel_case_types)] // the C name
type pthread_t = usize;

const EAGAIN: c_int = 11;
const EINVAL: c_int = Errno::EINVAL.0;
const ESRCH: c_int = 3;
const EDEADLK: c_int = 35;

const PTHREAD_CREATE_JOINABLE: c_int = 0;
const PTHREAD_CREATE_DETACHED: c_int = 1;

/// What crt0 keeps in a `pthread_attr_t`. crt0.h makes the type as large
/// as glibc's (56 bytes on x86_64, 64 on aarch64), so that code built
/// against glibc's <pthread.h> can use these functions too.
#[repr(C)]
pub struct Attr {
    stack_size: usize,
    detach_state: c_int,
}

/// `pthread_t` of the main thread, which has no control block: an address
/// no thread's block can have.
static MAIN_THREAD: u8 = 0;

fn main_id() -> pthread_t {
    &raw const MAIN_THREAD as pthread_t
}

/// `int pthread_attr_init(pthread_attr_t *attr)`: default stack size, joinable.
///
/// # Safety
/// `attr` must point to a `pthread_attr_t`.
#[no_mangle]
pub unsafe extern "C" fn pthread_attr_init(attr: *mut Attr) -> c_int {
    // SAFETY: per the caller.
    unsafe { attr.write(Attr { stack_size: DEFAULT_STACK_SIZE, detach_state: PTHREAD_CREATE_JOINABLE }) };
    0
}

/// `int pthread_attr_destroy(pthread_attr_t *attr)`: nothing to free.
#[no_mangle]
pub extern "C" fn pthread_attr_destroy(_attr: *mut Attr) -> c_int {
    0
}

/// `int pthread_attr_setstacksize(pthread_attr_t *attr, size_t n)`: EINVAL
/// below PTHREAD_STACK_MIN (16 KiB).
///
/// # Safety
/// `attr` must be initialised.
#[no_mangle]
pub unsafe extern "C" fn pthread_attr_setstacksize(attr: *mut Attr, n: usize) -> c_int {
    if n < MIN_STACK_SIZE {
        return EINVAL;
    }
    // SAFETY: per the caller.
    unsafe { (*attr).stack_size = n };
    0
}

/// `int pthread_attr_getstacksize(const pthread_attr_t *attr, size_t *n)`.
///
/// # Safety
/// `attr` must be initialised, `n` writable.
#[no_mangle]
pub unsafe extern "C" fn pthread_attr_getstacksize(attr: *const Attr, n: *mut usize) -> c_int {
    // SAFETY: per the caller.
    unsafe { *n = (*attr).stack_size };
    0
}

/// `int pthread_attr_setdetachstate(pthread_attr_t *attr, int state)`.
///
/// # Safety
/// `attr` must be initialised.
#[no_mangle]
pub unsafe extern "C" fn pthread_attr_setdetachstate(attr: *mut Attr, state: c_int) -> c_int {
    if state != PTHREAD_CREATE_JOINABLE && state != PTHREAD_CREATE_DETACHED {
        return EINVAL;
    }
    // SAFETY: per the caller.
    unsafe { (*attr).detach_state = state };
    0
}

/// `int pthread_attr_getdetachstate(const pthread_attr_t *attr, int *state)`.
///
/// # Safety
/// `attr` must be initialised, `state` writable.
#[no_mangle]
pub unsafe extern "C" fn pthread_attr_getdetachstate(attr: *const Attr, state: *mut c_int) -> c_int {
    // SAFETY: per the caller.
    unsafe { *state = (*attr).detach_state };
    0
}

/// `int pthread_create(pthread_t *thread, const pthread_attr_t *attr,
/// void *(*start)(void *), void *arg)`: EAGAIN when out of memory or
/// threads, EINVAL for a bad attribute.
///
/// # Safety
/// `thread` writable; `attr` null or initialised; `start` a function.
#[no_mangle]
pub unsafe extern "C" fn pthread_create(
    thread: *mut pthread_t,
    attr: *const Attr,
    start: extern "C" fn(*mut c_void) -> *mut c_void,
    arg: *mut c_void,
) -> c_int {
    // SAFETY: per the caller, null or an initialised attribute object.
    let opts = match unsafe { attr.as_ref() } {
        None => Options { stack_size: DEFAULT_STACK_SIZE, detached: false },
        Some(a) if a.stack_size >= MIN_STACK_SIZE => {
            Options { stack_size: a.stack_size, detached: a.detach_state == PTHREAD_CREATE_DETACHED }
        }
        Some(_) => return EINVAL,
    };
    let p = match launch::prepare(opts, Layout::new::<()>(), Body::C { start, arg }) {
        Ok(p) => p,
        Err(_) => return EAGAIN,
    };
    // SAFETY: a C thread needs no payload; on failure the thread never ran.
    // The id is stored before a detached thread can be gone (it is only
    // the block's address either way).
    unsafe {
        *thread = p.thread as pthread_t;
        if let Err(e) = launch::launch(&p) {
            launch::discard(p.thread);
            return if e == Errno::ENOMEM { EAGAIN } else { e.0 };
        }
    }
    0
}

/// `int pthread_join(pthread_t thread, void **result)`.
///
/// # Safety
/// `thread` must be a joinable thread nobody else joins; `result` null or writable.
#[no_mangle]
pub unsafe extern "C" fn pthread_join(thread: pthread_t, result: *mut *mut c_void) -> c_int {
    if thread == pthread_self() {
        return EDEADLK;
    }
    if thread == main_id() {
        return EINVAL;
    }
    let t = thread as *mut Thread;
    // SAFETY: per the caller, `t` is a live, joinable thread's block.
    unsafe {
        if (*t).is_detached() {
            return EINVAL;
        }
        let r = launch::join_c(t);
        if !result.is_null() {
            *result = r;
        }
    }
    0
}

/// `int pthread_detach(pthread_t thread)`.
///
/// # Safety
/// `thread` must be a thread nobody has joined.
#[no_mangle]
pub unsafe extern "C" fn pthread_detach(thread: pthread_t) -> c_int {
    if thread == main_id() {
        return 0;
    }
    if thread == 0 {
        return ESRCH;
    }
    // SAFETY: per the caller.
    match unsafe { launch::detach(thread as *mut Thread) } {
        Detach::Detached | Detach::Reclaimed => 0,
        Detach::AlreadyDetached => EINVAL,
    }
}

/// `void pthread_exit(void *result)`: ends the calling thread after its
/// thread-local destructors. On the main thread, the process goes on until
/// the last thread ends, then exits with status 0.
#[no_mangle]
pub extern "C" fn pthread_exit(result: *mut c_void) -> ! {
    let t = launch::current();
    if t.is_null() {
        launch::finish_main();
    }
    // SAFETY: the calling thread's own block; its frames are abandoned,
    // never returned to.
    unsafe {
        (*t).c_result = result;
        launch::finish(t)
    }
}

/// `pthread_t pthread_self(void)`.
#[no_mangle]
pub extern "C" fn pthread_self() -> pthread_t {
    let t = launch::current();
    if t.is_null() { main_id() } else { t as pthread_t }
}

/// `int pthread_equal(pthread_t a, pthread_t b)`.
#[no_mangle]
pub extern "C" fn pthread_equal(a: pthread_t, b: pthread_t) -> c_int {
    (a == b) as c_int
}

/// `int sched_yield(void)`.
#[no_mangle]
pub extern "C" fn sched_yield() -> c_int {
    sys::sched_yield();
    0
}

/// `int __cxa_thread_atexit_impl(void (*dtor)(void *), void *obj, void *dso)`:
/// `dtor(obj)` when the calling thread ends; -1 when out of memory.
#[no_mangle]
pub extern "C" fn __cxa_thread_atexit_impl(dtor: unsafe extern "C" fn(*mut u8), obj: *mut u8, _dso: *mut u8) -> c_int {
    if dtors::register(dtor, obj).is_ok() { 0 } else { -1 }
}
