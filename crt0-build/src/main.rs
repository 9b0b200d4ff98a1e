//! `crt0-build`: writes crt0's files into a project, for what a build
//! script cannot do (cargo must be given a JSON target spec before any
//! build script runs).
//!
//! ```sh
//! crt0-build targets [DIR]         # x86_64-none.json, aarch64-none.json and the -pie variants
//! crt0-build linker-script [DIR]   # crt0.ld (crt0_build::link() writes it for cargo builds)
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: crt0-build targets [DIR]         write crt0's *-none target specs into DIR (default .)
       crt0-build linker-script [DIR]   write crt0's linker script, crt0.ld, into DIR (default .)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = |rest: &[String]| PathBuf::from(rest.first().map_or(".", String::as_str));
    let result = match args.split_first() {
        Some((cmd, rest)) if cmd == "targets" && rest.len() <= 1 => crt0_build::write_target_specs(&dir(rest)),
        Some((cmd, rest)) if cmd == "linker-script" && rest.len() <= 1 => {
            let path = dir(rest).join("crt0.ld");
            std::fs::create_dir_all(dir(rest))
                .and_then(|()| std::fs::write(&path, crt0_build::LINKER_SCRIPT))
                .map(|()| vec![path])
        }
        Some((cmd, _)) if cmd == "-h" || cmd == "--help" => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(paths) => {
            for p in paths {
                println!("{}", p.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("crt0-build: {e}");
            ExitCode::FAILURE
        }
    }
}
