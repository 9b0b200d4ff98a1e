//! Shared by the start-up guide's examples (docs/STARTUP.md): one helper
//! that prints what a hook sees, and a stand-in for a preloaded rseq
//! library (librseq, a tracer, an allocator) reduced to what it does at
//! start-up under the owner protocol: look at `__rseq_reg_owner`, claim
//! OVERRIDE if its policy says so, and register an area of its own.
//! Each example includes it with `#[path]`; it is not a binary.
#![allow(dead_code)] // each example uses a part

use core::cell::UnsafeCell;
use core::sync::atomic::Ordering::Relaxed;

use crt0::eprintln;
use crt0::rseq::owner;

/// Prints `  [hook] owner=.. cpu_id=.. __rseq_size=..`: the three things
/// code running in that hook could consult before using rseq.
pub fn report(hook: &str) {
    eprintln!(
        "  [{}] owner={} cpu_id={} __rseq_size={}",
        hook,
        owner::name(owner::get()),
        crt0::rseq::cpu_id().unwrap_or(-1),
        crt0::rseq::__rseq_size.load(Relaxed)
    );
}

/// When the library takes registration over.
#[derive(Clone, Copy)]
pub enum Policy {
    /// Only when no runtime handles rseq (the owner is UNSET): the polite
    /// choice, which leaves a runtime that supports rseq in charge.
    IfUnset,
    /// Also when the runtime would register later (PREINIT): the library
    /// wants its own area, e.g. to control its size or lifetime.
    Always,
}

/// The library's own area: `struct rseq`'s original 32 bytes, cpu_id (the
/// second word) at -1 until the kernel fills it in.
#[repr(C, align(32))]
struct OwnArea(UnsafeCell<[i32; 8]>);
// SAFETY: only the main thread registers it and reads it; the kernel
// writes it on that thread's behalf.
unsafe impl Sync for OwnArea {}
static AREA: OwnArea = OwnArea(UnsafeCell::new([0, -1, 0, 0, 0, 0, 0, 0]));

/// What the library does in its constructor, in place of a preloaded
/// shared object's: decide, claim, register. Prints one line.
pub fn take_over(policy: Policy) {
    let saw = owner::get();
    let wants = matches!(policy, Policy::Always) || saw == owner::UNSET;
    if !wants {
        eprintln!("  [library] saw={} -> leaves registration to the runtime", owner::name(saw));
        return;
    }
    // The claim is a compare-and-swap: it fails if the runtime registered
    // already (LIBC) or another library got there first.
    if !owner::claim_override() {
        eprintln!("  [library] saw={} -> claim refused", owner::name(owner::get()));
        return;
    }
    // SAFETY: a static, 32-aligned, 32-byte area that is never freed, so it
    // stays valid for as long as the thread is registered.
    let result = unsafe { crt0::syscall::rseq(AREA.0.get().cast(), 32, 0, crt0::rseq::SIG) };
    match result {
        Ok(()) => eprintln!("  [library] saw={} -> claimed OVERRIDE, registered its own area", owner::name(saw)),
        // Under qemu-user (ENOSYS) or a seccomp policy: the library keeps the
        // claim and, like any rseq user, falls back when cpu_id < 0.
        Err(e) => eprintln!("  [library] saw={} -> claimed OVERRIDE, its registration failed: errno={}", owner::name(saw), e.0),
    }
}

/// The cpu_id the kernel keeps in the library's own area (-1 until it is
/// registered).
pub fn own_cpu_id() -> i32 {
    // SAFETY: the word is always initialised; the kernel writes it
    // asynchronously, hence the volatile read.
    unsafe { AREA.0.get().cast::<i32>().add(1).read_volatile() }
}
