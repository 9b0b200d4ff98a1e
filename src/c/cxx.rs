//! The C++ ABI a freestanding C++ program (`-fno-exceptions -fno-rtti`)
//! links against, which libstdc++'s libsupc++ and gcc's crtbegin.o provide
//! in a glibc program (Itanium C++ ABI, as g++ and clang++ use on Linux):
//!
//! - `__dso_handle`, the handle every static destructor registration names;
//! - `__cxa_thread_atexit` (what g++ and clang++ call for a `thread_local`
//!   with a destructor), over crt0's thread-local destructors;
//! - every replaceable `operator new` and `operator delete` (plain, array,
//!   sized, aligned, nothrow), `std::nothrow`, and the new-handler
//!   (`std::set_new_handler`, `std::get_new_handler`), over crt0's heap;
//! - `__cxa_guard_acquire`, `__cxa_guard_release`, `__cxa_guard_abort`:
//!   function-local statics initialised once, with other threads asleep on a
//!   futex meanwhile;
//! - `__cxa_pure_virtual` and `__cxa_deleted_virtual`, and
//!   `__cxa_throw_bad_array_new_length`.
//!
//! `__cxa_atexit` is with `atexit` (`stdlib`): one list, so C++ destructors
//! and C's handlers run in reverse order of registration, as the standard
//! asks, then `.fini_array`. Where the C++ runtime would throw (an
//! `operator new` that finds no memory and no new-handler), crt0 prints
//! libstdc++'s words for the uncaught exception and aborts, as a glibc
//! program built with `-fno-exceptions` ends.

use core::ffi::c_int;
use core::sync::atomic::{AtomicU32, AtomicUsize, Ordering::Acquire, Ordering::Relaxed, Ordering::Release};

use crate::heap;
use crate::sync::futex;

/// `void *__dso_handle`: the program's own handle. crtbegin.o defines it (0
/// in an executable); crt0 programs link no crtbegin.o.
#[no_mangle]
pub static __dso_handle: usize = 0;

/// `std::nothrow`, the tag object of the nothrow forms of `new`.
#[export_name = "_ZSt7nothrow"]
pub static NOTHROW: u8 = 0;

/// `int __cxa_thread_atexit(void (*dtor)(void *), void *obj, void *dso)`:
/// `dtor(obj)` when the calling thread ends (libsupc++'s, which calls the C
/// library's `__cxa_thread_atexit_impl`).
#[no_mangle]
pub extern "C" fn __cxa_thread_atexit(dtor: unsafe extern "C" fn(*mut u8), obj: *mut u8, _dso: *mut u8) -> c_int {
    if crate::thread::at_thread_exit(dtor, obj).is_ok() { 0 } else { -1 }
}

// --- operator new and delete ---------------------------------------------

/// The new-handler (`std::set_new_handler`): called when `operator new`
/// finds no memory, until it returns having freed some (or there is none).
static NEW_HANDLER: AtomicUsize = AtomicUsize::new(0);

/// `std::new_handler std::set_new_handler(std::new_handler)`.
#[export_name = "_ZSt15set_new_handlerPFvvE"]
pub extern "C" fn set_new_handler(h: Option<extern "C" fn()>) -> Option<extern "C" fn()> {
    let old = NEW_HANDLER.swap(h.map_or(0, |f| f as usize), Relaxed);
    // SAFETY: the word holds 0 or a handler's address.
    unsafe { core::mem::transmute::<usize, Option<extern "C" fn()>>(old) }
}

/// `std::new_handler std::get_new_handler()`.
#[export_name = "_ZSt15get_new_handlerv"]
pub extern "C" fn get_new_handler() -> Option<extern "C" fn()> {
    // SAFETY: as above.
    unsafe { core::mem::transmute::<usize, Option<extern "C" fn()>>(NEW_HANDLER.load(Relaxed)) }
}

/// `[basic.stc.dynamic.allocation]`: try, and while that fails and there is
/// a new-handler, call it and try again. Null when out of memory and out of
/// handler. `align` 0 means the default (16, which covers every
/// fundamental type).
fn allocate(size: usize, align: usize) -> *mut u8 {
    // A zero-size request still returns a distinct pointer.
    let size = size.max(1);
    loop {
        let p = if align <= 16 { heap::malloc(size) } else { heap::aligned_alloc(align, size) };
        if !p.is_null() {
            return p;
        }
        match get_new_handler() {
            Some(h) => h(),
            None => return core::ptr::null_mut(),
        }
    }
}

