//! The documentation and the packages, as a registry would take them:
//! `RUSTDOCFLAGS=-Dwarnings cargo doc` of crt0 (both architectures: the
//! `arch` modules differ) and crt0-build, so that a broken link or a public
//! item without a doc comment (`#![warn(missing_docs)]` in both crates) fails
//! here; and `cargo package` of both, the packaging and the build from the
//! packaged sources that `cargo publish --dry-run` does, without the
//! registry's network check.
mod common;

use common::root;
use std::process::Command;

fn cargo(args: &[&str]) -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.args(args).current_dir(root()).env("CARGO_TARGET_DIR", root().join("target/docs-check"));
    c
}

fn ok(what: &str, mut c: Command) -> String {
    let out = c.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{what} failed:\n{stderr}");
    stderr + &String::from_utf8_lossy(&out.stdout)
}

#[test]
fn documentation_builds_without_a_warning() {
    for target in ["x86_64-unknown-linux-gnu", "aarch64-unknown-linux-gnu"] {
        let mut c = cargo(&["doc", "--no-deps", "-p", "crt0", "-p", "crt0-build", "--target", target]);
        c.env("RUSTDOCFLAGS", "-Dwarnings");
        let out = ok(&format!("RUSTDOCFLAGS=-Dwarnings cargo doc for {target}"), c);
        assert!(!out.contains("warning"), "{out}");
        // The runtime is documented, not the hosted build (rustdoc is not
        // given the profile's panic strategy): threads and the heap's entry
        // points are there.
        let doc = root().join("target/docs-check").join(target).join("doc/crt0");
        for page in ["thread/fn.spawn.html", "heap/struct.Crt0Heap.html", "fork/fn.fork.html", "index.html"] {
            assert!(doc.join(page).is_file(), "{page} missing from the {target} documentation");
        }
        let index = std::fs::read_to_string(doc.join("index.html")).unwrap();
        assert!(index.contains("Quick start") && index.contains("crt0_build::link"), "the crate root has the quick start");
    }
}

#[test]
fn packages_build_from_their_published_files() {
    let mut c = cargo(&["package", "--offline", "--allow-dirty", "-p", "crt0", "-p", "crt0-build"]);
    c.env_remove("RUSTFLAGS");
    ok("cargo package -p crt0 -p crt0-build", c);
    let list = ok("cargo package --list -p crt0", cargo(&["package", "--offline", "--allow-dirty", "--list", "-p", "crt0"]));
    for file in ["src/lib.rs", "crt/x86_64/start.s", "crt/aarch64/start.s", "crt/crt0.h", "README.md"] {
        assert!(list.lines().any(|l| l == file), "crt0's package lacks {file}:\n{list}");
    }
    assert!(!list.lines().any(|l| l.starts_with("tests/") || l.starts_with("docs/")), "crt0's package carries tests or docs:\n{list}");
    let list = ok("cargo package --list -p crt0-build", cargo(&["package", "--offline", "--allow-dirty", "--list", "-p", "crt0-build"]));
    for file in ["crt0.ld", "targets/x86_64-none.json", "targets/aarch64-none-pie.json", "src/main.rs"] {
        assert!(list.lines().any(|l| l == file), "crt0-build's package lacks {file}:\n{list}");
    }
}
