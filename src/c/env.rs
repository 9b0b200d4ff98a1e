//! The environment as POSIX has it: `getenv secure_getenv setenv unsetenv
//! putenv clearenv`, all on `environ` (`args::environ`), which a program
//! may also assign. The strings setenv makes and the arrays it grows come
//! from malloc; the strings are never freed (a pointer getenv returned may
//! still be in use), the arrays when replaced, as glibc does.

use core::ffi::{c_char, c_int};
use core::ptr;

use spin::Mutex;

use super::errno::set_errno;
use super::malloc::{alloc, release, resize};
use crate::syscall::Errno;
use crate::{args, auxv, cstr};

/// The array crt0 allocated for `environ`, and its capacity in entries,
/// so that the next growth can reuse it (if `environ` still points at it).
struct Owned {
    array: *mut *mut c_char,
    cap: usize,
}

// SAFETY: the array is only touched under the lock.
unsafe impl Send for Owned {}

static OWNED: Mutex<Owned> = Mutex::new(Owned { array: ptr::null_mut(), cap: 0 });

/// The bytes of a C string.
///
/// # Safety
/// `s` NUL-terminated.
unsafe fn bytes<'a>(s: *const c_char) -> &'a [u8] {
    // SAFETY: per the caller.
    unsafe { core::slice::from_raw_parts(s.cast(), cstr::len(s.cast())) }
}

/// The index of `NAME=...` in the environment.
fn find(name: &[u8]) -> Option<usize> {
    args::envp().iter().position(|&entry| {
        // SAFETY: environment entries are NUL-terminated.
        let e = unsafe { bytes(entry) };
        e.len() > name.len() && e[name.len()] == b'=' && &e[..name.len()] == name
    })
}

/// `char *getenv(const char *name)`.
///
/// # Safety
/// `name` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn getenv(name: *const c_char) -> *mut c_char {
    // SAFETY: per the caller.
    let name = unsafe { bytes(name) };
    match find(name) {
        // SAFETY: the entry is `NAME=value`: the value follows the `=`.
        Some(i) => unsafe { args::envp()[i].add(name.len() + 1).cast_mut() },
        None => ptr::null_mut(),
    }
}

/// `char *secure_getenv(const char *name)`: NULL in a set-user-ID or
/// set-group-ID program (AT_SECURE).
///
/// # Safety
/// `name` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn secure_getenv(name: *const c_char) -> *mut c_char {
    if auxv::value(auxv::AT_SECURE) != 0 {
        return ptr::null_mut();
    }
    // SAFETY: per the caller.
    unsafe { getenv(name) }
}

/// True for a name setenv and unsetenv accept: not empty, no `=`.
fn valid(name: &[u8]) -> bool {
    !name.is_empty() && !name.contains(&b'=')
}

/// Puts `entry` (`NAME=value`, kept as it is) into the environment in
/// place of `NAME`'s entry, or at its end. Under the lock.
fn insert(owned: &mut Owned, name_len: usize, entry: *mut c_char, overwrite: bool) -> c_int {
    // SAFETY: entry is NUL-terminated with at least name_len bytes.
    let name = unsafe { &bytes(entry)[..name_len] };
    let env = args::envp();
    if let Some(i) = find(name) {
        if overwrite {
            // SAFETY: i < len: a slot of the live array.
            unsafe { *args::environ().add(i) = entry };
        }
        return 0;
    }
    let n = env.len();
    let current = args::environ();
    let array = if current == owned.array && !current.is_null() && n + 1 < owned.cap {
        current
    } else {
        let cap = (n + 2).max(16).max(owned.cap * 2);
        let grown = if current == owned.array && !current.is_null() {
            // SAFETY: our own array, from alloc.
            unsafe { resize(current.cast(), cap * size_of::<*mut c_char>()) }
        } else {
            alloc(cap * size_of::<*mut c_char>()).inspect(|&p| {
                // SAFETY: the new block has room for n entries.
                unsafe { ptr::copy_nonoverlapping(env.as_ptr(), p.cast(), n) };
            })
        };
        let Some(grown) = grown else {
            set_errno(Errno::ENOMEM);
            return -1;
        };
        if current != owned.array && !owned.array.is_null() {
            // The program replaced environ meanwhile: our old array is unused.
            // SAFETY: our own block, no longer the environment.
            unsafe { release(owned.array.cast()) };
        }
        owned.array = grown.cast();
        owned.cap = cap;
        grown.cast()
    };
    // SAFETY: the array has room for n + 2 entries.
    unsafe {
        *array.add(n) = entry;
        *array.add(n + 1) = ptr::null_mut();
        args::set_environ(array);
    }
    0
}

