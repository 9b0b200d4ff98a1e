//! The start-up order, top to bottom. `_start` (`crt/<arch>/start.s`) calls
//! `crt0_start` with the initial stack pointer (static-PIE's `_start_pie`
//! calls `reloc::crt0_relocate` first); each phase is one call into the
//! module that owns it, followed by its trace line.

use core::ffi::{c_char, c_int};

use crate::init_array::MainArgs;
use crate::{args, auxv, exit, ifunc, init_array, linker, reloc, relro, rseq, trace, tls};

extern "C" {
    /// The program's `main`, C or Rust.
    fn main(argc: c_int, argv: *mut *const c_char, envp: *mut *const c_char) -> c_int;
}

/// Runs the program: from the initial stack to `exit`.
///
/// # Safety
/// Only `_start` may call this, once, with the stack pointer the kernel
/// gave it and the runtime address of the program's ELF header; or
/// `_start_pie`, after `crt0_relocate`, with a null header.
#[no_mangle]
pub unsafe extern "C" fn crt0_start(sp: *const usize, ehdr: *const reloc::Ehdr) -> ! {
    // 0. A static-PIE program enters at `_start_pie`, which relocated it
    //    (`reloc::crt0_relocate`) before calling here; one entered at
    //    `_start` would read unrelocated pointers, so it stops instead.
    // SAFETY: `_start` passes the mapped header (`_start_pie` null).
    unsafe { reloc::refuse_unrelocated(ehdr) };

    // 1. The arguments, the environment (and crt0's CRT0_* settings in it),
    //    and the auxiliary vector. No allocation, no system call.
    // SAFETY: sp is the kernel's initial stack.
    let stack = unsafe { args::init(sp) };
    // SAFETY: auxv follows envp on that stack.
    unsafe { auxv::init(stack.auxv) };
    trace::phase("args", |l| {
        l.num("argc", stack.argc).num("envc", stack.envc()).num("auxv", auxv::len());
    });

    // 2. Static TLS, the thread control block, the stack-protector canary
    //    and the thread pointer. From here on, TLS and errno work.
    // SAFETY: first and only call, before any TLS access.
    let t = unsafe { tls::init_main_thread() };
    trace::phase("tls", |l| {
        l.num("size", t.image.memsz)
            .num("align", t.image.align)
            .word("block", if t.from_mmap() { "mmap" } else { "static" })
            .word("tp", t.tp_method())
            .int("rseq_offset", t.layout.rseq as i64);
    });

    // 3. The rseq owner: UNSET -> PREINIT (unless rseq is disabled).
    rseq::preinit();
    trace::phase("preinit", |_| {});

    // 4. Resolvers and `.preinit_array`, all before rseq registration.
    //    (The counts the trace prints are taken inside the trace: carried
    //    from the calls, they would cost a register when it is off.)
    // SAFETY: once, after TLS, before any IFUNC symbol is used.
    unsafe { ifunc::apply_irelative() };
    trace::phase("irelative", |l| {
        l.num("count", linker::rela_iplt().as_slice().len() + reloc::irelative_count());
    });
    ifunc::run_resolvers();
    trace::phase("resolvers", |l| {
        l.num("count", linker::resolvers().as_slice().len()).num("cpuid", ifunc::cpuid_runs() as usize);
    });
    // The PREINIT promise in glibc's terms: from here on `__rseq_size` says
    // what crt0 will register after the constructors (after one probe of
    // the kernel when code will run before then), so code written for
    // glibc, which decides in `.preinit_array` and constructors, leaves
    // registration to crt0. The resolvers above saw 0, as in glibc's static
    // start-up, which applies IRELATIVE before it registers.
    let early_code = linker::preinit_array().as_slice().len() + linker::init_array().as_slice().len() != 0
        || linker::init_fn().is_some();
    let probe = rseq::publish(early_code);
    trace::phase("publish", |l| {
        l.num("size", rseq::__rseq_size.load(core::sync::atomic::Ordering::Relaxed) as usize)
            .int("offset", rseq::__rseq_offset.load(core::sync::atomic::Ordering::Relaxed) as i64)
            .word("probe", probe.word())
            .int("errno", probe.errno() as i64);
    });
    // RELRO read-only now: the IRELATIVE slots were its last writes. This
    // is glibc's static order (IRELATIVE, then `_dl_protect_relro` in
    // `__libc_init_first`, then the arrays) and bionic's: `.preinit_array`
    // and constructors are the program's own code, which should already
    // find relocated constants and the GOT immutable.
    // SAFETY: once, after phase 4's resolvers, the last writers of RELRO.
    let relro_len = unsafe { relro::protect() };
    trace::phase("relro", |l| {
        l.num("size", relro_len);
    });
    let a = MainArgs { argc: stack.argc as c_int, argv: stack.argv, envp: stack.envp };
    // SAFETY: in start-up order.
    unsafe { init_array::run_preinit_array(a) };
    trace::phase("preinit_array", |l| {
        l.num("count", linker::preinit_array().as_slice().len());
    });

    // 5. Constructors (which may claim rseq registration as OVERRIDE).
    // SAFETY: in start-up order.
    unsafe { init_array::run_init_array(a) };
    trace::phase("init_array", |l| {
        l.num("init", linker::init_fn().is_some() as usize).num("count", linker::init_array().as_slice().len());
    });

    // 6. rseq registration for the main thread, unless overridden or disabled.
    rseq::register_main_thread();
    trace::phase("rseq", |l| {
        l.int("cpu", rseq::cpu_id().unwrap_or(-1) as i64)
            .num("len", rseq::registered_len())
            .num("size", rseq::__rseq_size.load(core::sync::atomic::Ordering::Relaxed) as usize)
            .int("errno", rseq::last_errno() as i64);
    });

    // 7. main, then exit with its status.
    trace::phase("main", |_| {});
    // SAFETY: the program defines main with C's signature.
    exit::exit(unsafe { main(a.argc, a.argv, a.envp) })
}
