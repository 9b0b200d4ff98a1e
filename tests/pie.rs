//! Static-PIE: every other test file runs on the `*_pie` configurations
//! too (the same programs, linked position-independent); this one checks
//! what only static-PIE has: a load address that moves, the relocations
//! crt0 applies itself, and the fatal error for one it must not.

mod common;
use common::*;

/// e_type of an ELF file: 2 for a fixed-address executable, 3 for PIE.
fn elf_type(path: &std::path::Path) -> u16 {
    let elf = std::fs::read(path).unwrap();
    u16::from_le_bytes([elf[16], elf[17]])
}

/// `main=0x...` from a program's output.
fn main_address(r: &Run) -> usize {
    let v = r.stdout.split_whitespace().find_map(|w| w.strip_prefix("main=")).expect("main=");
    usize::from_str_radix(v.trim_start_matches("0x"), 16).unwrap()
}

/// main's link-time address, from the symbol table.
fn linked_main(path: &std::path::Path) -> usize {
    let nm = std::process::Command::new("nm").arg(path).output().unwrap();
    let out = String::from_utf8(nm.stdout).unwrap();
    let line = out.lines().find(|l| l.ends_with(" T main") || l.ends_with(" t main")).expect("main in nm");
    usize::from_str_radix(line.split(' ').next().unwrap(), 16).unwrap()
}

for_each_config! {
    fn runs_where_it_is_loaded(cfg: Config) {
        let c = c_program("tests/c/pie.c", "pie", &[], cfg);
        let rust = rust("image", cfg);
        for p in [&c, &rust] {
            assert_eq!(elf_type(p), if cfg.pie() { 3 } else { 2 }, "{}", p.display());
        }
        // The *-none-pie targets link Rust with RELR (GNU ld, which links
        // C, has no RELR for aarch64 in binutils 2.40): both encodings run.
        if cfg.pie() && cfg.freestanding() {
            assert!(has_relr(&rust), "{}: no DT_RELR", rust.display());
        }
        let r = run(cfg, &c, &[], &[]);
        r.assert_exit(0);
        assert!(r.stdout.contains("table=42 relocated counter=5 twice=42 twice_ptr=8 constructed=1"), "{}", r.stdout);
        assert!(r.stdout.ends_with("destructor ran\n"), "{}", r.stdout);
        let r2 = run(cfg, &rust, &[], &[]);
        r2.assert_exit(0);
        assert!(r2.stdout.contains("table=42 words=relocated strings sides=4"), "{}", r2.stdout);
        // A fixed-address program runs at its link address; a static-PIE
        // one elsewhere, and natively (ASLR) somewhere else on each run.
        // qemu-user places ET_DYN at one fixed base, so aarch64 checks the
        // move only (tests/kernel.rs runs it under a real kernel).
        let runs: Vec<usize> = (0..3).map(|_| main_address(&run(cfg, &c, &[], &[]))).collect();
        let linked = linked_main(&c);
        if !cfg.pie() {
            assert!(runs.iter().all(|&a| a == linked), "{runs:x?} vs {linked:#x}");
        } else {
            assert!(runs.iter().all(|&a| a != linked), "{runs:x?} vs {linked:#x}");
            if cfg.native() {
                assert!(runs[0] != runs[1] || runs[1] != runs[2], "three runs at {runs:x?}");
                let rust_runs: Vec<usize> = (0..3).map(|_| main_address(&run(cfg, &rust, &[], &[]))).collect();
                assert!(rust_runs[0] != rust_runs[1] || rust_runs[1] != rust_runs[2], "{rust_runs:x?}");
            }
        }
    }
}

