//! The rseq critical sections of `crt0::percpu` on riscv64.
//!
//! The same frame as on x86_64 and aarch64 (see src/arch/x86_64/percpu.rs):
//! read `cpu_id` from the thread's rseq area (`tp + off`), leave if it is
//! negative or has no slot, point `rseq_cs` at the descriptor, check
//! `cpu_id` again inside the section, work, commit with one store; the abort
//! handler counts the abort and starts over. The signature before it is the
//! instruction `csrw mhartid, zero`, so running into it by mistake traps.
//!
//! Memory order: RVWMO has no load-acquire or store-release in RV64GC, so
//! the lock is read with a load followed by `fence r, rw` (acquire: the
//! loads of the slot after it cannot be satisfied before it, which matters
//! when a fallback path on another CPU changed the slot and released the
//! lock just before), and a publishing commit (a pushed node, a stored
//! word) is preceded by `fence rw, w` (release: what the writer wrote before
//! is visible to whoever reads the word on another CPU). The fences sit
//! inside the section, before the commit store, which stays the one store
//! that commits. Address dependencies are kept in order by RVWMO, which pop
//! relies on as it does on aarch64.
//!
//! Each function returns the CPU it used: a value not below `n` tells the
//! caller to take the fallback path (-1 when a fallback holds the lock).

use core::arch::asm;

use crate::percpu::ABORTS;

/// System calls only the per-CPU code makes (asm-generic, via linux-raw-sys).
pub mod nr {
    use linux_raw_sys::general as g;
    pub const OPENAT: usize = g::__NR_openat as usize;
    pub const CLOSE: usize = g::__NR_close as usize;
    pub const SCHED_YIELD: usize = g::__NR_sched_yield as usize;
    pub const SCHED_GETAFFINITY: usize = g::__NR_sched_getaffinity as usize;
    pub const MEMBARRIER: usize = g::__NR_membarrier as usize;
}

/// log2 of the distance between two slots.
pub const SLOT_SHIFT: u32 = 7;

/// The frame around `$body`, which runs inside the section with `{slot}`
/// pointing at this CPU's slot, must end with the commit store, and may
/// jump to `7f` (leave, nothing stored) or `8f` (busy: leave with -1).
/// Operands `off`, `base`, `n` (a full register: `n as usize`), `cpu`,
/// `area`, `slot`, `tmp` must be given.
macro_rules! critical_section {
    ([$($body:literal),* $(,)?], $($operands:tt)*) => {
        asm!(
            ".pushsection __rseq_cs, \"aw\"",
            ".balign 32",
            "3:",
            ".long 0, 0",                    // version, flags
            ".quad 4f, 5f - 4f, 6f",         // start_ip, post_commit_offset, abort_ip
            ".popsection",
            "add {area}, tp, {off}",         // this thread's rseq area
            "2:",
            "lw {cpu}, 4({area})",           // cpu_id, sign-extended: negative when not registered
            "bgeu {cpu}, {n}, 7f",           // unsigned: catches both cases
            "slli {slot}, {cpu}, {shift}",
            "add {slot}, {base}, {slot}",
            "lla {tmp}, 3b",
            "sd {tmp}, 8({area})",           // arm: rseq_cs = &descriptor
            "4:",
            "lw {tmp}, 4({area})",           // moved since the read above?
            "bne {tmp}, {cpu}, 6f",
            $($body,)*
            "5:",
            "j 7f",
            ".long 0xf1401073",              // RSEQ_SIG, just before abort_ip
            "6:",
            "lla {slot}, {aborts}",          // count it, for the stress tests
            "li {tmp}, 1",
            "amoadd.d zero, {tmp}, ({slot})",
            "j 2b",                          // start over
            "8:",
            "li {cpu}, -1",                  // busy: the caller takes the lock
            "7:",
            shift = const SLOT_SHIFT,
            aborts = sym ABORTS,
            $($operands)*
            options(nostack),
        )
    };
}

/// This thread's rseq `cpu_id` (negative when not registered).
///
/// # Safety
/// The thread pointer must be set (any time after start-up's phase 2) and
/// `off` must be `__rseq_offset`.
#[inline(always)]
pub unsafe fn cpu_id(off: isize) -> i32 {
    let cpu: i32;
    // SAFETY: per the caller, tp + off is this thread's area.
    unsafe {
        asm!("add {a}, tp, {off}",
             "lw {cpu}, 4({a})",
             off = in(reg) off, a = out(reg) _, cpu = lateout(reg) cpu,
             options(nostack, readonly, preserves_flags));
    }
    cpu
}

