//! POSIX thread synchronisation against glibc (tests/c/libc/pthread.c):
//! glibc's type sizes and static initialisers, mutexes of every kind,
//! condition variables with a producer/consumer of exact totals and
//! timeouts on both clocks, once, keys with destructors, barriers,
//! read-write locks, spinlocks and semaphores; the same output as the
//! program built against glibc, on every configuration.

mod common;
use common::*;

for_each_config! {
    fn pthread_synchronisation_matches_glibc(cfg: Config) {
        let r = differential(cfg, "tests/c/libc/pthread.c", &[], &[], &[], b"");
        r.assert_exit(0);
        for line in [
            "guards=10 ",
            "produced=80000 consumed=80000 by_consumers=80000 sum=3200040000 sum_expected=3200040000 ",
            "threads_ok=4 dtor_calls=4 dtor_sum=46 dtor2_calls=8 ",
            "serials=300 bad_rounds=0 ",
            "torn_reads=0 ",
            "total=400000 ",
            "items_left=0 ",
            "-- end",
        ] {
            assert!(r.stdout.contains(line), "{line:?} missing:\n{}", r.stdout);
        }
        assert!(!r.stdout.contains("main thread key destructor ran"), "glibc runs no key destructor at exit");
    }
}