/// Rewrites the type of the first R_*_RELATIVE entry of a RELA section in
/// a static-PIE file, found through the section headers; false if there
/// is none (rust-lld with RELR packs them all into `.relr.dyn`).
fn corrupt_first_relative(path: &std::path::Path, out: &std::path::Path, relative: u32, new_type: u32) -> bool {
    let mut elf = std::fs::read(path).unwrap();
    let u16_at = |e: &[u8], o: usize| u16::from_le_bytes([e[o], e[o + 1]]) as usize;
    let u64_at = |e: &[u8], o: usize| u64::from_le_bytes(e[o..o + 8].try_into().unwrap()) as usize;
    let (shoff, shentsize, shnum) = (u64_at(&elf, 0x28), u16_at(&elf, 0x3a), u16_at(&elf, 0x3c));
    const SHT_RELA: u32 = 4;
    let entry = (0..shnum)
        .map(|i| shoff + i * shentsize)
        .filter(|&s| u32::from_le_bytes(elf[s + 4..s + 8].try_into().unwrap()) == SHT_RELA)
        .flat_map(|s| (u64_at(&elf, s + 0x18)..u64_at(&elf, s + 0x18) + u64_at(&elf, s + 0x20)).step_by(24))
        .find(|&e| u32::from_le_bytes(elf[e + 8..e + 12].try_into().unwrap()) == relative);
    let Some(entry) = entry else { return false };
    elf[entry + 8..entry + 12].copy_from_slice(&new_type.to_le_bytes());
    std::fs::write(out, elf).unwrap();
    std::fs::set_permissions(out, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    true
}

/// True if the file's dynamic table has DT_RELR.
fn has_relr(path: &std::path::Path) -> bool {
    let out = std::process::Command::new("readelf").arg("-d").arg(path).output().unwrap();
    String::from_utf8_lossy(&out.stdout).contains("(RELR)")
}

for_each_config! {
    fn an_unsupported_relocation_is_fatal_and_named(cfg: Config) {
        if !cfg.pie() {
            return; // a fixed-address program has no dynamic relocations
        }
        let (relative, glob_dat, name) = match cfg.arch() {
            Arch::X86_64 => (8, 6, "R_X86_64_GLOB_DAT"),
            Arch::Aarch64 => (1027, 1025, "R_AARCH64_GLOB_DAT"),
            // riscv has no GLOB_DAT (a symbol's word is an R_RISCV_64, which
            // crt0 applies, as glibc does): a JUMP_SLOT, which a static-PIE
            // never needs.
            Arch::Riscv64 => (3, 5, "R_RISCV_JUMP_SLOT"),
        };
        let c = c_program("tests/c/pie.c", "pie", &[], cfg);
        for p in [c.clone(), rust("image", cfg)] {
            let bad = p.with_extension("bad-reloc");
            if !corrupt_first_relative(&p, &bad, relative, glob_dat) {
                assert!(p != c && has_relr(&p), "{}: no RELATIVE entry and no RELR", p.display());
                continue;
            }
            let r = run(cfg, &bad, &[], &[]);
            assert_eq!(r.stderr, format!("crt0: fatal: unsupported relocation {name} in static-PIE, type {glob_dat}\n"));
            assert_eq!(r.stdout, "");
            r.assert_exit(127);
        }
    }
}

for_each_config! {
    fn a_static_pie_entered_at_start_is_refused(cfg: Config) {
        if !cfg.pie() {
            return;
        }
        // crt0-cc builds the runtime (and would name _start_pie); link
        // again by hand with the fixed-address entry.
        c_program("examples/c/hello.c", "hello", &[], cfg);
        let lib = root().join("target/crt0-cc").join(match cfg {
            Config::X86_64HostPie => "x86_64-unknown-linux-gnu".to_string(),
            Config::Aarch64HostPie => "aarch64-unknown-linux-gnu".to_string(),
            Config::Riscv64HostPie => "riscv64gc-unknown-linux-gnu".to_string(),
            _ => format!("{}-none-pie", cfg.arch().name()),
        });
        let cc = cfg.arch().gcc();
        let out = root().join("target/c-tests").join(cfg.name()).join("hello-at-start");
        let status = std::process::Command::new(cc)
            .args(["-O2", "-nostartfiles", "-nostdlib"])
            .args(static_pie_flags(cc))
            .arg("-o")
            .arg(&out)
            .arg("-I").arg(root().join("crt"))
            .arg(root().join("examples/c/hello.c"))
            .args(["-Wl,-u,_start", "-Wl,-e,_start", "-Wl,--gc-sections"])
            .arg("-L").arg(lib.join("release"))
            .args(["-lcrt0", "-lgcc"])
            .status()
            .unwrap();
        assert!(status.success());
        let r = run(cfg, &out, &[], &[]);
        assert_eq!(r.stderr, "crt0: fatal: static-PIE needs -e _start_pie\n");
        assert_eq!(r.stdout, "");
        r.assert_exit(127);
    }
}

/// `image` (function tables, strings, a `dyn` vtable, a writable pointer:
/// everything the relocation passes fix) built with cargo's dev profile
/// (opt-level 0) as static-PIE for `cfg`, into target/programs-debug-CONFIG.
fn debug_image(cfg: Config) -> std::path::PathBuf {
    let dir = root().join("target").join(format!("programs-debug-{}", cfg.name()));
    let (target, folder) = match cfg {
        Config::X86_64HostPie => ("x86_64-unknown-linux-gnu", "x86_64-unknown-linux-gnu"),
        Config::Aarch64HostPie => ("aarch64-unknown-linux-gnu", "aarch64-unknown-linux-gnu"),
        _ => unreachable!("host static-PIE configurations only"),
    };
    let out = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "-q", "-p", "crt0-test-programs", "--bin", "image", "--target", target, "--target-dir"])
        .arg(&dir)
        .current_dir(root())
        .env("CRT0_STATIC_PIE", "1")
        .env("RUSTFLAGS", "")
        .output()
        .unwrap();
    assert!(out.status.success(), "debug build for {}:\n{}", cfg.name(), String::from_utf8_lossy(&out.stderr));
    dir.join(folder).join("debug/image")
}

// A debug build is what `cargo run` makes. At opt-level 0 rustc calls
// generic functions through the GOT (on x86_64 without the PLT), so
// static-PIE's first pass must call none before it has relocated the GOT:
// it crashed at address 0 when it did.
config_tests! {
    [x86_64_host_pie => X86_64HostPie, aarch64_host_pie => Aarch64HostPie]
    fn a_debug_build_relocates_itself(cfg: Config) {
        let image = debug_image(cfg);
        assert_eq!(elf_type(&image), 3);
        let r = run(cfg, &image, &[], &[]);
        r.assert_exit(0);
        assert!(r.stdout.contains("table=42 words=relocated strings sides=4"), "{}", r.stdout);
    }
}
