//! The start-up order: every hook runs once, in crt0's documented order,
//! seeing the rseq owner state the protocol promises; arguments and the
//! environment arrive intact; main's return value is the exit status.

mod common;
use common::*;

/// The lines a program prints from its hooks, in order, with each hook's name.
fn hook_order(run: &Run, hooks: &[&str]) -> Vec<String> {
    run.lines()
        .into_iter()
        .filter(|l| hooks.iter().any(|h| l.starts_with(h)))
        .map(|l| l.split(" owner=").next().unwrap().split(" argc=").next().unwrap().to_string())
        .collect()
}

for_each_config! {
    fn rust_hooks_run_in_order(cfg: Config) {
        let linker = cfg.name();
        let r = run(cfg, &rust("order", cfg), &["6", "two words", "ünï"], &[("ORDER_ENV", "a=b=c")]);
        r.assert_exit(6);
        let order = hook_order(&r, &["resolver", "preinit_array", "_init", "init_array", "main argc", "atexit", "fini_array", "_fini"]);
        assert_eq!(
            order,
            [
                "resolver",
                "preinit_array",
                "_init",
                "init_array priority=101",
                "init_array priority=102",
                "init_array priority=default",
                "main",
                "atexit 3",
                "atexit 2",
                "atexit 1",
                "fini_array 2",
                "fini_array 1",
                "_fini"
            ],
            "{linker:?}:\n{}",
            r.stdout
        );
        // Resolvers, .preinit_array and constructors run in PREINIT with rseq unregistered.
        for hook in ["resolver", "preinit_array", "init_array priority=101", "init_array priority=default"] {
            assert_eq!(r.value(hook, "owner"), "PREINIT", "{linker:?} {hook}");
            assert_eq!(r.value(hook, "cpu_id"), "-1", "{linker:?} {hook}");
        }
        assert_eq!(r.value("preinit_array", "argc"), "4", "arrays get main's argc");
        assert_eq!(r.value("init_array priority=101", "argc"), "4");
        // main runs with crt0 owning the registration: a live area natively,
        // the failure mark under qemu-user (ENOSYS).
        assert_eq!(r.value("main", "owner"), "LIBC");
        assert_eq!(r.value("main", "pinned"), "true");
        if cfg.native() {
            assert_eq!(r.value("main", "cpu_id"), r.value("main", "getcpu"), "rseq cpu_id = getcpu(2)");
            assert!(r.value("rseq", "size").parse::<u32>().unwrap() >= 20);
        } else {
            assert_eq!(r.value("main", "cpu_id"), "-2");
            assert_eq!(r.value("rseq", "size"), "0");
        }
        assert_eq!(r.value("main", "popcount"), "8", "the ifunc-resolved function works");
        assert_eq!(r.value("rseq", "flags"), "0");
        assert_eq!(r.line("arg 1"), "arg 1=6");
        assert_eq!(r.line("arg 2"), "arg 2=two words");
        assert_eq!(r.line("arg 3"), "arg 3=ünï");
        assert_eq!(r.line("env"), "env ORDER_ENV=a=b=c");
    }
}

for_each_config! {
    fn c_hooks_run_in_order(cfg: Config) {
        let p = c_program("tests/c/order.c", "order", &[], cfg);
        let r = run(cfg, &p, &["7", "x"], &[("ORDER_ENV", "from C")]);
        r.assert_exit(7);
        let order = hook_order(
            &r,
            &["ifunc_resolver", "preinit_array", "_init", "constructor", "main", "atexit", "destructor", "_fini"],
        );
        assert_eq!(
            order,
            [
                "ifunc_resolver",
                "preinit_array",
                "_init",
                "constructor 101",
                "constructor 102",
                "constructor default",
                "main",
                "atexit 2",
                "atexit 1",
                "destructor",
                "_fini"
            ],
            "{}",
            r.stdout
        );
        for hook in ["ifunc_resolver", "preinit_array", "_init", "constructor 101", "constructor default"] {
            assert_eq!(r.value(hook, "owner"), "PREINIT", "{hook}");
            assert_eq!(r.value(hook, "cpu_id"), "-1", "{hook}");
        }
        assert_eq!(r.value("constructor default", "argc"), "3");
        assert_eq!(r.value("constructor default", "envp_ok"), "1");
        assert_eq!(r.value("main", "owner"), "LIBC");
        let cpu: i32 = r.value("main", "cpu_id").parse().unwrap();
        assert!(if cfg.native() { cpu >= 0 } else { cpu == -2 }, "{cpu}");
        // x86_64: gcc's __builtin_cpu_supports("sse2") inside the resolver;
        // aarch64: glibc's resolver arguments (hwcap with _IFUNC_ARG_HWCAP,
        // then the __ifunc_arg_t), checked for ASIMD and the struct's size;
        // riscv64: AT_HWCAP with I, a working __riscv_hwprobe (ENOSYS
        // under qemu-user 7.2), NULL.
        assert_eq!(r.value("add=", "add"), "5", "the resolver saw the CPU feature");
        assert_eq!(r.value("add=", "resolver_owner"), "1");
        assert_eq!(r.value("rseq_size", "rseq_flags"), "0");
        assert_eq!(r.line("env"), "env ORDER_ENV=from C");
        assert_eq!(r.line("arg x"), "arg x");
    }
}

