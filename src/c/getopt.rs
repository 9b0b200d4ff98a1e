//! `getopt`, `getopt_long` and `getopt_long_only`, as glibc does them:
//! arguments permuted so options come first (unless the option string
//! starts with `+` or POSIXLY_CORRECT is set; `-` returns non-options as
//! the arguments of option 1), `--` ends the options, long options match
//! by unique prefix, and the error messages are glibc's, on stderr.

use core::ffi::{c_char, c_int};
use core::ptr;

use super::stdio::put_stderr;
use crate::cstr;

/// `char *optarg`: the current option's argument.
#[no_mangle]
pub static mut optarg: *mut c_char = ptr::null_mut();
/// `int optind`: the next argument to look at (set it to 0 to start over).
#[no_mangle]
pub static mut optind: c_int = 1;
/// `int opterr`: print error messages (nonzero).
#[no_mangle]
pub static mut opterr: c_int = 1;
/// `int optopt`: the option character of the last error.
#[no_mangle]
pub static mut optopt: c_int = b'?' as c_int;

/// `struct option` from `<getopt.h>`.
#[repr(C)]
pub struct LongOption {
    pub name: *const c_char,
    /// 0: none, 1: required, 2: optional.
    pub has_arg: c_int,
    pub flag: *mut c_int,
    pub val: c_int,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ordering {
    RequireOrder,
    Permute,
    ReturnInOrder,
}

/// The scanner's state between calls (glibc's `struct _getopt_data`).
struct State {
    nextchar: *mut c_char,
    ordering: Ordering,
    first_nonopt: c_int,
    last_nonopt: c_int,
    initialized: bool,
}

static mut STATE: State =
    State { nextchar: ptr::null_mut(), ordering: Ordering::Permute, first_nonopt: 1, last_nonopt: 1, initialized: false };

/// The bytes of a C string.
///
/// # Safety
/// `s` NUL-terminated.
unsafe fn bytes<'a>(s: *const c_char) -> &'a [u8] {
    // SAFETY: per the caller.
    unsafe { core::slice::from_raw_parts(s.cast(), cstr::len(s.cast())) }
}

/// The calling convention of the three entry points, and glibc's globals
/// (getopt is not reentrant, in glibc either).
struct Call {
    argc: c_int,
    argv: *mut *mut c_char,
    opts: *const c_char,
    longopts: *const LongOption,
    longind: *mut c_int,
    long_only: bool,
    print: bool,
}

impl Call {
    /// `argv[i]`.
    fn arg(&self, i: c_int) -> *mut c_char {
        // SAFETY: the caller passes argc valid entries.
        unsafe { *self.argv.add(i as usize) }
    }

    fn opts<'a>(&self) -> &'a [u8] {
        // SAFETY: the option string is NUL-terminated.
        unsafe { bytes(self.opts) }
    }

    fn name(&self) -> &[u8] {
        // SAFETY: argv[0] is NUL-terminated.
        unsafe { bytes(self.arg(0)) }
    }