/// `int setenv(const char *name, const char *value, int overwrite)`.
///
/// # Safety
/// `name`, `value` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn setenv(name: *const c_char, value: *const c_char, overwrite: c_int) -> c_int {
    // SAFETY: per the caller.
    let (n, v) = unsafe { (if name.is_null() { &[][..] } else { bytes(name) }, bytes(value)) };
    if !valid(n) {
        set_errno(Errno::EINVAL);
        return -1;
    }
    let mut owned = OWNED.lock();
    if find(n).is_some() && overwrite == 0 {
        return 0;
    }
    let Some(entry) = alloc(n.len() + v.len() + 2) else {
        set_errno(Errno::ENOMEM);
        return -1;
    };
    // SAFETY: the block has room for NAME=value and the NUL.
    unsafe {
        ptr::copy_nonoverlapping(n.as_ptr(), entry, n.len());
        *entry.add(n.len()) = b'=';
        ptr::copy_nonoverlapping(v.as_ptr(), entry.add(n.len() + 1), v.len());
        *entry.add(n.len() + 1 + v.len()) = 0;
    }
    insert(&mut owned, n.len(), entry.cast(), true)
}

/// Removes every `NAME=` entry, in place (whoever owns the array).
fn remove(name: &[u8]) {
    let env = args::environ();
    let n = args::envp().len();
    let mut kept = 0;
    for i in 0..n {
        // SAFETY: i < n, kept <= i: slots of the live array.
        unsafe {
            let entry = *env.add(i);
            let e = bytes(entry);
            let matches = e.len() > name.len() && e[name.len()] == b'=' && &e[..name.len()] == name;
            if !matches {
                *env.add(kept) = entry;
                kept += 1;
            }
        }
    }
    if kept < n {
        // SAFETY: kept < n: inside the array.
        unsafe { *env.add(kept) = ptr::null_mut() };
    }
}

/// `int unsetenv(const char *name)`.
///
/// # Safety
/// `name` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn unsetenv(name: *const c_char) -> c_int {
    // SAFETY: per the caller.
    let n = if name.is_null() { &[][..] } else { unsafe { bytes(name) } };
    if !valid(n) {
        set_errno(Errno::EINVAL);
        return -1;
    }
    let _owned = OWNED.lock();
    remove(n);
    0
}

/// `int putenv(char *string)`: `string` itself (not a copy) becomes the
/// entry; without `=`, the name is removed (glibc's behaviour).
///
/// # Safety
/// `string` NUL-terminated, and left alone while it is in the environment.
#[no_mangle]
pub unsafe extern "C" fn putenv(string: *mut c_char) -> c_int {
    // SAFETY: per the caller.
    let s = unsafe { bytes(string) };
    let mut owned = OWNED.lock();
    match s.iter().position(|&c| c == b'=') {
        Some(0) => {
            set_errno(Errno::EINVAL);
            -1
        }
        Some(eq) => insert(&mut owned, eq, string, true),
        None => {
            remove(s);
            0
        }
    }
}

/// `int clearenv(void)`: an empty environment (`environ` NULL); the array
/// setenv made is freed.
#[no_mangle]
pub extern "C" fn clearenv() -> c_int {
    let mut owned = OWNED.lock();
    if args::environ() == owned.array && !owned.array.is_null() {
        // SAFETY: our own array, about to stop being the environment.
        unsafe { release(owned.array.cast()) };
        owned.array = ptr::null_mut();
        owned.cap = 0;
    }
    // SAFETY: null is an empty environment.
    unsafe { args::set_environ(ptr::null_mut()) };
    0
}