/// What libstdc++ prints when an exception escapes a program (and a
/// `-fno-exceptions` program's throwing `new` fails), then `abort`.
fn terminate_with(exception: &str) -> ! {
    let mut w = crate::io::BufWriter::<160>::new(2);
    let _ = core::fmt::Write::write_fmt(
        &mut w,
        format_args!("terminate called after throwing an instance of '{exception}'\n  what():  {exception}\n"),
    );
    w.flush();
    crate::exit::abort()
}

/// Throwing forms: memory, or the uncaught `std::bad_alloc`.
fn new_or_terminate(size: usize, align: usize) -> *mut u8 {
    let p = allocate(size, align);
    if p.is_null() {
        terminate_with("std::bad_alloc");
    }
    p
}

/// Frees what any form of `new` returned (null: nothing).
///
/// # Safety
/// `p` is null or a live block from `operator new`.
unsafe fn release(p: *mut u8) {
    // SAFETY: per the caller; every form allocates from the heap.
    unsafe { heap::free(p) }
}

/// `operator new(std::size_t)`.
#[export_name = "_Znwm"]
pub extern "C" fn new(size: usize) -> *mut u8 {
    new_or_terminate(size, 0)
}

/// `operator new[](std::size_t)`.
#[export_name = "_Znam"]
pub extern "C" fn new_array(size: usize) -> *mut u8 {
    new_or_terminate(size, 0)
}

/// `operator new(std::size_t, const std::nothrow_t&)`: null when out of memory.
#[export_name = "_ZnwmRKSt9nothrow_t"]
pub extern "C" fn new_nothrow(size: usize, _: *const u8) -> *mut u8 {
    allocate(size, 0)
}

/// `operator new[](std::size_t, const std::nothrow_t&)`.
#[export_name = "_ZnamRKSt9nothrow_t"]
pub extern "C" fn new_array_nothrow(size: usize, _: *const u8) -> *mut u8 {
    allocate(size, 0)
}

/// `operator new(std::size_t, std::align_val_t)`: for types aligned beyond 16.
#[export_name = "_ZnwmSt11align_val_t"]
pub extern "C" fn new_aligned(size: usize, align: usize) -> *mut u8 {
    new_or_terminate(size, align)
}

/// `operator new[](std::size_t, std::align_val_t)`.
#[export_name = "_ZnamSt11align_val_t"]
pub extern "C" fn new_array_aligned(size: usize, align: usize) -> *mut u8 {
    new_or_terminate(size, align)
}

/// `operator new(std::size_t, std::align_val_t, const std::nothrow_t&)`.
#[export_name = "_ZnwmSt11align_val_tRKSt9nothrow_t"]
pub extern "C" fn new_aligned_nothrow(size: usize, align: usize, _: *const u8) -> *mut u8 {
    allocate(size, align)
}

/// `operator new[](std::size_t, std::align_val_t, const std::nothrow_t&)`.
#[export_name = "_ZnamSt11align_val_tRKSt9nothrow_t"]
pub extern "C" fn new_array_aligned_nothrow(size: usize, align: usize, _: *const u8) -> *mut u8 {
    allocate(size, align)
}