    /// The options: (index, option), up to the all-zero entry.
    fn longs(&self) -> impl Iterator<Item = (usize, &LongOption)> {
        let p = self.longopts;
        // SAFETY: the array ends with an entry whose name is NULL.
        (0..).map(move |i| (i, unsafe { &*p.add(i) })).take_while(|(_, o)| !o.name.is_null())
    }
}

/// Moves the non-options skipped so far after the options seen since
/// (glibc's `exchange`): `[first_nonopt, last_nonopt)` swaps with
/// `[last_nonopt, optind)`.
///
/// # Safety
/// Inside getopt, with `c`'s argv.
unsafe fn exchange(c: &Call, s: &mut State) {
    // SAFETY: every index is below optind <= argc.
    unsafe {
        let (mut bottom, middle, mut top) = (s.first_nonopt, s.last_nonopt, optind);
        let argv = c.argv;
        while top > middle && middle > bottom {
            if top - middle > middle - bottom {
                let len = middle - bottom;
                for i in 0..len {
                    ptr::swap(argv.add((bottom + i) as usize), argv.add((top - len + i) as usize));
                }
                top -= len;
            } else {
                let len = top - middle;
                for i in 0..len {
                    ptr::swap(argv.add((bottom + i) as usize), argv.add((middle + i) as usize));
                }
                bottom += len;
            }
        }
        s.first_nonopt += optind - s.last_nonopt;
        s.last_nonopt = optind;
    }
}

/// A long option at `s.nextchar` (after `prefix`); -1 when getopt_long_only
/// should try it as short options instead.
///
/// # Safety
/// Inside getopt.
unsafe fn long_option(c: &Call, s: &mut State, prefix: &[u8]) -> c_int {
    // SAFETY: nextchar points into an argument; the globals are getopt's.
    unsafe {
        let rest = bytes(s.nextchar);
        let namelen = rest.iter().position(|&b| b == b'=').unwrap_or(rest.len());
        let name = &rest[..namelen];
        let exact = c.longs().find(|(_, o)| bytes(o.name) == name);
        let found = match exact {
            Some(f) => f,
            None => {
                let mut first: Option<(usize, &LongOption)> = None;
                let mut ambiguous = false;
                for (i, o) in c.longs().filter(|(_, o)| bytes(o.name).starts_with(name)) {
                    match first {
                        None => first = Some((i, o)),
                        Some((_, f)) => {
                            if c.long_only || f.has_arg != o.has_arg || f.flag != o.flag || f.val != o.val {
                                ambiguous = true;
                            }
                        }
                    }
                }
                if ambiguous {
                    if c.print {
                        put_stderr(&[c.name(), b": option '", prefix, rest, b"' is ambiguous; possibilities:"]);
                        // The first match and every later one that differs from it.
                        let (_, f) = first.unwrap_or((0, exact_none()));
                        let differs = |o: &LongOption| {
                            ptr::eq(o, f) || c.long_only || f.has_arg != o.has_arg || f.flag != o.flag || f.val != o.val
                        };
                        for (_, o) in c.longs().filter(|(_, o)| bytes(o.name).starts_with(name) && differs(o)) {
                            put_stderr(&[b" '", prefix, bytes(o.name), b"'"]);
                        }
                        put_stderr(&[b"\n"]);
                    }
                    s.nextchar = s.nextchar.add(rest.len());
                    optind += 1;
                    optopt = 0;
                    return c_int::from(b'?');
                }
                match first {
                    Some(f) => f,
                    None => {
                        let arg = bytes(c.arg(optind));
                        if !c.long_only || arg.get(1) == Some(&b'-') || !c.opts().contains(&rest[0]) {
                            if c.print {
                                put_stderr(&[c.name(), b": unrecognized option '", prefix, rest, b"'\n"]);
                            }
                            s.nextchar = ptr::null_mut();
                            optind += 1;
                            optopt = 0;
                            return c_int::from(b'?');
                        }
                        return -1;
                    }
                }
            }
        };
        let (index, o) = found;
        optind += 1;
        s.nextchar = ptr::null_mut();
        if namelen < rest.len() {
            if o.has_arg != 0 {
                optarg = rest[namelen + 1..].as_ptr().cast_mut().cast();
            } else {
                if c.print {
                    put_stderr(&[c.name(), b": option '", prefix, bytes(o.name), b"' doesn't allow an argument\n"]);
                }
                optopt = o.val;
                return c_int::from(b'?');
            }
        } else if o.has_arg == 1 {
            if optind < c.argc {
                optarg = c.arg(optind);
                optind += 1;
            } else {
                if c.print {
                    put_stderr(&[c.name(), b": option '", prefix, bytes(o.name), b"' requires an argument\n"]);
                }
                optopt = o.val;
                return c_int::from(if c.opts().first() == Some(&b':') { b':' } else { b'?' });
            }
        }
        if !c.longind.is_null() {
            *c.longind = index as c_int;
        }
        if !o.flag.is_null() {
            *o.flag = o.val;
            return 0;
        }
        o.val
    }
}

/// Never used: `first` is set whenever an ambiguity was found.
fn exact_none() -> &'static LongOption {
    static NONE: LongOption = LongOption { name: ptr::null(), has_arg: 0, flag: ptr::null_mut(), val: 0 };
    &NONE
}

// SAFETY: the placeholder's pointers are null and never used.
unsafe impl Sync for LongOption {}

