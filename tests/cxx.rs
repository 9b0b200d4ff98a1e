//! C++ on crt0 (src/c/cxx.rs), through crt/crt0-c++: tests/cxx/runtime.cpp
//! built with g++ on every configuration and with clang++ on four (both
//! arches, both ways of linking), each run against the same source built
//! with glibc and libstdc++ (`-static`): global objects in order with C's
//! constructors, atexit handlers and `.fini_array`, thread_local
//! destructors, every form of operator new and delete, the new-handler,
//! function-local statics raced for by 8 threads, the guard ABI, virtual
//! calls; and an operator new with no memory left. A pure virtual call is
//! checked against libstdc++'s words (glibc's g++ build calls address 0
//! there: its static link leaves the vtable slot empty).
mod common;

use common::*;

const SOURCE: &str = "tests/cxx/runtime.cpp";
/// crt0-c++ adds `-fno-exceptions -fno-rtti`; the glibc build gets them
/// here. Sized deallocation: clang 14 leaves it off, and the program calls
/// the sized forms by name.
const FLAGS: [&str; 2] = ["-std=c++17", "-fsized-deallocation"];
const GLIBC_FLAGS: [&str; 4] = ["-std=c++17", "-fsized-deallocation", "-fno-exceptions", "-fno-rtti"];

fn against_glibc(cfg: Config, cxx: Cxx) {
    let name = format!("runtime-{cxx:?}");
    let ours = cxx_program(SOURCE, &name, &FLAGS, cfg, cxx);
    let theirs = glibc_cxx_program(SOURCE, &name, &GLIBC_FLAGS, cfg, cxx);
    let what = format!("{SOURCE} with {cxx:?} on {}", cfg.name());

    let run_ours = run(cfg, &ours, &[], &[]);
    assert_same_run(&what, &run_ours, &run(cfg, &theirs, &[], &[]));
    run_ours.assert_exit(0);
    assert_eq!(run_ours.stdout.matches("\nok   ").count(), 9, "{what}:\n{}", run_ours.stdout);
    assert!(!run_ours.stdout.contains("FAIL"), "{what}:\n{}", run_ours.stdout);
    // The order at exit: the main thread's thread_local, then atexit and
    // C++ destructors newest first, then .fini_array.
    let tail: Vec<&str> = run_ours.stdout.lines().rev().take(6).collect();
    assert_eq!(
        tail,
        [
            "C destructor (.fini_array)",
            "destroy global with init_priority(101)",
            "destroy global",
            "C atexit handler",
            "destroy function-local static",
            "destroy thread_local"
        ],
        "{what}"
    );

    let oom = run(cfg, &ours, &["oom"], &[]);
    assert_same_run(&format!("{what} oom"), &oom, &run(cfg, &theirs, &["oom"], &[]));
    assert_eq!(oom.signal, Some(6), "{what} oom: {oom:?}");

    let pure = run(cfg, &ours, &["pure"], &[]);
    assert_eq!(pure.stderr, "pure virtual method called\nterminate called without an active exception\n", "{what}");
    assert_eq!(pure.signal, Some(6), "{what} pure: {pure:?}");
}

for_each_config! {
    fn gnu(cfg: Config) {
        against_glibc(cfg, Cxx::Gnu)
    }
}

config_tests! {
    [x86_64_host => X86_64Host, aarch64_host => Aarch64Host, x86_64_host_pie => X86_64HostPie, aarch64_none => Aarch64None]
    fn clang(cfg: Config) {
        against_glibc(cfg, Cxx::Clang)
    }
}
