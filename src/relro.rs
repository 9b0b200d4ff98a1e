//! RELRO: after the last start-up write to relocated read-only data (the
//! IRELATIVE slots in the GOT), PT_GNU_RELRO's pages become read-only, so
//! a stray write to a GOT word, a `.data.rel.ro` constant or the
//! constructor arrays faults instead of redirecting control flow.

use crate::syscall::{self, Prot};
use crate::{elf, fatal};

/// Makes the program's RELRO pages read-only; returns how many bytes (0
/// without PT_GNU_RELRO, or when it covers no whole page).
///
/// # Safety
/// Once, after every start-up write to RELRO (phase 4's IRELATIVE
/// relocations and resolvers) and before anything else could rely on
/// writing it.
pub unsafe fn protect() -> usize {
    let Some((start, len)) = elf::relro() else { return 0 };
    // SAFETY: per the caller, nothing writes RELRO after this point, and
    // the range lies inside the program's own mapped image.
    if let Err(e) = unsafe { syscall::mprotect(start, len, Prot::READ) } {
        // As glibc: the program was built expecting this protection, so
        // running on without it would silently weaken it.
        fatal::die_with("cannot make RELRO read-only, errno ", e.0 as usize);
    }
    len
}
