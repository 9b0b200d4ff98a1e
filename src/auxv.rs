//! The auxiliary vector: what the kernel tells a new process about itself and
//! the machine (program headers, page size, hwcaps, random bytes, rseq ABI).
//! Entries with a type below 64 (every type start-up needs) are copied into a
//! table in one pass, so each later lookup is one load.

use core::sync::atomic::{AtomicUsize, Ordering::Relaxed};

// Auxiliary vector entry types, from linux-raw-sys (the rest are
// `crt0::linux_raw_sys::auxvec::AT_*`).
crate::kernel::kernel_consts!(usize, auxvec, "linux/auxvec.h":
    AT_NULL, AT_PHDR, AT_PHENT, AT_PHNUM, AT_PAGESZ, AT_ENTRY, AT_UID, AT_SECURE, AT_PLATFORM,
    AT_HWCAP, AT_RANDOM, AT_HWCAP2, AT_RSEQ_FEATURE_SIZE, AT_RSEQ_ALIGN, AT_EXECFN,
    AT_SYSINFO_EHDR, AT_MINSIGSTKSZ,
);

const SLOTS: usize = 64;

/// A copy of the small-numbered entries of one vector. A zero value means
/// "absent or zero"; only then does a lookup walk the vector itself to tell
/// which (rare: zero-valued entries such as AT_SECURE are seldom asked for).
/// Keeping no presence bitmap makes the copy loop as short as it can be:
/// start-up cost is mostly this loop, about 20 entries on current kernels.
pub struct Table {
    vector: AtomicUsize,
    values: [AtomicUsize; SLOTS],
}

impl Table {
    /// An empty table (no vector read yet).
    pub const fn new() -> Table {
        Table { vector: AtomicUsize::new(0), values: [const { AtomicUsize::new(0) }; SLOTS] }
    }

    /// Copies the entries of the vector starting at `auxv`, up to AT_NULL.
    ///
    /// # Safety
    /// `auxv` must point to (type, value) pairs ending with AT_NULL, which
    /// stay in place for the life of the table.
    pub unsafe fn fill(&self, auxv: *const usize) {
        self.vector.store(auxv as usize, Relaxed);
        let mut p = auxv;
        // SAFETY: per the caller, every pair up to AT_NULL is readable.
        let mut t = unsafe { *p };
        // This loop runs for each of the ~20 entries of every process, so
        // it is kept short: one unsigned compare both ends it at AT_NULL
        // (0 - 1 wraps around) and keeps the index inside the table; it
        // is written test-at-the-bottom (at opt-level "s" LLVM leaves a
        // top-tested loop with an extra jump per trip); and it copies two
        // entries per trip, paying the pointer increment once for both.
        let in_table = |t: usize| t.wrapping_sub(1) < SLOTS - 1;
        loop {
            if in_table(t) {
                loop {
                    // SAFETY: 1 <= t < SLOTS; t is not AT_NULL, so its
                    // value and the next pair exist.
                    unsafe {
                        self.values.get_unchecked(t).store(*p.add(1), Relaxed);
                        t = *p.add(2);
                    }
                    if !in_table(t) {
                        // SAFETY: the pair just read exists.
                        p = unsafe { p.add(2) };
                        break;
                    }
                    // SAFETY: as above, for the second pair of the trip.
                    unsafe {
                        self.values.get_unchecked(t).store(*p.add(3), Relaxed);
                        t = *p.add(4);
                        p = p.add(4);
                    }
                    if !in_table(t) {
                        break;
                    }
                }
            }
            if t == AT_NULL {
                break;
            }
            // SAFETY: p is at an entry other than AT_NULL.
            p = unsafe { skip_large(p) };
            // SAFETY: skip_large stops at a readable pair.
            t = unsafe { *p };
        }
    }

    /// The raw slot of entry `t`: its value, or 0 when it is absent, zero,
    /// or beyond the table. One load: for start-up, which reads only
    /// entries where absent and zero mean the same thing.
    #[inline(always)]
    pub fn value(&self, t: usize) -> usize {
        self.values.get(t).map_or(0, |v| v.load(Relaxed))
    }

    /// The value of entry `t`, if the vector has it.
    #[inline]
    pub fn get(&self, t: usize) -> Option<usize> {
        match self.values.get(t).map(|v| v.load(Relaxed)) {
            Some(v) if v != 0 => Some(v),
            _ => self.find(t),
        }
    }

    /// Walks the vector for entry `t`.
    #[cold]
    fn find(&self, t: usize) -> Option<usize> {
        self.entries().find(|&(k, _)| k == t).map(|(_, v)| v)
    }