/// Adds `v` to the word of this CPU's slot.
///
/// # Safety
/// As [`cpu_id`]; `base` must point to `n` slots, whose words only these
/// critical sections write.
#[inline(always)]
pub unsafe fn add(off: isize, base: *mut u8, n: u32, v: u64) -> u32 {
    let cpu: usize;
    // SAFETY: per the caller; the section writes only the slot's word.
    unsafe {
        critical_section!(
            [
                "ld {tmp}, 0({slot})",
                "add {tmp}, {tmp}, {v}",
                "sd {tmp}, 0({slot})",       // the commit
            ],
            off = in(reg) off, base = in(reg) base, n = in(reg) n as usize, v = in(reg) v,
            cpu = out(reg) cpu, area = out(reg) _, slot = out(reg) _, tmp = out(reg) _,
        );
    }
    cpu as u32
}

/// On this CPU's slot: if the word equals `expected`, stores `new`.
/// Returns the CPU and the word seen (`expected` when it stored).
///
/// # Safety
/// As [`add`]; other writers of the word must take the slot's lock.
#[inline(always)]
pub unsafe fn compare_store(off: isize, base: *mut u8, n: u32, expected: usize, new: usize) -> (u32, usize) {
    let cpu: usize;
    let seen: usize;
    // SAFETY: per the caller.
    unsafe {
        critical_section!(
            [
                "lw {tmp}, 16({slot})",      // the lock
                "fence r, rw",               // acquire (module note)
                "bnez {tmp}, 8f",            // a fallback path owns the slot
                "ld {tmp}, 0({slot})",
                "bne {tmp}, {expected}, 7f", // not equal: report what is there
                "fence rw, w",               // release: publish what came before
                "sd {new}, 0({slot})",       // the commit
            ],
            off = in(reg) off, base = in(reg) base, n = in(reg) n as usize,
            expected = in(reg) expected, new = in(reg) new,
            cpu = out(reg) cpu, area = out(reg) _, slot = out(reg) _, tmp = out(reg) seen,
        );
    }
    (cpu as u32, seen)
}

/// Pushes `node` on this CPU's list: `node.next = head; head = node`.
///
/// # Safety
/// As [`compare_store`]; `node` must be a writable word owned by the caller.
#[inline(always)]
pub unsafe fn push(off: isize, base: *mut u8, n: u32, node: *mut usize) -> u32 {
    let cpu: usize;
    // SAFETY: per the caller; the node is private until the commit.
    unsafe {
        critical_section!(
            [
                "lw {tmp}, 16({slot})",
                "fence r, rw",
                "bnez {tmp}, 8f",
                "ld {tmp}, 0({slot})",
                "sd {tmp}, 0({node})",       // node.next: nobody sees it yet
                "fence rw, w",               // release: node.next before the node
                "sd {node}, 0({slot})",      // the commit publishes the node
            ],
            off = in(reg) off, base = in(reg) base, n = in(reg) n as usize, node = in(reg) node,
            cpu = out(reg) cpu, area = out(reg) _, slot = out(reg) _, tmp = out(reg) _,
        );
    }
    cpu as u32
}

/// Pops the head of this CPU's list: `head = head.next`. Returns the CPU
/// and the node (0 when the list is empty).
///
/// # Safety
/// As [`compare_store`]; every node on the lists must stay readable while
/// it is on them.
#[inline(always)]
pub unsafe fn pop(off: isize, base: *mut u8, n: u32) -> (u32, usize) {
    let cpu: usize;
    let head: usize;
    // SAFETY: per the caller. The head cannot be popped and freed by
    // another thread between its load and the load of its `next`: that
    // thread would have to run on this CPU, which aborts this section.
    // The load of `next` depends on the head's address, so it sees what
    // the pusher wrote before its release fence.
    unsafe {
        critical_section!(
            [
                "lw {tmp}, 16({slot})",
                "fence r, rw",
                "bnez {tmp}, 8f",
                "ld {head}, 0({slot})",
                "beqz {head}, 7f",           // empty
                "ld {tmp}, 0({head})",
                "sd {tmp}, 0({slot})",       // the commit
            ],
            off = in(reg) off, base = in(reg) base, n = in(reg) n as usize,
            cpu = out(reg) cpu, area = out(reg) _, slot = out(reg) _, head = out(reg) head, tmp = out(reg) _,
        );
    }
    (cpu as u32, head)
}
