//! The start-up rows: `startup`'s programs (the floor, glibc, musl, crt0's C and Rust hellos)
//! plus origin, and each runtime's static-PIE build where it has one.

use super::origin;
use crate::baselines::{self, Paths};
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Peer {
    pub label: &'static str,
    pub crt0: bool,
    /// The program, or why there is none (the first line goes in the table).
    pub binary: Result<PathBuf, String>,
}

/// Builds every row in table order, the floor first: every wall time is a ratio to it.
pub fn build_all(paths: &Paths) -> Vec<Peer> {
    // baselines::build_all's order: floor, glibc, musl, crt0 C, crt0 Rust.
    let mut base = baselines::build_all(paths).into_iter().map(|e| e.binary);
    let mut next = || base.next().expect("baselines::build_all has five rows");
    let hello_c = paths.programs.join("hello.c");
    let out = |name: &str| paths.bench.join(name);
    let peer = |label, crt0, binary| Peer { label, crt0, binary };
    let (floor, glibc, musl, crt0_c, crt0_rust) = (next(), next(), next(), next(), next());
    vec![
        peer("floor (asm: write, exit_group)", false, floor),
        peer("glibc static", false, glibc),
        peer("glibc static-PIE", false, baselines::compile("gcc", &["-O2", "-static-pie"], &hello_c, &out("glibc-hello-pie"))),
        peer("musl static", false, musl),
        peer("musl static-PIE", false, baselines::compile("musl-gcc", &["-O2", "-static-pie"], &hello_c, &out("musl-hello-pie"))),
        peer("origin static", false, origin::build(paths, &origin::Program::Hello, false)),
        peer("origin static-PIE", false, origin::build(paths, &origin::Program::Hello, true)),
        peer("crt0 C static", true, crt0_c),
        peer("crt0 C static-PIE", true, crt0_c_pie(paths)),
        peer("crt0 Rust static", true, crt0_rust),
        peer("crt0 Rust static-PIE", true, crt0_rust_pie(paths)),
    ]
}

fn crt0_c_pie(paths: &Paths) -> Result<PathBuf, String> {
    let out = paths.bench.join("crt0-c-hello-pie");
    baselines::crt0_cc(paths, &["-O2", "-static-pie"], &paths.root.join("examples/c/hello.c"), &out)?;
    check_static_pie(&out)?;
    Ok(out)
}

/// The Rust hello with `CRT0_STATIC_PIE=1` (crt0's build script then passes the static-PIE
/// link arguments), in a target directory of its own so the static hello is left as it is.
fn crt0_rust_pie(paths: &Paths) -> Result<PathBuf, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let target_dir = paths.bench.join("static-pie");
    let mut cmd = Command::new(cargo);
    cmd.current_dir(&paths.root)
        .args(["build", "--release", "-p", "crt0-examples", "--bin", "hello", "--target-dir"])
        .arg(&target_dir)
        .env("CRT0_STATIC_PIE", "1");
    baselines::run(&mut cmd)?;
    let out = paths.bench.join("crt0-rust-hello-pie");
    fs::copy(target_dir.join("release/hello"), &out).map_err(|e| format!("copying the hello: {e}"))?;
    check_static_pie(&out)?;
    Ok(out)
}

/// A build that ignored the request for static-PIE must not be measured under that name.
fn check_static_pie(path: &Path) -> Result<(), String> {
    let bytes = fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    match elf_kind(&bytes) {
        Some(ElfKind::StaticPie) => Ok(()),
        Some(ElfKind::StaticExec) => Err("the build made a static non-PIE executable (ELF type EXEC), not a static-PIE".into()),
        Some(ElfKind::Dynamic) => Err("the build made a dynamically linked executable (it has PT_INTERP), not a static-PIE".into()),
        None => Err(format!("{}: not a 64-bit little-endian ELF file", path.display())),
    }
}

#[derive(Debug, PartialEq)]
pub enum ElfKind {
    StaticExec,
    StaticPie,
    Dynamic,
}

/// Reads the ELF header and program headers: an executable's type and whether it names an
/// interpreter (the dynamic loader).
pub fn elf_kind(bytes: &[u8]) -> Option<ElfKind> {
    const ET_EXEC: u16 = 2;
    const ET_DYN: u16 = 3;
    const PT_INTERP: u32 = 3;
    if bytes.get(..6)? != b"\x7fELF\x02\x01" {
        return None;
    }
    let u16_at = |o: usize| Some(u16::from_le_bytes(bytes.get(o..o + 2)?.try_into().ok()?));
    let u32_at = |o: usize| Some(u32::from_le_bytes(bytes.get(o..o + 4)?.try_into().ok()?));
    let u64_at = |o: usize| Some(u64::from_le_bytes(bytes.get(o..o + 8)?.try_into().ok()?));
    let (e_type, phoff) = (u16_at(16)?, usize::try_from(u64_at(32)?).ok()?);
    let (phentsize, phnum) = (usize::from(u16_at(54)?), usize::from(u16_at(56)?));
    let mut interp = false;
    for i in 0..phnum {
        interp |= u32_at(phoff.checked_add(i.checked_mul(phentsize)?)?)? == PT_INTERP;
    }
    match (e_type, interp) {
        (_, true) => Some(ElfKind::Dynamic),
        (ET_EXEC, false) => Some(ElfKind::StaticExec),
        (ET_DYN, false) => Some(ElfKind::StaticPie),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An ELF header with `e_type` and one program header of type `p_type`.
    fn elf(e_type: u16, p_type: u32) -> Vec<u8> {
        let mut b = vec![0u8; 64 + 56];
        b[..6].copy_from_slice(b"\x7fELF\x02\x01");
        b[16..18].copy_from_slice(&e_type.to_le_bytes());
        b[32..40].copy_from_slice(&64u64.to_le_bytes());
        b[54..56].copy_from_slice(&56u16.to_le_bytes());
        b[56..58].copy_from_slice(&1u16.to_le_bytes());
        b[64..68].copy_from_slice(&p_type.to_le_bytes());
        b
    }

    #[test]
    fn kinds() {
        assert_eq!(elf_kind(&elf(2, 1)), Some(ElfKind::StaticExec));
        assert_eq!(elf_kind(&elf(3, 1)), Some(ElfKind::StaticPie));
        assert_eq!(elf_kind(&elf(3, 3)), Some(ElfKind::Dynamic));
        assert_eq!(elf_kind(&elf(3, 3)[..66]), None, "a cut program header");
        assert_eq!(elf_kind(b"#!/bin/sh\n"), None);
    }

    #[test]
    fn the_test_binary_itself_is_dynamic() {
        let me = fs::read(std::env::current_exe().unwrap()).unwrap();
        assert_eq!(elf_kind(&me), Some(ElfKind::Dynamic));
    }
}
