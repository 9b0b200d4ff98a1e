//! Leaving the process: atexit handlers (LIFO, past the 32 that fit without
//! a heap, exit from inside one), _exit, abort, panics; and the C memory
//! functions.

mod common;
use common::*;

for_each_config! {
    fn exit_from_an_atexit_handler_finishes_the_rest_once(cfg: Config) {
        let r = run(cfg, &rust("exit", cfg), &["nested"], &[]);
        r.assert_exit(7);
        assert_eq!(
            r.lines(),
            ["33rd accepted=true", "handler calls exit(7) after 29 handlers", "last handler: 32 ran before it"]
        );
    }
}

for_each_config! {
    fn underscore_exit_skips_handlers_and_abort_raises_sigabrt(cfg: Config) {
        let p = rust("exit", cfg);
        let r = run(cfg, &p, &["_exit"], &[]);
        r.assert_exit(5);
        assert_eq!(r.stdout, "");
        let r = run(cfg, &p, &["abort"], &[]);
        assert_eq!((r.code, r.signal), (None, Some(6)));
    }
}

for_each_config! {
    fn panic_prints_message_and_location_then_aborts(cfg: Config) {
        let r = run(cfg, &rust("panic", cfg), &[], &[]);
        assert_eq!(r.signal, Some(6), "{r:?}");
        assert_eq!(r.stderr, "panicked at tests/programs/src/bin/panic.rs:10:9:\nthe test asked for a panic (argc=1)\n");
    }
}

for_each_config! {
    fn c_memory_functions_match_a_reference(cfg: Config) {
        let r = run(cfg, &c_program("tests/c/mem.c", "mem", &["-fno-builtin"], cfg), &[], &[]);
        r.assert_exit(0);
        assert_eq!(r.line("checks"), "checks=2340 failures=0 ");
    }
}
