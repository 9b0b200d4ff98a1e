//! `realpath`: an absolute path with no `.`, `..`, repeated `/` or
//! symbolic links, every component checked, as glibc resolves it: each
//! component through readlink(2) (not a link: EINVAL), a component
//! followed only by `.`, `..` or `/` checked to be a directory, at most
//! 40 links (ELOOP).

use core::ffi::c_char;

use linux_raw_sys::general::{AT_FDCWD, __NR_faccessat, __NR_getcwd, __NR_readlinkat};

use crate::c::errno::set_errno;
use crate::c::malloc::alloc;
use crate::cstr;
use crate::syscall::{self, Errno};

const PATH_MAX: usize = 4096;
const MAX_LINKS: usize = 40;
const ENAMETOOLONG: Errno = Errno(36);
const ELOOP: Errno = Errno(40);

/// A NUL-terminated path being built.
struct Path {
    buf: [u8; PATH_MAX],
    len: usize,
}

impl Path {
    fn push(&mut self, comp: &[u8]) -> Result<(), Errno> {
        let slash = usize::from(self.len != 1);
        if self.len + slash + comp.len() + 1 > PATH_MAX {
            return Err(ENAMETOOLONG);
        }
        if slash == 1 {
            self.buf[self.len] = b'/';
        }
        self.buf[self.len + slash..self.len + slash + comp.len()].copy_from_slice(comp);
        self.len += slash + comp.len();
        self.buf[self.len] = 0;
        Ok(())
    }
    /// Drops the last component (`/` stays).
    fn pop(&mut self) {
        while self.len > 1 && self.buf[self.len - 1] != b'/' {
            self.len -= 1;
        }
        if self.len > 1 {
            self.len -= 1;
        }
        self.buf[self.len] = 0;
    }
    fn c(&self) -> usize {
        self.buf.as_ptr() as usize
    }
}

/// True when what is left of a path is only `/`, `.` and `..` components
/// (so the component before must be a directory, though nothing looks it up).
fn needs_dir_check(rest: &[u8]) -> bool {
    !rest.is_empty() && rest.split(|&c| c == b'/').all(|c| c.is_empty() || c == b"." || c == b"..")
}

fn resolve(path: &[u8], out: &mut Path) -> Result<(), Errno> {
    if path.is_empty() {
        return Err(Errno::ENOENT);
    }
    if path[0] == b'/' {
        out.buf[0] = b'/';
        out.len = 1;
    } else {
        // SAFETY: getcwd writes at most PATH_MAX bytes.
        unsafe { syscall::raw(__NR_getcwd as usize, [out.c(), PATH_MAX, 0, 0, 0, 0]) }?;
        // SAFETY: the buffer is PATH_MAX bytes.
        out.len = unsafe { cstr::nlen(out.buf.as_ptr(), PATH_MAX) };
    }
    // What is left to resolve: a link's target is spliced in front of it.
    let mut rest = [0u8; 2 * PATH_MAX];
    let mut rest_len = path.len().min(rest.len());
    rest[..rest_len].copy_from_slice(&path[..rest_len]);
    let mut at = 0;
    let mut links = 0;
    while at < rest_len {
        let tail = &rest[at..rest_len];
        let comp_start = tail.iter().position(|&c| c != b'/').unwrap_or(tail.len());
        let comp_len = tail[comp_start..].iter().position(|&c| c == b'/').unwrap_or(tail.len() - comp_start);
        let comp = &tail[comp_start..comp_start + comp_len];
        let next = at + comp_start + comp_len;
        if comp.is_empty() {
            break;
        }
        if comp == b"." {
            at = next;
            continue;
        }
        if comp == b".." {
            out.pop();
            at = next;
            continue;
        }
        out.push(comp)?;
        let mut target = [0u8; PATH_MAX];
        // SAFETY: readlinkat writes at most PATH_MAX bytes into target.
        let r = unsafe { syscall::raw(__NR_readlinkat as usize, [AT_FDCWD as usize, out.c(), target.as_mut_ptr() as usize, PATH_MAX, 0, 0]) };
        match r {
            Ok(n) => {
                links += 1;
                if links > MAX_LINKS {
                    return Err(ELOOP);
                }
                let left = rest_len - next;
                if n + left > rest.len() {
                    return Err(ENAMETOOLONG);
                }
                rest.copy_within(next..rest_len, n);
                rest[..n].copy_from_slice(&target[..n]);
                rest_len = n + left;
                at = 0;
                if target[0] == b'/' {
                    out.len = 1;
                    out.buf[1] = 0;
                } else {
                    out.pop();
                }
            }
            Err(Errno::EINVAL) => {
                // Not a link. glibc's readlink leaves this in errno even
                // when realpath succeeds, and programs see it.
                set_errno(Errno::EINVAL);
                if needs_dir_check(&rest[next..rest_len]) {
                    out.push(b"")?;
                    // SAFETY: faccessat on a NUL-terminated path ending in '/'.
                    let ok = unsafe { syscall::raw(__NR_faccessat as usize, [AT_FDCWD as usize, out.c(), 0, 0, 0, 0]) };
                    out.pop();
                    ok?;
                }
                at = next;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// `char *realpath(const char *path, char *resolved)`: into `resolved`
/// (PATH_MAX bytes) or, when NULL, a malloc'd string.
///
/// # Safety
/// `path` NUL-terminated; `resolved` NULL or writable for PATH_MAX bytes.
#[no_mangle]
pub unsafe extern "C" fn realpath(path: *const c_char, resolved: *mut c_char) -> *mut c_char {
    if path.is_null() {
        set_errno(Errno::EINVAL);
        return core::ptr::null_mut();
    }
    // SAFETY: per the caller.
    let p = unsafe { core::slice::from_raw_parts(path.cast::<u8>(), cstr::len(path.cast())) };
    let mut out = Path { buf: [0; PATH_MAX], len: 0 };
    if let Err(e) = resolve(p, &mut out) {
        set_errno(e);
        return core::ptr::null_mut();
    }
    let dst = if resolved.is_null() {
        match alloc(out.len + 1) {
            Some(d) => d.cast(),
            None => {
                set_errno(Errno::ENOMEM);
                return core::ptr::null_mut();
            }
        }
    } else {
        resolved
    };
    // SAFETY: dst has room for len + 1 bytes (PATH_MAX for a caller's buffer).
    unsafe { core::ptr::copy_nonoverlapping(out.buf.as_ptr(), dst.cast(), out.len + 1) };
    dst
}
