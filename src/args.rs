//! argc, argv and envp: read once from the initial stack, then offered as a
//! Rust API. Nothing here allocates or makes a system call.
//!
//! The environment is C's `environ` (also named `__environ` and
//! `_environ`, as in glibc): phase 1 points it at the kernel's envp, and
//! from then on it is the program's to replace (`setenv`, `putenv`, or an
//! assignment). `var` and `vars` read it, as `getenv` does.
//!
//! The kernel lays the stack out as (System V ABI, "Process Initialization"):
//! `argc, argv[0..argc], NULL, envp[0..], NULL, auxv pairs..., AT_NULL`.

use core::ffi::{c_char, CStr};
use core::sync::atomic::{AtomicPtr, AtomicUsize, Ordering::Relaxed};

use crate::settings;

static ARGC: AtomicUsize = AtomicUsize::new(0);
static ARGV: AtomicPtr<*const c_char> = AtomicPtr::new(core::ptr::null_mut());

/// `char **environ`: the environment, a NULL-terminated array of
/// `NAME=value` strings.
#[cfg(not(test))]
#[no_mangle]
#[used]
pub static mut __environ: *mut *mut c_char = core::ptr::null_mut();
// `environ` and `_environ`: other names of the same object, as in glibc.
#[cfg(not(test))]
core::arch::global_asm!(
    ".globl environ",
    ".type environ, STT_OBJECT",
    ".set environ, __environ",
    ".globl _environ",
    ".type _environ, STT_OBJECT",
    ".set _environ, __environ",
);
// The unit tests run under glibc, which has its own.
#[cfg(test)]
#[allow(non_upper_case_globals)]
static mut __environ: *mut *mut c_char = core::ptr::null_mut();

/// The current `environ`.
pub fn environ() -> *mut *mut c_char {
    // SAFETY: a plain read of a pointer-sized static.
    unsafe { __environ }
}

/// Replaces `environ` (setenv and friends).
///
/// # Safety
/// `env` is null or a NULL-terminated array of NUL-terminated strings
/// that outlives its use as the environment.
pub unsafe fn set_environ(env: *mut *mut c_char) {
    // SAFETY: a plain write of a pointer-sized static; C's environment is
    // not synchronised either.
    unsafe { __environ = env };
}

/// The pieces of the initial stack, as pointers into it.
#[derive(Clone, Copy, Debug)]
pub struct InitialStack {
    pub argc: usize,
    pub argv: *mut *const c_char,
    pub envp: *mut *const c_char,
    /// envp's NULL terminator (the count is computed only when asked).
    pub env_end: *mut *const c_char,
    pub auxv: *const usize,
}

impl InitialStack {
    /// Number of environment entries.
    pub fn envc(&self) -> usize {
        // SAFETY: env_end is envp plus the entries walked by `parse`.
        unsafe { self.env_end.offset_from(self.envp) as usize }
    }
}

/// Walks the initial stack, showing `visit` every environment entry on the
/// way (one pass: the walk to auxv is the only loop over the environment,
/// whose size the program does not control). Also used on fake stacks by
/// the unit tests.
///
/// # Safety
/// `sp` must point to a stack laid out as the kernel does for execve.
pub unsafe fn parse(sp: *const usize, mut visit: impl FnMut(*const c_char)) -> InitialStack {
    // SAFETY: per the caller, argc is followed by argc+1 argv slots, then the
    // NULL-terminated envp array, then auxv.
    unsafe {
        let argc = *sp;
        let argv = sp.add(1) as *mut *const c_char;
        let envp = argv.add(argc + 1);
        let mut e = envp;
        while !(*e).is_null() {
            visit(*e);
            e = e.add(1);
        }
        InitialStack { argc, argv, envp, env_end: e, auxv: e.add(1) as *const usize }
    }
}

/// Phase 1: records argc/argv/envp and reads crt0's own settings (`CRT0_*`)
/// from the environment in the same pass. Returns the start of auxv.
///
/// # Safety
/// As [`parse`]; call once, before anything reads the arguments.
pub unsafe fn init(sp: *const usize) -> InitialStack {
    // SAFETY: per the caller; every entry is a NUL-terminated string and
    // this is phase 1, as `from_env` requires.
    let stack = unsafe { parse(sp, |entry| settings::from_env(entry)) };
    ARGC.store(stack.argc, Relaxed);
    ARGV.store(stack.argv, Relaxed);
    // SAFETY: the kernel's envp lives as long as the process.
    unsafe { set_environ(stack.envp.cast()) };
    stack
}

/// The raw `argv` array (without its NULL terminator), as C sees it.
pub fn argv() -> &'static [*const c_char] {
    // SAFETY: ARGV/ARGC describe the kernel's argv array, which lives for the
    // whole process; before phase 1 they are null/0, giving an empty slice.
    unsafe { slice(ARGV.load(Relaxed), ARGC.load(Relaxed)) }
}

/// The current environment array, `environ` (without its NULL terminator).
pub fn envp() -> &'static [*const c_char] {
    let start = environ().cast::<*const c_char>();
    let mut n = 0;
    // SAFETY: environ is null or a NULL-terminated array that, as C's
    // environment, stays valid while the program uses it.
    unsafe {
        while !start.is_null() && !(*start.add(n)).is_null() {
            n += 1;
        }
        slice(start, n)
    }
}

