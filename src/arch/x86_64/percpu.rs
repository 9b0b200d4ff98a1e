//! The rseq critical sections of `crt0::percpu` on x86_64.
//!
//! Every operation has the same frame (`critical_section!`): read
//! `cpu_id` from the calling thread's rseq area (`%fs:off`), leave at once
//! if it is negative (not registered) or has no slot, point the area's
//! `rseq_cs` at the operation's descriptor, then inside the section check
//! that `cpu_id` still names that CPU, do the work and end with one store,
//! the commit. If the kernel preempts, migrates or signals the thread
//! between the start and the commit, it moves the thread to the abort
//! handler, which counts the abort and starts over. The descriptors sit in
//! section `__rseq_cs`; the 4 bytes before each abort handler are the
//! signature. Slots are `1 << SLOT_SHIFT` bytes apart; a slot's word is at
//! 0 and its lock (non-zero while a fallback path owns the slot) at 16.
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
/// Operands `off`, `base`, `n`, `cpu`, `slot`, `tmp` must be given.
macro_rules! critical_section {
    ([$($body:literal),* $(,)?], $($operands:tt)*) => {
        asm!(
            ".pushsection __rseq_cs, \"aw\"",
            ".balign 32",
            "3:",
            ".long 0, 0",                    // version, flags
            ".quad 4f, 5f - 4f, 6f",         // start_ip, post_commit_offset, abort_ip
            ".popsection",
            "2:",
            "movl %fs:4({off}), {cpu:e}",    // cpu_id: negative when not registered
            "cmpl {n:e}, {cpu:e}",           // unsigned: catches both cases
            "jae 7f",
            "movl {cpu:e}, {slot:e}",
            "shlq ${shift}, {slot}",
            "addq {base}, {slot}",           // this CPU's slot
            "leaq 3b(%rip), {tmp}",
            "movq {tmp}, %fs:8({off})",      // arm: rseq_cs = &descriptor
            "4:",
            "cmpl %fs:4({off}), {cpu:e}",    // moved since the read above?
            "jne 6f",
            $($body,)*
            "5:",
            "jmp 7f",
            ".long 0x53053053",              // RSEQ_SIG, just before abort_ip
            "6:",
            "lock incq {aborts}(%rip)",      // for the stress tests' statistics
            "jmp 2b",                        // start over
            "8:",
            "movl $-1, {cpu:e}",             // busy: the caller takes the lock
            "7:",
            shift = const SLOT_SHIFT,
            aborts = sym ABORTS,
            $($operands)*
            options(att_syntax, nostack),
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
    // SAFETY: per the caller, %fs:off is this thread's area.
    unsafe {
        asm!("movl %fs:4({off}), {cpu:e}", off = in(reg) off, cpu = lateout(reg) cpu,
             options(att_syntax, nostack, readonly, preserves_flags));
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
                "addq {v}, ({slot})",        // the commit: one instruction
            ],
            off = in(reg) off, base = in(reg) base, n = in(reg) n, v = in(reg) v,
            cpu = out(reg) cpu, slot = out(reg) _, tmp = out(reg) _,
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
                "cmpl $0, 16({slot})",       // a fallback path owns the slot
                "jne 8f",
                "movq ({slot}), {tmp}",
                "cmpq {expected}, {tmp}",
                "jne 7f",                    // not equal: report what is there
                "movq {new}, ({slot})",      // the commit
            ],
            off = in(reg) off, base = in(reg) base, n = in(reg) n,
            expected = in(reg) expected, new = in(reg) new,
            cpu = out(reg) cpu, slot = out(reg) _, tmp = out(reg) seen,
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
                "cmpl $0, 16({slot})",
                "jne 8f",
                "movq ({slot}), {tmp}",
                "movq {tmp}, ({node})",      // node.next: nobody sees it yet
                "movq {node}, ({slot})",     // the commit publishes the node
            ],
            off = in(reg) off, base = in(reg) base, n = in(reg) n, node = in(reg) node,
            cpu = out(reg) cpu, slot = out(reg) _, tmp = out(reg) _,
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
    unsafe {
        critical_section!(
            [
                "cmpl $0, 16({slot})",
                "jne 8f",
                "movq ({slot}), {head}",
                "testq {head}, {head}",
                "jz 7f",                     // empty
                "movq ({head}), {tmp}",
                "movq {tmp}, ({slot})",      // the commit
            ],
            off = in(reg) off, base = in(reg) base, n = in(reg) n,
            cpu = out(reg) cpu, slot = out(reg) _, head = out(reg) head, tmp = out(reg) _,
        );
    }
    (cpu, head)
}