/// The scanner (glibc's `_getopt_internal_r`).
///
/// # Safety
/// argv has argc NUL-terminated entries; the strings are NUL-terminated.
unsafe fn getopt_internal(mut c: Call) -> c_int {
    // SAFETY: getopt's globals and the caller's arguments, as C's getopt.
    unsafe {
        let s = &mut *ptr::addr_of_mut!(STATE);
        if c.argc < 1 {
            return -1;
        }
        optarg = ptr::null_mut();
        let mut opts = c.opts();
        if optind == 0 || !s.initialized {
            if optind == 0 {
                optind = 1;
            }
            s.first_nonopt = optind;
            s.last_nonopt = optind;
            s.nextchar = ptr::null_mut();
            let posixly = !super::env::getenv(c"POSIXLY_CORRECT".as_ptr()).is_null();
            s.ordering = match opts.first() {
                Some(b'-') => Ordering::ReturnInOrder,
                Some(b'+') => Ordering::RequireOrder,
                _ if posixly => Ordering::RequireOrder,
                _ => Ordering::Permute,
            };
            s.initialized = true;
        }
        if matches!(opts.first(), Some(b'-' | b'+')) {
            c.opts = c.opts.add(1);
            opts = c.opts();
        }
        if opts.first() == Some(&b':') {
            c.print = false;
        }
        let nonoption = |i: c_int| {
            let a = bytes(c.arg(i));
            a.first() != Some(&b'-') || a.len() == 1
        };
        if s.nextchar.is_null() || *s.nextchar == 0 {
            if s.last_nonopt > optind {
                s.last_nonopt = optind;
            }
            if s.first_nonopt > optind {
                s.first_nonopt = optind;
            }
            if s.ordering == Ordering::Permute {
                if s.first_nonopt != s.last_nonopt && s.last_nonopt != optind {
                    exchange(&c, s);
                } else if s.last_nonopt != optind {
                    s.first_nonopt = optind;
                }
                while optind < c.argc && nonoption(optind) {
                    optind += 1;
                }
                s.last_nonopt = optind;
            }
            if optind != c.argc && bytes(c.arg(optind)) == b"--" {
                optind += 1;
                if s.first_nonopt != s.last_nonopt && s.last_nonopt != optind {
                    exchange(&c, s);
                } else if s.first_nonopt == s.last_nonopt {
                    s.first_nonopt = optind;
                }
                s.last_nonopt = c.argc;
                optind = c.argc;
            }
            if optind == c.argc {
                if s.first_nonopt != s.last_nonopt {
                    optind = s.first_nonopt;
                }
                return -1;
            }
            if nonoption(optind) {
                if s.ordering == Ordering::RequireOrder {
                    return -1;
                }
                optarg = c.arg(optind);
                optind += 1;
                return 1;
            }
            if !c.longopts.is_null() {
                let a = bytes(c.arg(optind));
                if a[1] == b'-' {
                    s.nextchar = c.arg(optind).add(2);
                    return long_option(&c, s, b"--");
                }
                if c.long_only && (a.len() > 2 || !opts.contains(&a[1])) {
                    s.nextchar = c.arg(optind).add(1);
                    let code = long_option(&c, s, b"-");
                    if code != -1 {
                        return code;
                    }
                }
            }
            s.nextchar = c.arg(optind).add(1);
        }
        let ch = *s.nextchar.cast::<u8>();
        s.nextchar = s.nextchar.add(1);
        let spec = opts.iter().position(|&b| b == ch).filter(|_| ch != b':' && ch != b';');
        if *s.nextchar == 0 {
            optind += 1;
        }
        let Some(at) = spec else {
            if c.print {
                put_stderr(&[c.name(), b": invalid option -- '", &[ch], b"'\n"]);
            }
            optopt = c_int::from(ch);
            return c_int::from(b'?');
        };
        let mut result = c_int::from(ch);
        if opts.get(at + 1) == Some(&b':') {
            let optional = opts.get(at + 2) == Some(&b':');
            if *s.nextchar != 0 {
                optarg = s.nextchar;
                optind += 1;
            } else if optional {
                optarg = ptr::null_mut();
            } else if optind == c.argc {
                if c.print {
                    put_stderr(&[c.name(), b": option requires an argument -- '", &[ch], b"'\n"]);
                }
                optopt = c_int::from(ch);
                result = c_int::from(if opts.first() == Some(&b':') { b':' } else { b'?' });
            } else {
                optarg = c.arg(optind);
                optind += 1;
            }
            s.nextchar = ptr::null_mut();
        }
        result
    }
}

/// `int getopt(int argc, char *const argv[], const char *optstring)`.
///
/// # Safety
/// `argv` holds `argc` NUL-terminated strings; `optstring` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn getopt(argc: c_int, argv: *mut *mut c_char, opts: *const c_char) -> c_int {
    // SAFETY: getopt's globals, and per the caller.
    unsafe {
        let print = opterr != 0;
        getopt_internal(Call { argc, argv, opts, longopts: ptr::null(), longind: ptr::null_mut(), long_only: false, print })
    }
}

/// `int getopt_long(int argc, char *const argv[], const char *optstring,
/// const struct option *longopts, int *longindex)`.
///
/// # Safety
/// As getopt; `longopts` ends with an all-zero entry; `longind` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn getopt_long(argc: c_int, argv: *mut *mut c_char, opts: *const c_char, longopts: *const LongOption, longind: *mut c_int) -> c_int {
    // SAFETY: per the caller.
    unsafe {
        let print = opterr != 0;
        getopt_internal(Call { argc, argv, opts, longopts, longind, long_only: false, print })
    }
}

/// `int getopt_long_only(...)`: long options may start with a single `-`.
///
/// # Safety
/// As getopt_long.
#[no_mangle]
pub unsafe extern "C" fn getopt_long_only(argc: c_int, argv: *mut *mut c_char, opts: *const c_char, longopts: *const LongOption, longind: *mut c_int) -> c_int {
    // SAFETY: per the caller.
    unsafe {
        let print = opterr != 0;
        getopt_internal(Call { argc, argv, opts, longopts, longind, long_only: true, print })
    }
}