/// Defines the `operator delete` forms: each frees the block, whatever size,
/// alignment or tag it is told (the heap knows the block's own).
macro_rules! delete_forms {
    ($($(#[$doc:meta])* $sym:literal $name:ident($($arg:ident: $ty:ty),*);)*) => {
        $(
            $(#[$doc])*
            ///
            /// # Safety
            /// `p` is null or a live block from the matching `operator new`.
            #[export_name = $sym]
            pub unsafe extern "C" fn $name(p: *mut u8 $(, $arg: $ty)*) {
                $(let _ = $arg;)*
                // SAFETY: per the caller.
                unsafe { release(p) }
            }
        )*
    };
}

delete_forms! {
    /// `operator delete(void*)`.
    "_ZdlPv" delete();
    /// `operator delete[](void*)`.
    "_ZdaPv" delete_array();
    /// `operator delete(void*, std::size_t)` (sized deallocation, C++14).
    "_ZdlPvm" delete_sized(size: usize);
    /// `operator delete[](void*, std::size_t)`.
    "_ZdaPvm" delete_array_sized(size: usize);
    /// `operator delete(void*, std::align_val_t)` (C++17).
    "_ZdlPvSt11align_val_t" delete_aligned(align: usize);
    /// `operator delete[](void*, std::align_val_t)`.
    "_ZdaPvSt11align_val_t" delete_array_aligned(align: usize);
    /// `operator delete(void*, std::size_t, std::align_val_t)`.
    "_ZdlPvmSt11align_val_t" delete_sized_aligned(size: usize, align: usize);
    /// `operator delete[](void*, std::size_t, std::align_val_t)`.
    "_ZdaPvmSt11align_val_t" delete_array_sized_aligned(size: usize, align: usize);
    /// `operator delete(void*, const std::nothrow_t&)`.
    "_ZdlPvRKSt9nothrow_t" delete_nothrow(tag: *const u8);
    /// `operator delete[](void*, const std::nothrow_t&)`.
    "_ZdaPvRKSt9nothrow_t" delete_array_nothrow(tag: *const u8);
    /// `operator delete(void*, std::align_val_t, const std::nothrow_t&)`.
    "_ZdlPvSt11align_val_tRKSt9nothrow_t" delete_aligned_nothrow(align: usize, tag: *const u8);
    /// `operator delete[](void*, std::align_val_t, const std::nothrow_t&)`.
    "_ZdaPvSt11align_val_tRKSt9nothrow_t" delete_array_aligned_nothrow(align: usize, tag: *const u8);
}

/// `void __cxa_throw_bad_array_new_length()`: a `new T[n]` whose size
/// overflows, in a throwing form.
#[no_mangle]
pub extern "C" fn __cxa_throw_bad_array_new_length() -> ! {
    terminate_with("std::bad_array_new_length")
}

// --- function-local statics ----------------------------------------------

// The guard is 64 bits; the compiler's inline check reads its first byte
// (nonzero: initialised) with acquire ordering, and calls
// `__cxa_guard_acquire` only while it is 0. crt0 uses the first 32-bit word:
/// The object is initialised (the byte the compiler reads).
const DONE: u32 = 1;
/// A thread is initialising it.
const PENDING: u32 = 1 << 8;
/// Threads sleep waiting for it (the initialiser must wake them).
const WAITING: u32 = 1 << 16;

/// The guard's state word.
///
/// # Safety
/// `g` is a guard object: 8 bytes, 8-aligned, that live for the program.
unsafe fn word<'a>(g: *mut u64) -> &'a AtomicU32 {
    // SAFETY: per the caller; AtomicU32 has u32's layout.
    unsafe { AtomicU32::from_ptr(g.cast()) }
}

/// `int __cxa_guard_acquire(uint64_t *guard)`: 1 when the caller must
/// initialise the object (then `__cxa_guard_release`, or `_abort`), 0 when
/// it is initialised; waits while another thread initialises it.
///
/// # Safety
/// `guard` is a guard object the compiler emitted.
#[no_mangle]
pub unsafe extern "C" fn __cxa_guard_acquire(guard: *mut u64) -> c_int {
    // SAFETY: per the caller.
    let w = unsafe { word(guard) };
    loop {
        let v = w.load(Acquire);
        if v & DONE != 0 {
            return 0;
        }
        if v == 0 {
            if w.compare_exchange(0, PENDING, Acquire, Relaxed).is_ok() {
                return 1;
            }
            continue;
        }
        // Another thread initialises it: say we wait, then sleep until the
        // word changes from what we saw.
        if v & WAITING == 0 && w.compare_exchange(v, v | WAITING, Relaxed, Relaxed).is_err() {
            continue;
        }
        let _ = futex::wait(w, v | WAITING, None, false);
    }
}

/// `void __cxa_guard_release(uint64_t *guard)`: the object is initialised.
///
/// # Safety
/// After `__cxa_guard_acquire` returned 1 for `guard` in this thread.
#[no_mangle]
pub unsafe extern "C" fn __cxa_guard_release(guard: *mut u64) {
    // SAFETY: per the caller.
    let w = unsafe { word(guard) };
    if w.swap(DONE, Release) & WAITING != 0 {
        futex::wake(w, i32::MAX, false);
    }
}

/// `void __cxa_guard_abort(uint64_t *guard)`: the initialiser did not
/// finish (it threw); the next caller tries again.
///
/// # Safety
/// As `__cxa_guard_release`.
#[no_mangle]
pub unsafe extern "C" fn __cxa_guard_abort(guard: *mut u64) {
    // SAFETY: per the caller.
    let w = unsafe { word(guard) };
    if w.swap(0, Release) & WAITING != 0 {
        futex::wake(w, i32::MAX, false);
    }
}

// --- virtual calls that cannot happen ------------------------------------

/// `void __cxa_pure_virtual()`: a pure virtual function was called (from a
/// constructor or destructor of the abstract class). libstdc++'s words.
#[no_mangle]
pub extern "C" fn __cxa_pure_virtual() -> ! {
    let _ = crate::io::write_all(2, b"pure virtual method called\nterminate called without an active exception\n");
    crate::exit::abort()
}

/// `void __cxa_deleted_virtual()`: a deleted virtual function was called.
#[no_mangle]
pub extern "C" fn __cxa_deleted_virtual() -> ! {
    let _ = crate::io::write_all(2, b"deleted virtual method called\nterminate called without an active exception\n");
    crate::exit::abort()
}
