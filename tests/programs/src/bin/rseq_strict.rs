//! Run by tests/kernel.rs under real kernels: does the kernel police the fields it owns in a
//! registered rseq area? From Linux 7.0, a registration longer than 32 bytes selects the
//! kernel's strict mode: a process that wrote `cpu_id_start`, `cpu_id`, `node_id` or
//! `mm_cid` of its registered area dies of SIGSEGV at the next return to user space that
//! processes rseq (a signal delivery, say). With 32 bytes, or before 7.0, the kernel
//! rewrites the ids and the program goes on.
//!
//! The argument `AREA[,migrate]` says whose area gets the deliberate write to `cpu_id`,
//! followed by a SIGUSR1 (caught, so that only the kernel's verdict can end the process),
//! or with `,migrate` by a move to the other CPU (sched_setaffinity). AREA is:
//! - `crt0`: crt0's own registration (owner LIBC), whatever length crt0 chose;
//! - `own32` / `own33`: with `CRT0_RSEQ=0`, the program claims the owner and registers an
//!   area of its own of 32 bytes, or of 33 bytes in a 64-aligned area (Linux 7.x's length).
//!
//! Prints `strict area=... len=... cpu_id=...` before the write and, if it survives,
//! `survived cpu_id=... getcpu=... repaired=true|false`; exits 0 when the kernel repaired
//! the field, 1 when it did not, 2 when the set-up failed.
#![no_std]
#![no_main]

use core::cell::UnsafeCell;
use crt0::println;
use crt0_test_programs::{cpu_id, getcpu, owner, pin_to};

/// An area of the program's own, 64-aligned so that it can be registered with 33 bytes.
#[repr(C, align(64))]
struct Area(UnsafeCell<[u32; 16]>);
// SAFETY: only the main thread uses it; the kernel writes it.
unsafe impl Sync for Area {}
static OWN_AREA: Area = Area(UnsafeCell::new([0, u32::MAX, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));

extern "C" fn on_usr1(_: i32) {}

/// Registers the program's own area with `len` bytes; returns its `cpu_id` field.
fn register_own(len: u32) -> Option<*mut i32> {
    if !crt0::rseq::owner::claim_override() {
        println!("strict cannot claim the owner from {}", owner());
        return None;
    }
    let area = OWN_AREA.0.get().cast::<u8>();
    // SAFETY: a static, 64-aligned, 64-byte area that lives as long as the process.
    if let Err(e) = unsafe { crt0::syscall::rseq(area, len, 0, crt0::rseq::SIG) } {
        println!("strict rseq({len}) failed errno={}", e.0);
        return None;
    }
    Some(area.cast::<i32>().wrapping_add(1))
}

#[no_mangle]
pub extern "C" fn main(_: i32, _: *const *const u8, _: *const *const u8) -> i32 {
    let arg = crt0::args().iter().nth(1).map_or(&b""[..], |a| a.to_bytes());
    let (area, migrate) = match arg.strip_suffix(b",migrate") {
        Some(area) => (area, true),
        None => (arg, false),
    };
    let (name, len, field) = match Some(area) {
        Some(b"crt0") => {
            let len = crt0::rseq::registered_len();
            match crt0::rseq::area() {
                // SAFETY: only the field's address is taken; the area lives as long as the thread.
                Some(a) if len > 0 => ("crt0", len as u32, unsafe { &raw mut (*a).cpu_id }),
                _ => {
                    println!("strict crt0 did not register: owner={} cpu_id={}", owner(), cpu_id());
                    return 2;
                }
            }
        }
        Some(b"own32") => match register_own(32) {
            Some(f) => ("own", 32, f),
            None => return 2,
        },
        Some(b"own33") => match register_own(33) {
            Some(f) => ("own", 33, f),
            None => return 2,
        },
        _ => {
            println!("usage: rseq_strict crt0|own32|own33[,migrate]");
            return 2;
        }
    };
    if crt0::signal::set_handler(crt0::signal::SIGUSR1, on_usr1, crt0::signal::Flags::RESTART).is_err() {
        return 2;
    }
    // SAFETY: `field` is the cpu_id of a live, registered area of this thread; the
    // kernel writes it too, hence the volatile accesses.
    let before = unsafe { field.read_volatile() };
    println!("strict area={} len={} cpu_id={}", name, len, before);
    // The deliberate write: a CPU number no machine here has.
    // SAFETY: as above.
    unsafe { field.write_volatile(before + 1000) };
    if migrate {
        // To the other CPU: the ids change, so the kernel writes (and, with rseq_debug=1,
        // first validates) them on the way back.
        let to = if getcpu() == 0 { 1 } else { 0 };
        if !pin_to(to) {
            return 2;
        }
    } else {
        crt0::syscall::raise(crt0::signal::SIGUSR1);
    }
    // SAFETY: as above.
    let after = unsafe { field.read_volatile() };
    let cpu = getcpu();
    println!("survived cpu_id={} getcpu={} repaired={}", after, cpu, after == cpu);
    if after == cpu { 0 } else { 1 }
}
