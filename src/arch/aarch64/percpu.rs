//! The rseq critical sections of `crt0::percpu` on aarch64.
//!
//! The same frame as on x86_64 (see src/arch/x86_64/percpu.rs): read
//! `cpu_id` from the thread's rseq area (`tpidr_el0 + off`), leave if it
//! is negative or has no slot, point `rseq_cs` at the descriptor, check
//! `cpu_id` again inside the section, work, commit with one store; the
//! abort handler counts the abort and starts over. The signature before it
//! is the instruction `brk #0x45e0`, so running into it by mistake traps.
//! Stores that publish (a pushed node, a stored word) are store-release,
//! so that what the writer wrote before is visible to whoever reads the
//! word on another CPU. The lock is read with load-acquire: a fallback
//! path on another CPU may have changed the slot and released the lock
//! just before, and the loads of the slot that follow must not be
//! satisfied earlier than the lock's (they would see the slot as it was
//! before the fallback, with the lock already free).
//!
//! Each function returns the CPU it used: a value not below `n` tells the
//! caller to take the fallback path (-1 when a fallback holds the lock).

use core::arch::asm;

use crate::percpu::ABORTS;


/// log2 of the distance between two slots.
pub const SLOT_SHIFT: u32 = 7;

/// The frame around `$body`, which runs inside the section with `{slot}`
/// pointing at this CPU's slot, must end with the commit store, and may
/// jump to `7f` (leave, nothing stored) or `8f` (busy: leave with -1).
/// Operands `off`, `base`, `n`, `cpu`, `area`, `slot`, `tmp` must be given.
macro_rules! critical_section {
    ([$($body:literal),* $(,)?], $($operands:tt)*) => {
        asm!(
            ".pushsection __rseq_cs, \"aw\"",
            ".balign 32",
            "3:",
            ".long 0, 0",                    // version, flags
            ".quad 4f, 5f - 4f, 6f",         // start_ip, post_commit_offset, abort_ip
            ".popsection",
            "mrs {area}, tpidr_el0",
            "add {area}, {area}, {off}",     // this thread's rseq area
            "2:",
            "ldr {cpu:w}, [{area}, #4]",     // cpu_id: negative when not registered
            "cmp {cpu:w}, {n:w}",            // unsigned: catches both cases
            "b.hs 7f",
            "add {slot}, {base}, {cpu:x}, lsl #{shift}",
            "adrp {tmp}, 3b",
            "add {tmp}, {tmp}, :lo12:3b",
            "str {tmp}, [{area}, #8]",       // arm: rseq_cs = &descriptor
            "4:",
            "ldr {tmp:w}, [{area}, #4]",     // moved since the read above?
            "cmp {tmp:w}, {cpu:w}",
            "b.ne 6f",
            $($body,)*
            "5:",
            "b 7f",
            ".long 0xd428bc00",              // RSEQ_SIG, just before abort_ip
            "6:",
            "adrp {slot}, {aborts}",         // count it, for the stress tests
            "add {slot}, {slot}, :lo12:{aborts}",
            "9:",
            "ldxr {tmp}, [{slot}]",
            "add {tmp}, {tmp}, #1",
            "stxr {cpu:w}, {tmp}, [{slot}]",
            "cbnz {cpu:w}, 9b",
            "b 2b",                          // start over
            "8:",
            "mov {cpu:w}, #-1",              // busy: the caller takes the lock
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
    // SAFETY: per the caller, tpidr_el0 + off is this thread's area.
    unsafe {
        asm!("mrs {tp}, tpidr_el0",
             "add {tp}, {tp}, {off}",
             "ldr {cpu:w}, [{tp}, #4]",
             off = in(reg) off, tp = out(reg) _, cpu = lateout(reg) cpu,
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
    let cpu: u32;
    // SAFETY: per the caller; the section writes only the slot's word.
    unsafe {
        critical_section!(
            [
                "ldr {tmp}, [{slot}]",
                "add {tmp}, {tmp}, {v}",
                "str {tmp}, [{slot}]",       // the commit
            ],
            off = in(reg) off, base = in(reg) base, n = in(reg) n, v = in(reg) v,
            cpu = out(reg) cpu, area = out(reg) _, slot = out(reg) _, tmp = out(reg) _,
        );
    }
    cpu
}

/// On this CPU's slot: if the word equals `expected`, stores `new`.
/// Returns the CPU and the word seen (`expected` when it stored).
///
/// # Safety
/// As [`add`]; other writers of the word must take the slot's lock.
#[inline(always)]
pub unsafe fn compare_store(off: isize, base: *mut u8, n: u32, expected: usize, new: usize) -> (u32, usize) {
    let cpu: u32;
    let seen: usize;
    // SAFETY: per the caller.
    unsafe {
        critical_section!(
            [
                "add {tmp}, {slot}, #16",
                "ldar {tmp:w}, [{tmp}]",     // the lock, load-acquire (module note)
                "cbnz {tmp:w}, 8f",          // a fallback path owns the slot
                "ldr {tmp}, [{slot}]",
                "cmp {tmp}, {expected}",
                "b.ne 7f",                   // not equal: report what is there
                "stlr {new}, [{slot}]",      // the commit, publishing
            ],
            off = in(reg) off, base = in(reg) base, n = in(reg) n,
            expected = in(reg) expected, new = in(reg) new,
            cpu = out(reg) cpu, area = out(reg) _, slot = out(reg) _, tmp = out(reg) seen,
        );
    }
    (cpu, seen)
}

/// Pushes `node` on this CPU's list: `node.next = head; head = node`.
///
/// # Safety
/// As [`compare_store`]; `node` must be a writable word owned by the caller.
#[inline(always)]
pub unsafe fn push(off: isize, base: *mut u8, n: u32, node: *mut usize) -> u32 {
    let cpu: u32;
    // SAFETY: per the caller; the node is private until the commit.
    unsafe {
        critical_section!(
            [
                "add {tmp}, {slot}, #16",
                "ldar {tmp:w}, [{tmp}]",
                "cbnz {tmp:w}, 8f",
                "ldr {tmp}, [{slot}]",
                "str {tmp}, [{node}]",       // node.next: nobody sees it yet
                "stlr {node}, [{slot}]",     // the commit publishes the node
            ],
            off = in(reg) off, base = in(reg) base, n = in(reg) n, node = in(reg) node,
            cpu = out(reg) cpu, area = out(reg) _, slot = out(reg) _, tmp = out(reg) _,
        );
    }
    cpu
}

/// Pops the head of this CPU's list: `head = head.next`. Returns the CPU
/// and the node (0 when the list is empty).
///
/// # Safety
/// As [`compare_store`]; every node on the lists must stay readable while
/// it is on them.
#[inline(always)]
pub unsafe fn pop(off: isize, base: *mut u8, n: u32) -> (u32, usize) {
    let cpu: u32;
    let head: usize;
    // SAFETY: per the caller. The head cannot be popped and freed by
    // another thread between its load and the load of its `next`: that
    // thread would have to run on this CPU, which aborts this section.
    // The load of `next` depends on the head's address, so it sees what
    // the pusher wrote before its store-release.
    unsafe {
        critical_section!(
            [
                "add {tmp}, {slot}, #16",
                "ldar {tmp:w}, [{tmp}]",
                "cbnz {tmp:w}, 8f",
                "ldr {head}, [{slot}]",
                "cbz {head}, 7f",            // empty
                "ldr {tmp}, [{head}]",
                "str {tmp}, [{slot}]",       // the commit
            ],
            off = in(reg) off, base = in(reg) base, n = in(reg) n,
            cpu = out(reg) cpu, area = out(reg) _, slot = out(reg) _, head = out(reg) head, tmp = out(reg) _,
        );
    }
    (cpu, head)
}
