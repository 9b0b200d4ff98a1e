//! crt0 from a user's own project: the sample in examples/user-project,
//! copied out of this repository (so neither crt0's `.cargo/config.toml` nor
//! its `rust-toolchain.toml` reaches it) and built as a user would build it,
//! with crt0 and crt0-build as path dependencies and as git dependencies (a
//! git repository made from this tree: no network). Only crt0-build's
//! `crt0_build::link()` call links it, on every target:
//!
//! - the x86_64 host target on stable, path, git and registry (crt0 and
//!   crt0-build as `cargo package` packs them for publishing): `cargo test` (the
//!   library's unit tests on the host harness, linking a hosted crt0, and
//!   the integration tests running the crt0 program), an example of the
//!   workspace's other package, and the program as static-PIE;
//! - the aarch64 host target (git): the build stops with crt0-build's
//!   message while no cross linker is configured, then links with one and
//!   runs under qemu-user;
//! - x86_64-none and aarch64-none on nightly (git), with the target specs
//!   written by the installed `crt0-build targets` command: the program, an
//!   example, a bench and an integration test, all crt0 programs, run.
mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// A directory of this worktree's own under the system's temporary one
/// (outside the repository, away from its cargo configuration).
fn scratch() -> PathBuf {
    // FNV-1a of the repository's path: two worktrees never share one.
    let hash = root().to_string_lossy().bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3));
    std::env::temp_dir().join(format!("crt0-user-project-{hash:016x}"))
}

fn sh(c: &mut Command) -> Output {
    c.output().unwrap_or_else(|e| panic!("running {c:?}: {e}"))
}

fn ok(what: &str, out: Output) -> String {
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A git repository holding this tree as it is now (tracked files and new
/// ones not ignored, edits included), one commit per change, made once per
/// test process: what a git dependency on crt0 fetches.
fn git_repo() -> &'static Path {
    static REPO: OnceLock<PathBuf> = OnceLock::new();
    REPO.get_or_init(|| {
        let repo = scratch().join("crt0.git-src");
        let git = |dir: &Path, args: &[&str]| {
            let mut c = Command::new("git");
            c.args(["-c", "user.name=crt0 tests", "-c", "user.email=tests@crt0.invalid", "-c", "commit.gpgsign=false"])
                .args(args)
                .current_dir(dir);
            ok(&format!("git {args:?} (Debian: git)"), sh(&mut c))
        };
        let files = git(root(), &["ls-files", "-z", "--cached", "--others", "--exclude-standard"]);
        std::fs::create_dir_all(&repo).unwrap();
        if !repo.join(".git").exists() {
            git(&repo, &["init", "-q"]);
        }
        // The tree again from scratch: files deleted here go there too.
        for entry in std::fs::read_dir(&repo).unwrap().flatten() {
            if entry.file_name() != ".git" {
                let p = entry.path();
                if p.is_dir() && !p.is_symlink() { std::fs::remove_dir_all(&p) } else { std::fs::remove_file(&p) }.unwrap();
            }
        }
        for file in files.split('\0').filter(|f| !f.is_empty()) {
            let (from, to) = (root().join(file), repo.join(file));
            let Ok(meta) = std::fs::symlink_metadata(&from) else { continue }; // deleted, not yet staged
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            if meta.file_type().is_symlink() {
                std::os::unix::fs::symlink(std::fs::read_link(&from).unwrap(), &to).unwrap();
            } else {
                std::fs::copy(&from, &to).unwrap();
            }
        }
        git(&repo, &["add", "-A"]);
        if !git(&repo, &["status", "--porcelain"]).is_empty() {
            git(&repo, &["commit", "-q", "-m", "crt0 as the tests found it"]);
        }
        repo
    })
}

#[derive(Clone, Copy, PartialEq)]
enum Dep {
    Path,
    Git,
    /// Version requirements ("0.1"), from a local registry of the packages
    /// `cargo package` makes (see [`registry`]).
    Registry,
}

/// A directory registry standing in for crates.io: crt0 and crt0-build as
/// `cargo package` packs them for publishing, unpacked, and the registry
/// crates they depend on (`cargo vendor`, from cargo's cache). Projects
/// reach it by replacing crates.io in their `.cargo/config.toml`.
fn registry() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = scratch().join("local-registry");
        let _ = std::fs::remove_dir_all(&dir);
        // The registry crates, vendored for a project that has crt0 by path.
        let p = Project::new("registry-vendor", Dep::Path);
        p.run_ok("stable", &["vendor", "--offline", "-q", dir.to_str().unwrap()]);
        let packaged = p.target.join("package");
        let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        c.args(["package", "--offline", "--allow-dirty", "--no-verify", "-q", "-p", "crt0", "-p", "crt0-build"])
            .current_dir(root())
            .env("CARGO_TARGET_DIR", &p.target);
        ok("cargo package -p crt0 -p crt0-build", sh(&mut c));
        for name in ["crt0-0.1.0", "crt0-build-0.1.0"] {
            let krate = packaged.join(format!("{name}.crate"));
            ok("tar (Debian: tar)", sh(Command::new("tar").arg("xzf").arg(&krate).arg("-C").arg(&dir)));
            let sum = ok("sha256sum (Debian: coreutils)", sh(Command::new("sha256sum").arg(&krate)));
            let sum = sum.split_whitespace().next().unwrap();
            std::fs::write(dir.join(name).join(".cargo-checksum.json"), format!("{{\"files\":{{}},\"package\":\"{sum}\"}}")).unwrap();
        }
        dir
    })
}

