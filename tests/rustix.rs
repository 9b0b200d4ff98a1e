//! What crt0 does not offer, from a Rust program: examples/src/bin/files.rs
//! reads a file and the clocks through rustix's safe system calls (its
//! linux_raw backend, no C library) on the host targets, and through
//! crt0::syscall::raw with linux-raw-sys on the `*-none` targets, where rustix
//! has no backend (target_os = "none"). Every configuration.
mod common;

use common::*;

for_each_config! {
    fn reads_a_file_and_the_clocks(cfg: Config) {
        let dir = root().join("target/rustix-test");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("input-{}.txt", cfg.name()));
        let text = format!("first line of {}\nsecond line\n", cfg.name());
        std::fs::write(&path, &text).unwrap();
        let r = run(cfg, &example("files", cfg), &[path.to_str().unwrap()], &[]);
        assert_eq!(
            r.stdout,
            format!(
                "size {}\nfirst line \"first line of {}\"\nrealtime after 2020: true\nmonotonic advanced 10 ms or more: true\n",
                text.len(),
                cfg.name()
            ),
            "stderr: {}",
            r.stderr
        );
        r.assert_exit(0);
        // A missing file is the system call's error, returned from main: status 1.
        let r = run(cfg, &example("files", cfg), &[dir.join("missing").to_str().unwrap()], &[]);
        let expect = if cfg.freestanding() { "Error: Errno(2)\n" } else { "Error: os error 2\n" };
        assert_eq!(r.stderr, expect);
        r.assert_exit(1);
    }
}
