//! Thread-specific data: `pthread_key_create`, `pthread_key_delete`,
//! `pthread_getspecific`, `pthread_setspecific`.
//!
//! Keys are slots of a process-wide table (PTHREAD_KEYS_MAX, 1024), each
//! with a sequence number (odd while the key exists: a deleted and
//! re-created key never shows a value set before) and a destructor. A
//! thread's values live in a heap block it gets on its first
//! `pthread_setspecific`, grown as larger keys are set, found through its
//! control block (`thread::specific_slot`). When a thread ends (after its
//! C++/Rust thread-local destructors, as in glibc; the main thread only
//! when it calls `pthread_exit`), every non-null value whose key has a
//! destructor is cleared and passed to it, in up to
//! PTHREAD_DESTRUCTOR_ITERATIONS (4) rounds while destructors set values
//! again. The hook that does it is installed by the first key made.

use core::ffi::{c_int, c_uint, c_void};
use core::sync::atomic::{AtomicUsize, Ordering::Acquire, Ordering::Relaxed, Ordering::Release};

use super::{EAGAIN, EINVAL, ENOMEM_CODE};
use crate::{heap, thread};

/// PTHREAD_KEYS_MAX.
const KEYS: usize = 1024;
/// PTHREAD_DESTRUCTOR_ITERATIONS.
const ROUNDS: usize = 4;

struct Key {
    /// Odd while the key exists.
    seq: AtomicUsize,
    /// The destructor, 0 for none.
    dtor: AtomicUsize,
}

static TABLE: [Key; KEYS] = [const { Key { seq: AtomicUsize::new(0), dtor: AtomicUsize::new(0) } }; KEYS];

/// A value, with the sequence number of the key it was set under.
#[derive(Clone, Copy)]
#[repr(C)]
struct Slot {
    seq: usize,
    value: *mut c_void,
}

/// A thread's values: `len` slots after the header.
#[repr(C)]
struct Values {
    len: usize,
}

impl Values {
    /// # Safety
    /// `v` a live block of `len` slots.
    unsafe fn slots<'a>(v: *mut Values) -> &'a mut [Slot] {
        // SAFETY: per the caller, the slots follow the header.
        unsafe { core::slice::from_raw_parts_mut(v.add(1).cast::<Slot>(), (*v).len) }
    }
}

/// `int pthread_key_create(pthread_key_t *key, void (*dtor)(void *))`:
/// EAGAIN when all PTHREAD_KEYS_MAX keys exist.
///
/// # Safety
/// `key` writable.
#[no_mangle]
pub unsafe extern "C" fn pthread_key_create(key: *mut c_uint, dtor: Option<unsafe extern "C" fn(*mut c_void)>) -> c_int {
    thread::set_exit_hook(run_destructors);
    for (i, k) in TABLE.iter().enumerate() {
        let seq = k.seq.load(Relaxed);
        if seq & 1 == 0 {
            k.dtor.store(dtor.map_or(0, |f| f as usize), Relaxed);
            if k.seq.compare_exchange(seq, seq + 1, Release, Relaxed).is_ok() {
                // SAFETY: per the caller.
                unsafe { *key = i as c_uint };
                return 0;
            }
        }
    }
    EAGAIN
}

/// `int pthread_key_delete(pthread_key_t key)`: the key's values become
/// unreachable (no destructor runs, as POSIX has it).
#[no_mangle]
pub extern "C" fn pthread_key_delete(key: c_uint) -> c_int {
    match TABLE.get(key as usize) {
        Some(k) => {
            let seq = k.seq.load(Relaxed);
            if seq & 1 == 1 && k.seq.compare_exchange(seq, seq + 1, Release, Relaxed).is_ok() { 0 } else { EINVAL }
        }
        None => EINVAL,
    }
}

/// `void *pthread_getspecific(pthread_key_t key)`: NULL when unset.
#[no_mangle]
pub extern "C" fn pthread_getspecific(key: c_uint) -> *mut c_void {
    let Some(k) = TABLE.get(key as usize) else { return core::ptr::null_mut() };
    // SAFETY: the calling thread's own values.
    let v = unsafe { *thread::specific_slot() }.cast::<Values>();
    if v.is_null() {
        return core::ptr::null_mut();
    }
    // SAFETY: a live block of the thread's.
    match unsafe { Values::slots(v) }.get(key as usize) {
        Some(s) if s.seq == k.seq.load(Acquire) => s.value,
        _ => core::ptr::null_mut(),
    }
}

/// `int pthread_setspecific(pthread_key_t key, const void *value)`: EINVAL
/// for a key that does not exist, ENOMEM when out of memory.
#[no_mangle]
pub extern "C" fn pthread_setspecific(key: c_uint, value: *const c_void) -> c_int {
    let Some(k) = TABLE.get(key as usize) else { return EINVAL };
    let seq = k.seq.load(Acquire);
    if seq & 1 == 0 {
        return EINVAL;
    }
    let slot = thread::specific_slot();
    // SAFETY: the calling thread's own values.
    let mut v = unsafe { *slot }.cast::<Values>();
    // SAFETY: a live block of the thread's, or null.
    let len = if v.is_null() { 0 } else { unsafe { (*v).len } };
    if key as usize >= len {
        if value.is_null() {
            return 0; // unset already
        }
        let new_len = (key as usize + 1).next_power_of_two().max(32);
        let bytes = core::mem::size_of::<Values>() + new_len * core::mem::size_of::<Slot>();
        let grown = heap::malloc(bytes).cast::<Values>();
        if grown.is_null() {
            return ENOMEM_CODE;
        }
        // SAFETY: a fresh block for `new_len` slots; the old one's `len`
        // slots are copied and it is freed once.
        unsafe {
            grown.write(Values { len: new_len });
            let slots = Values::slots(grown);
            slots.fill(Slot { seq: 0, value: core::ptr::null_mut() });
            if !v.is_null() {
                slots[..len].copy_from_slice(Values::slots(v));
                heap::free(v.cast());
            }
            *slot = grown.cast();
        }
        v = grown;
    }
    // SAFETY: key < len now.
    unsafe { Values::slots(v)[key as usize] = Slot { seq, value: value.cast_mut() } };
    0
}

/// The thread-exit hook: runs the destructors of the calling thread's
/// values, then frees them.
fn run_destructors() {
    let slot = thread::specific_slot();
    // SAFETY: the calling thread's own values.
    let v = unsafe { *slot }.cast::<Values>();
    if v.is_null() {
        return;
    }
    for _ in 0..ROUNDS {
        let mut ran = false;
        let mut i = 0;
        loop {
            // SAFETY: the thread's block; a destructor may set values
            // (growing the block), so it is looked up again for each key.
            let v = unsafe { *slot }.cast::<Values>();
            // SAFETY: as above.
            let slots = unsafe { Values::slots(v) };
            let Some(s) = slots.get_mut(i) else { break };
            let (value, seq) = (s.value, s.seq);
            if !value.is_null() && seq == TABLE[i].seq.load(Acquire) {
                s.value = core::ptr::null_mut();
                let dtor = TABLE[i].dtor.load(Relaxed);
                if dtor != 0 {
                    // SAFETY: stored from an `unsafe extern "C" fn(*mut c_void)`.
                    unsafe { core::mem::transmute::<usize, unsafe extern "C" fn(*mut c_void)>(dtor)(value) };
                    ran = true;
                }
            }
            i += 1;
        }
        if !ran {
            break;
        }
    }
    // SAFETY: the block is the thread's and no longer used.
    unsafe {
        heap::free((*slot).cast());
        *slot = core::ptr::null_mut();
    }
}