/// The sample project, copied to a directory named `name` under
/// [`scratch`], with crt0 and crt0-build as `dep` dependencies. Its target
/// directory is under this repository's `target/`, kept between runs.
struct Project {
    dir: PathBuf,
    target: PathBuf,
}

impl Project {
    fn new(name: &str, dep: Dep) -> Project {
        let dir = scratch().join(name);
        let _ = std::fs::remove_dir_all(&dir);
        copy_tree(&root().join("examples/user-project"), &dir);
        let (crt0, build) = match dep {
            Dep::Path => (format!("path = {:?}", root()), format!("path = {:?}", root().join("crt0-build"))),
            Dep::Registry => {
                let cargo = dir.join(".cargo");
                std::fs::create_dir_all(&cargo).unwrap();
                let config = format!(
                    "[source.crates-io]\nreplace-with = \"local\"\n[source.local]\ndirectory = {:?}\n",
                    registry()
                );
                std::fs::write(cargo.join("config.toml"), config).unwrap();
                ("version = \"0.1\"".to_string(), "version = \"0.1\"".to_string())
            }
            Dep::Git => {
                let url = format!("git = \"file://{}\"", git_repo().display());
                (url.clone(), url)
            }
        };
        for manifest in ["Cargo.toml", "demos/Cargo.toml"] {
            let path = dir.join(manifest);
            let text: String = std::fs::read_to_string(&path)
                .unwrap()
                .lines()
                .map(|l| {
                    if l.starts_with("crt0 = ") {
                        format!("crt0 = {{ {crt0} }}\n")
                    } else if l.starts_with("crt0-build = ") {
                        format!("crt0-build = {{ {build} }}\n")
                    } else {
                        format!("{l}\n")
                    }
                })
                .collect();
            assert!(text.contains(&crt0) && text.contains(&build), "{manifest} names crt0 and crt0-build");
            std::fs::write(&path, text).unwrap();
        }
        // crt0's own lock file pins the registry crates it depends on, so
        // cargo resolves the project from its cache, without the network.
        // (The local registry needs none: it is the only source.)
        if dep != Dep::Registry {
            std::fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
        }
        Project { dir, target: root().join("target/user-project").join(name) }
    }

    /// `cargo +TOOLCHAIN ARGS` in the project, in a clean environment for
    /// cargo (nothing of the outer `cargo test` leaks in).
    fn cargo(&self, toolchain: &str, args: &[&str]) -> Command {
        let mut c = Command::new("cargo");
        c.arg(format!("+{toolchain}")).args(args).current_dir(&self.dir).env("CARGO_TARGET_DIR", &self.target);
        for var in ["RUSTUP_TOOLCHAIN", "RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS", "CARGO_BUILD_TARGET", "CRT0_STATIC_PIE", "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER", "CRT0_TRACE"] {
            c.env_remove(var);
        }
        c
    }

    fn run_ok(&self, toolchain: &str, args: &[&str]) -> String {
        ok(&format!("cargo +{toolchain} {args:?} in {}", self.dir.display()), sh(&mut self.cargo(toolchain, args)))
    }
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let name = entry.file_name();
        // A build of the sample in place (target/, Cargo.lock, specs) stays there.
        if ["target", "Cargo.lock", "specs"].iter().any(|n| name == *n) {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &to.join(&name));
        } else {
            std::fs::copy(entry.path(), to.join(&name)).unwrap();
        }
    }
}

