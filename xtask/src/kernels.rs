//! `cargo xtask kernels`: the pinned real kernels (vm/kernels.txt) — list them, fetch them
//! into the cache ahead of a run, or move the pins to what Debian's archive has now.

use crt0_vm::{fetch, pins, update};
use std::ffi::OsString;

/// The suites a pin update looks at when none is named.
const SUITES: [&str; 3] = ["bookworm", "trixie", "unstable"];

pub fn main(args: Vec<OsString>) -> Result<(), String> {
    let args: Vec<String> = args.into_iter().map(|a| a.into_string().map_err(|a| format!("{a:?}: not UTF-8"))).collect::<Result<_, _>>()?;
    match args.first().map(String::as_str) {
        None | Some("list") => {
            for k in pins::all() {
                println!("{:8} {:9} {} {} ({})", k.arch.name, k.suite, k.package, k.version, k.release());
            }
            println!("cache: {}", crt0_vm::cache::root().display());
            Ok(())
        }
        Some("fetch") => {
            for k in pins::all() {
                let path = fetch::image(k)?;
                println!("{} {}: {}", k.arch.name, k.suite, path.display());
            }
            Ok(())
        }
        Some("update") => {
            // `--arch NAME` (repeatable) limits the update to those architectures: adding
            // one pins its kernels without moving the others'.
            let mut rest = &args[1..];
            let mut arches = Vec::new();
            while let [flag, name, more @ ..] = rest {
                if flag != "--arch" {
                    break;
                }
                arches.push(crt0_vm::arch::arch(name)?);
                rest = more;
            }
            if arches.is_empty() {
                arches = crt0_vm::arch::ARCHES.to_vec();
            }
            let suites: Vec<&str> = if rest.is_empty() { SUITES.to_vec() } else { rest.iter().map(String::as_str).collect() };
            let kernels = update::resolve(&suites, &arches)?;
            let changes = update::write(&kernels)?;
            if changes.is_empty() {
                println!("{}: the pins are current", update::pins_path().display());
            }
            for c in changes {
                println!("{c}");
            }
            Ok(())
        }
        Some("run") => {
            let [_, arch, suite, rest @ ..] = &args[..] else {
                return Err(format!("kernels run needs ARCH SUITE PROGRAM\n{}", crate::USAGE));
            };
            let mut rest: &[String] = rest;
            let mut files = Vec::new();
            while let [flag, file, more @ ..] = rest {
                if flag != "-f" {
                    break;
                }
                let path = std::path::PathBuf::from(file);
                let name = path.file_name().ok_or(format!("-f {file}: not a file"))?.to_string_lossy().into_owned();
                files.push((path, name));
                rest = more;
            }
            let [program, rest @ ..] = rest else {
                return Err(format!("kernels run needs ARCH SUITE PROGRAM\n{}", crate::USAGE));
            };
            let mut guest = crt0_vm::Guest::new(pins::find(arch, suite)?, program);
            guest.args = rest.to_vec();
            guest.files = files;
            // Extra kernel parameters, for experiments: CRT0_VM_KERNEL_ARGS="rseq_debug=1".
            guest.kernel_args = std::env::var("CRT0_VM_KERNEL_ARGS").map(|a| a.split_whitespace().map(String::from).collect()).unwrap_or_default();
            let out = crt0_vm::run(&guest)?;
            print!("{}", out.output);
            eprintln!("{}: boot {:.1} s, run {:.1} s, {:?}", guest.kernel.describe(), out.boot_time.as_secs_f64(), out.run_time.as_secs_f64(), out.status);
            match out.status {
                crt0_vm::Status::Exited(0) => Ok(()),
                s => Err(format!("the program ended with {s:?}")),
            }
        }
        Some(other) => Err(format!("unknown kernels command {other:?}\n{}", crate::USAGE)),
    }
}