    /// All (type, value) pairs, in the kernel's order.
    pub fn entries(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        let mut p = self.vector.load(Relaxed) as *const usize;
        core::iter::from_fn(move || {
            if p.is_null() {
                return None;
            }
            // SAFETY: `fill` recorded a vector that ends with AT_NULL and
            // stays in place; p never moves past AT_NULL.
            let (k, v) = unsafe { (*p, *p.add(1)) };
            if k == AT_NULL {
                p = core::ptr::null();
                return None;
            }
            // SAFETY: as above.
            p = unsafe { p.add(2) };
            Some((k, v))
        })
    }
}

/// Skips entries whose types are beyond the table (none on current
/// kernels; only `find` sees them). Out of line, so that the copy loop
/// stays one tight loop.
///
/// # Safety
/// `p` must point at an entry other than AT_NULL of a vector ending with AT_NULL.
#[cold]
#[inline(never)]
unsafe fn skip_large(mut p: *const usize) -> *const usize {
    // SAFETY: per the caller, the next pair exists; the loop stops at
    // AT_NULL or at the first type the table holds.
    unsafe {
        loop {
            p = p.add(2);
            if *p < SLOTS {
                return p;
            }
        }
    }
}

impl Default for Table {
    fn default() -> Self {
        Table::new()
    }
}

static TABLE: Table = Table::new();

/// Phase 1: reads the process's auxiliary vector.
///
/// # Safety
/// `auxv` must be the vector the kernel placed after envp; call once.
pub unsafe fn init(auxv: *const usize) {
    // SAFETY: per the caller; the initial stack lives as long as the process.
    unsafe { TABLE.fill(auxv) }
}

/// The value of auxv entry `t` (one of the `AT_*` constants), if present.
pub fn get(t: usize) -> Option<usize> {
    TABLE.get(t)
}

/// The value of auxv entry `t`, or 0 when absent: one load, for the many
/// entries where 0 and "absent" mean the same (AT_HWCAP2, AT_RANDOM, AT_PHDR,
/// AT_RSEQ_*). `t` must be below 64 to be found.
#[inline(always)]
pub fn value(t: usize) -> usize {
    TABLE.value(t)
}

/// Number of entries in the vector (for the trace).
pub fn len() -> usize {
    TABLE.entries().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_keeps_entries_and_absence() {
        let v = [AT_PAGESZ, 4096, AT_HWCAP2, 2, 70, 9, AT_RSEQ_ALIGN, 32, AT_NULL, 0];
        let t = Table::new();
        // SAFETY: `v` is a vector of pairs ending with AT_NULL.
        unsafe { t.fill(v.as_ptr()) };
        assert_eq!(t.entries().count(), 4);
        assert_eq!(t.get(AT_PAGESZ), Some(4096));
        assert_eq!(t.get(AT_HWCAP2), Some(2));
        assert_eq!(t.get(AT_RSEQ_ALIGN), Some(32));
        assert_eq!(t.get(AT_RSEQ_FEATURE_SIZE), None);
        assert_eq!(t.get(70), Some(9), "large types are found by walking the vector");
        assert_eq!(t.get(71), None);
        assert_eq!(t.value(AT_PAGESZ), 4096);
        assert_eq!(t.value(AT_RSEQ_FEATURE_SIZE), 0);
        assert_eq!(t.value(70), 0);
    }

    #[test]
    fn types_beyond_the_table_do_not_stop_the_copy() {
        let v = [70, 1, 64, 2, AT_PAGESZ, 4096, 63, 5, 1000, 3, AT_HWCAP2, 2, AT_NULL, 0];
        let t = Table::new();
        // SAFETY: `v` is a vector of pairs ending with AT_NULL.
        unsafe { t.fill(v.as_ptr()) };
        assert_eq!(t.entries().count(), 6);
        assert_eq!(t.get(AT_PAGESZ), Some(4096));
        assert_eq!(t.get(63), Some(5));
        assert_eq!(t.get(AT_HWCAP2), Some(2));
        assert_eq!(t.get(64), Some(2));
        assert_eq!(t.get(1000), Some(3));
    }

    #[test]
    fn zero_values_are_present() {
        let v = [AT_SECURE, 0, AT_NULL, 0];
        let t = Table::new();
        // SAFETY: `v` is a vector of pairs ending with AT_NULL.
        unsafe { t.fill(v.as_ptr()) };
        assert_eq!(t.get(AT_SECURE), Some(0));
    }

    #[test]
    fn empty_vector() {
        let v = [AT_NULL, 0];
        let t = Table::new();
        // SAFETY: `v` is a vector of pairs ending with AT_NULL.
        unsafe { t.fill(v.as_ptr()) };
        assert_eq!(t.entries().count(), 0);
        assert_eq!(t.get(AT_PAGESZ), None);
    }
}