for_each_config! {
    fn exit_status_is_mains_return_value(cfg: Config) {
        for status in ["0", "1", "42", "255"] {
            let r = run(cfg, &rust("order", cfg), &[status], &[]);
            r.assert_exit(status.parse().unwrap());
        }
    }
}

for_each_config! {
    fn argv_and_envp_round_trip(cfg: Config) {
        let long = "x".repeat(100_000);
        let args = ["", " ", "-", "--flag=value", "tab\there", long.as_str()];
        let r = run(cfg, &rust("order", cfg), &args, &[("ORDER_ENV", "")]);
        r.assert_exit(0);
        for (i, a) in args.iter().enumerate() {
            assert_eq!(r.line(&format!("arg {}=", i + 1)), format!("arg {}={}", i + 1, a));
        }
        assert_eq!(r.line("env"), "env ORDER_ENV=");
        // No environment at all.
        let r = run(cfg, &rust("order", cfg), &[], &[]);
        assert!(!r.stdout.contains("env ORDER_ENV"));
        assert_eq!(r.value("main", "argc"), "1");
    }
}

for_each_config! {
    fn rust_entry_point_reports_errors_like_std(cfg: Config) {
        let p = rust("entry", cfg);
        let r = run(cfg, &p, &["a", "b"], &[]);
        r.assert_exit(0);
        assert_eq!(r.lines(), ["entry argc=3", "entry arg=a", "entry arg=b"]);
        let r = run(cfg, &p, &["a", "fail", "c"], &[]);
        r.assert_exit(1);
        assert_eq!(r.lines(), ["entry argc=4", "entry arg=a"]);
        assert_eq!(r.stderr, "Error: Asked(\"fail\")\n");
    }
}

for_each_config! {
    fn relro_is_read_only_after_start_up(cfg: Config) {
        let p = c_program("tests/c/relro.c", "relro", &[], cfg);
        // The IFUNC's slot was written before RELRO became read-only.
        let r = run(cfg, &p, &[], &[]);
        r.assert_exit(0);
        assert_eq!(r.value("twice", "twice"), "42");
        assert_eq!(r.value("twice", "relocated"), "7");
        // A write to the relocated constant faults, unless RELRO shares
        // its only page with .data (C on aarch64-none: GNU ld's aarch64
        // script; see elf::find_relro), when crt0 leaves it writable.
        let traced = run(cfg, &p, &[], &[("CRT0_TRACE", "1")]);
        let relro = traced.stderr.lines().find(|l| l.starts_with("crt0: phase=relro")).unwrap();
        if cfg.base() == Config::Aarch64None && field(relro, "size").unwrap() == "0" {
            return;
        }
        assert_ne!(field(relro, "size").unwrap(), "0", "{relro}");
        let r = run(cfg, &p, &["write"], &[]);
        assert_eq!(r.signal, Some(11), "SIGSEGV expected; stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
        assert!(!r.stdout.contains("wrote"), "{}", r.stdout);
    }
}

/// (p_type, p_flags) of each program header of a 64-bit little-endian ELF file.
fn program_headers(path: &std::path::Path) -> Vec<(u32, u32)> {
    let elf = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(&elf[..6], b"\x7fELF\x02\x01", "{}: not a 64-bit little-endian ELF", path.display());
    let u32_at = |o: usize| u32::from_le_bytes(elf[o..o + 4].try_into().unwrap());
    let phoff = u64::from_le_bytes(elf[0x20..0x28].try_into().unwrap()) as usize;
    let phentsize = u16::from_le_bytes([elf[0x36], elf[0x37]]) as usize;
    let phnum = u16::from_le_bytes([elf[0x38], elf[0x39]]) as usize;
    (0..phnum).map(|i| phoff + i * phentsize).map(|o| (u32_at(o), u32_at(o + 4))).collect()
}

for_each_config! {
    fn every_program_has_a_non_executable_stack_and_relro(cfg: Config) {
        const PT_GNU_STACK: u32 = 0x6474_e551;
        const PT_GNU_RELRO: u32 = 0x6474_e552;
        const PF_X: u32 = 1;
        // Every Rust test program (the `kernel` one is built for the
        // emulated architectures only) and C programs built by crt0-cc.
        let mut programs: Vec<_> = std::fs::read_dir(root().join("tests/programs/src/bin"))
            .unwrap()
            .map(|e| e.unwrap().path().file_stem().unwrap().to_str().unwrap().to_string())
            .filter(|n| n != "kernel" || cfg.arch() != Arch::X86_64)
            .map(|n| rust(&n, cfg))
            .collect();
        programs.push(c_program("tests/c/order.c", "order", &[], cfg));
        programs.push(c_program("tests/c/relro.c", "relro", &[], cfg));
        programs.push(c_program("examples/c/hello.c", "hello", &[], cfg));
        for p in programs {
            let h = program_headers(&p);
            let stack = h.iter().find(|(t, _)| *t == PT_GNU_STACK);
            let (_, flags) = stack.unwrap_or_else(|| panic!("{}: no PT_GNU_STACK", p.display()));
            assert_eq!(flags & PF_X, 0, "{}: executable stack", p.display());
            assert!(h.iter().any(|(t, _)| *t == PT_GNU_RELRO), "{}: no PT_GNU_RELRO", p.display());
        }
    }
}