/// # Safety
/// `p` is null or points to `n` initialised entries that live forever.
unsafe fn slice(p: *mut *const c_char, n: usize) -> &'static [*const c_char] {
    if p.is_null() {
        &[]
    } else {
        // SAFETY: per the callers, p points to n initialised entries.
        unsafe { core::slice::from_raw_parts(p, n) }
    }
}

/// The command-line arguments: an iterator of C strings that also offers
/// indexing and the raw slice.
#[derive(Clone, Copy, Debug)]
pub struct Args {
    argv: &'static [*const c_char],
}

/// The process's arguments (argv[0] included).
pub fn args() -> Args {
    Args { argv: argv() }
}

impl Args {
    /// Number of arguments (argc).
    pub fn len(&self) -> usize {
        self.argv.len()
    }
    /// True when argc is 0 (possible: execve with an empty argv).
    pub fn is_empty(&self) -> bool {
        self.argv.is_empty()
    }
    /// Argument `i`, if there is one.
    pub fn get(&self, i: usize) -> Option<&'static CStr> {
        // SAFETY: every argv entry is a NUL-terminated string the kernel copied.
        self.argv.get(i).map(|&p| unsafe { crate::cstr::c_str(p) })
    }
    /// The raw pointers, as `main` receives them.
    pub fn as_ptrs(&self) -> &'static [*const c_char] {
        self.argv
    }
    /// An iterator over the arguments.
    pub fn iter(&self) -> impl Iterator<Item = &'static CStr> + 'static {
        // SAFETY: as in `get`.
        self.argv.iter().map(|&p| unsafe { crate::cstr::c_str(p) })
    }
}

impl IntoIterator for Args {
    type Item = &'static CStr;
    type IntoIter = core::iter::Map<core::slice::Iter<'static, *const c_char>, fn(&*const c_char) -> &'static CStr>;
    fn into_iter(self) -> Self::IntoIter {
        fn cstr(p: &*const c_char) -> &'static CStr {
            // SAFETY: as in `Args::get`.
            unsafe { crate::cstr::c_str(*p) }
        }
        self.argv.iter().map(cstr as fn(&*const c_char) -> &'static CStr)
    }
}

/// Splits an environment entry `NAME=value` at its first `=`.
pub fn split_entry(entry: &[u8]) -> (&[u8], Option<&[u8]>) {
    match entry.iter().position(|&b| b == b'=') {
        Some(i) => (&entry[..i], Some(&entry[i + 1..])),
        None => (entry, None),
    }
}

/// The value of environment variable `name` (the first match, as getenv).
pub fn var(name: &str) -> Option<&'static CStr> {
    vars().find(|(n, _)| *n == name.as_bytes()).map(|(_, v)| v)
}

/// All `NAME=value` pairs of the environment; entries without `=` are skipped.
pub fn vars() -> impl Iterator<Item = (&'static [u8], &'static CStr)> {
    envp().iter().filter_map(|&p| {
        // SAFETY: every envp entry is a NUL-terminated string.
        let entry = unsafe { crate::cstr::c_str(p) };
        let bytes = entry.to_bytes();
        let (name, value) = split_entry(bytes);
        value?;
        // The value is the tail of the same C string, so it is NUL-terminated.
        // SAFETY: name.len() + 1 <= bytes.len(), inside the string.
        let v = unsafe { crate::cstr::c_str(p.add(name.len() + 1)) };
        Some((name, v))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_fake_stack() {
        let a0 = c"prog".as_ptr() as usize;
        let a1 = c"x".as_ptr() as usize;
        let e0 = c"A=1".as_ptr() as usize;
        let stack = [2, a0, a1, 0, e0, 0, 6, 4096, 0, 0];
        let mut seen = vec![];
        // SAFETY: `stack` is laid out as the kernel lays out an initial stack.
        let s = unsafe { parse(stack.as_ptr(), |e| seen.push(e as usize)) };
        assert_eq!(seen, [e0]);
        assert_eq!(s.argc, 2);
        assert_eq!(s.envc(), 1);
        // SAFETY: auxv points into `stack`, at its last four words.
        let (t, v) = unsafe { (*s.auxv, *s.auxv.add(1)) };
        assert_eq!((t, v), (6, 4096));
    }

    #[test]
    fn parses_empty_argv_and_env() {
        let stack = [0usize, 0, 0, 0, 0];
        // SAFETY: argc 0, empty argv and envp, empty auxv.
        let s = unsafe { parse(stack.as_ptr(), |_| {}) };
        assert_eq!((s.argc, s.envc()), (0, 0));
        assert_eq!(s.auxv, stack.as_ptr().wrapping_add(3));
    }

    #[test]
    fn splits_entries() {
        assert_eq!(split_entry(b"A=b=c"), (&b"A"[..], Some(&b"b=c"[..])));
        assert_eq!(split_entry(b"A="), (&b"A"[..], Some(&b""[..])));
        assert_eq!(split_entry(b"NOEQ"), (&b"NOEQ"[..], None));
    }
}