/// What `tally to be or not to be` must print.
const TALLY: &str = "2 be\n2 to\n1 not\n1 or\n";
const TALLY_ARGS: [&str; 6] = ["to", "be", "or", "not", "to", "be"];

/// `cargo test` of the sample on the x86_64 host target (stable): 3 unit
/// tests of its library (one calling crt0 under the harness) and 3
/// integration tests running its crt0 program.
fn cargo_test_passes(p: &Project) {
    let out = p.run_ok("stable", &["test"]);
    assert_eq!(out.matches("test result: ok. 3 passed; 0 failed").count(), 2, "unit and integration tests:\n{out}");
    assert!(out.contains("crt0_functions_run_under_the_harness ... ok"), "{out}");
    assert!(out.contains("started_by_crt0 ... ok"), "{out}");
}

/// The C symbols a hosted crt0 must leave to the C library (and the start
/// of the program to crt1.o): none of them may be defined by crt0 in the
/// unit tests' harness.
fn harness_has_no_crt0_symbols(p: &Project) {
    let out = sh(&mut p.cargo("stable", &["test", "--lib", "--no-run"]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let harness = stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("Executable unittests src/lib.rs (")?.strip_suffix(')'))
        .unwrap_or_else(|| panic!("no unit-test executable in:\n{stderr}"));
    let nm = ok("nm (Debian: binutils)", sh(Command::new("nm").arg("--defined-only").arg(p.dir.join(harness))));
    let defined: Vec<&str> = nm.lines().filter_map(|l| l.split_whitespace().nth(2)).collect();
    for name in ["malloc", "free", "memcpy", "strlen", "getenv", "write", "exit", "pthread_create", "__rseq_offset", "__rseq_size", "crt0_start", "crt0_relocate"] {
        assert!(!defined.contains(&name), "the test harness defines {name}: crt0 was not hosted");
    }
    // The one entry point, crt1.o's.
    assert_eq!(defined.iter().filter(|n| **n == "_start").count(), 1);
}

#[test]
fn path_dependency_on_the_x86_64_host_target() {
    let p = Project::new("path", Dep::Path);
    cargo_test_passes(&p);
    harness_has_no_crt0_symbols(&p);
    // An example in the workspace's other package: linked by the same call.
    let out = p.run_ok("stable", &["run", "-q", "-p", "demos", "--example", "hello"]);
    assert_eq!(out, "hello from an example, rseq owner 2\n");
    // Static-PIE through the same call, from the build's environment (a
    // debug build, as `cargo run` makes: see tests/pie.rs).
    let mut c = p.cargo("stable", &["build", "-q", "--bins"]);
    ok("CRT0_STATIC_PIE=1 cargo build", sh(c.env("CRT0_STATIC_PIE", "1")));
    let bin = p.target.join("debug/tally");
    let elf = std::fs::read(&bin).unwrap();
    assert_eq!(u16::from_le_bytes([elf[16], elf[17]]), 3, "ET_DYN: a static-PIE");
    let run = run(Config::X86_64HostPie, &bin, &TALLY_ARGS, &[]);
    assert_eq!(run.stdout, TALLY);
    run.assert_exit(0);
}

#[test]
fn registry_dependency_on_the_x86_64_host_target() {
    let p = Project::new("registry", Dep::Registry);
    cargo_test_passes(&p);
    let out = p.run_ok("stable", &["run", "-q", "--release", "--", "b", "a", "b"]);
    assert_eq!(out, "2 b\n1 a\n");
}

#[test]
fn git_dependency_on_the_host_targets() {
    let p = Project::new("git", Dep::Git);
    cargo_test_passes(&p);

    // aarch64 without a cross linker configured: crt0-build says what to do.
    let args = ["build", "-q", "--target", "aarch64-unknown-linux-gnu", "--workspace", "--bins", "--examples"];
    let out = sh(&mut p.cargo("stable", &args));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "linked for aarch64 with the host's cc?\n{stderr}");
    assert!(stderr.contains("needs a cross linker, and cargo has none configured"), "{stderr}");
    assert!(stderr.contains("apt-get install gcc-aarch64-linux-gnu"), "{stderr}");
    // ... a linker that is not installed ...
    let mut c = p.cargo("stable", &args);
    let out = sh(c.env("CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER", "/nonexistent/aarch64-linux-gnu-gcc"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("the linker configured for aarch64-unknown-linux-gnu, /nonexistent/aarch64-linux-gnu-gcc, is not installed"), "{stderr}");
    // ... and with Debian's cross compiler, as the message says.
    let mut c = p.cargo("stable", &args);
    ok("cargo build for aarch64", sh(c.env("CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER", "aarch64-linux-gnu-gcc")));
    let dir = p.target.join("aarch64-unknown-linux-gnu/debug");
    let run = run(Config::Aarch64Host, &dir.join("tally"), &TALLY_ARGS, &[]);
    assert_eq!(run.stdout, TALLY);
    let run = common::run(Config::Aarch64Host, &dir.join("examples/hello"), &[], &[]);
    // qemu-user has no rseq: the owner is LIBC all the same.
    assert_eq!(run.stdout, "hello from an example, rseq owner 2\n");
}

#[test]
fn git_dependency_on_the_freestanding_targets() {
    let p = Project::new("none", Dep::Git);
    // The target specs, from crt0-build's command installed from git.
    let tools = p.target.join("tools");
    let url = format!("file://{}", git_repo().display());
    let mut c = Command::new("cargo");
    c.args(["+nightly", "install", "-q", "--git", &url, "crt0-build", "--root"]).arg(&tools).env_remove("RUSTUP_TOOLCHAIN");
    ok("cargo install crt0-build", sh(c.env("CARGO_TARGET_DIR", p.target.join("tools-build"))));
    let mut c = Command::new(tools.join("bin/crt0-build"));
    let written = ok("crt0-build targets specs", sh(c.args(["targets", "specs"]).current_dir(&p.dir)));
    assert_eq!(written.lines().count(), crt0_build_spec_count(), "{written}");

    let z = ["-Zjson-target-spec", "-Zbuild-std=core,alloc,compiler_builtins", "-Zbuild-std-features=compiler-builtins-mem"];
    for (spec, cfg) in [("x86_64-none", Config::X86_64None), ("aarch64-none", Config::Aarch64None)] {
        let target = format!("specs/{spec}.json");
        let with = |args: &[&str]| -> Vec<String> {
            args.iter().map(|s| s.to_string()).chain(["--target".into(), target.clone()]).chain(z.iter().map(|s| s.to_string())).collect()
        };
        let build = with(&["build", "-q", "--release", "--workspace", "--bins", "--examples"]);
        p.run_ok("nightly", &build.iter().map(String::as_str).collect::<Vec<_>>());
        let dir = p.target.join(spec).join("release");
        let run = run(cfg, &dir.join("tally"), &TALLY_ARGS, &[]);
        assert_eq!(run.stdout, TALLY, "{spec}");
        let run = common::run(cfg, &dir.join("examples/hello"), &[], &[]);
        assert_eq!(run.stdout, "hello from an example, rseq owner 2\n", "{spec}");
        // A bench and an integration test that are crt0 programs, run by
        // cargo (through qemu-user for aarch64). Cargo's unstable
        // panic-abort-tests keeps them on the profile's panic=abort, so
        // build-std builds core once for them and the rest.
        for (cmd, expect) in [("bench", "count: 8 distinct words"), ("test", "selfcheck: ok")] {
            // (`cargo bench` builds with the bench profile, release's.)
            let release = if cmd == "test" { "--release" } else { "--bench=count" };
            let args = with(&[cmd, "-q", release, "-Zpanic-abort-tests", "-p", "demos"]);
            let mut c = p.cargo("nightly", &args.iter().map(String::as_str).collect::<Vec<_>>());
            if cfg.arch() == Arch::Aarch64 {
                c.env("CARGO_TARGET_AARCH64_NONE_RUNNER", Arch::Aarch64.qemu());
            }
            let out = ok(&format!("cargo {cmd} on {spec}"), sh(&mut c));
            assert!(out.contains(expect), "cargo {cmd} on {spec}:\n{out}");
        }
    }
}

/// How many target specs `crt0-build targets` writes: crt0's `*-none.json` files (the
/// ones at the top of the repository are links to them).
fn crt0_build_spec_count() -> usize {
    std::fs::read_dir(root().join("crt0-build/targets"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "json"))
        .count()
}
