//! The build-script side of [crt0](https://crates.io/crates/crt0): one call
//! in a package's `build.rs` links its programs with crt0's start-up, on
//! every target crt0 supports, wherever crt0 came from (a path, git or a
//! registry).
//!
//! ```toml
//! # Cargo.toml
//! [dependencies]
//! crt0 = "0.1"
//! [build-dependencies]
//! crt0-build = "0.1"
//!
//! [[bin]]
//! name = "app"
//! path = "src/main.rs"
//! test = false   # a #![no_std] program cannot host the test harness
//! bench = false
//!
//! [profile.dev]
//! panic = "abort"
//! [profile.release]
//! panic = "abort"
//! ```
//!
//! ```no_run
//! // build.rs
//! fn main() {
//!     crt0_build::link();
//! }
//! ```
//!
//! What the call prints for cargo, per target:
//!
//! | target | link arguments |
//! |---|---|
//! | `x86_64-unknown-linux-gnu`, `aarch64-unknown-linux-gnu`, `riscv64gc-unknown-linux-gnu` | `-nostartfiles -nostdlib -static` (no C start files, no C library); with `CRT0_STATIC_PIE=1` in the build's environment or [`Link::static_pie`], `-static-pie -Wl,-e,_start_pie` |
//! | `x86_64-none`, `aarch64-none`, `riscv64-none` and their `-pie` variants ([`TARGET_SPECS`]) | `-T` crt0's linker script ([`LINKER_SCRIPT`], written into `OUT_DIR`); static-PIE comes from the `-pie` spec |
//!
//! They go to the package's binaries and examples ([`link`]); [`Link`]
//! adds benches and integration tests whose programs are crt0 programs
//! (`harness = false`), or leaves a kind out. Test harnesses never get them:
//! they are std programs, linked by the C library.
//!
//! The call checks what would otherwise fail late or obscurely, and stops the
//! build with a message that says what to do: a target crt0 does not
//! support, and a cross build for the other architecture's host target with
//! no cross linker configured (cargo's default, `cc`, links only the host's
//! architecture) or with a configured linker that is not installed.
//!
//! The `*-none` targets are JSON specs, which cargo must be given before any
//! build script runs: write them into a project with [`write_target_specs`]
//! or the `crt0-build targets DIR` command (`cargo install crt0-build`), then
//! build with `cargo +nightly build --target x86_64-none.json
//! -Zjson-target-spec -Zbuild-std=core,alloc,compiler_builtins
//! -Zbuild-std-features=compiler-builtins-mem`.
#![warn(missing_docs)]

use std::ffi::OsString;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// crt0's linker script for the `*-none` targets (rust-lld): the places of
/// the sections crt0 reads (TLS, the init/fini arrays, the IRELATIVE
/// bounds, RELRO). The host targets use the C compiler's own script.
pub const LINKER_SCRIPT: &str = include_str!("../crt0.ld");

/// One of crt0's freestanding target specs.
#[derive(Clone, Copy, Debug)]
pub struct TargetSpec {
    /// The target's name, which is also its file's stem (`x86_64-none`):
    /// cargo names the target directory after it.
    pub name: &'static str,
    /// The JSON text.
    pub json: &'static str,
}

/// crt0's freestanding targets: x86_64, aarch64 and riscv64 Linux with no C
/// library, at a fixed address or (`-pie`) as static-PIE.
pub const TARGET_SPECS: [TargetSpec; 6] = [
    TargetSpec { name: "x86_64-none", json: include_str!("../targets/x86_64-none.json") },
    TargetSpec { name: "x86_64-none-pie", json: include_str!("../targets/x86_64-none-pie.json") },
    TargetSpec { name: "aarch64-none", json: include_str!("../targets/aarch64-none.json") },
    TargetSpec { name: "aarch64-none-pie", json: include_str!("../targets/aarch64-none-pie.json") },
    TargetSpec { name: "riscv64-none", json: include_str!("../targets/riscv64-none.json") },
    TargetSpec { name: "riscv64-none-pie", json: include_str!("../targets/riscv64-none-pie.json") },
];

/// Writes every [`TARGET_SPECS`] entry into `dir` as `NAME.json` (creating
/// `dir` if needed) and returns the paths written. Files with the same
/// content are left untouched, so cargo does not rebuild for them.
pub fn write_target_specs(dir: &Path) -> io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    TARGET_SPECS
        .iter()
        .map(|spec| {
            let path = dir.join(format!("{}.json", spec.name));
            write_if_changed(&path, spec.json)?;
            Ok(path)
        })
        .collect()
}

fn write_if_changed(path: &Path, text: &str) -> io::Result<()> {
    if std::fs::read(path).ok().as_deref() != Some(text.as_bytes()) {
        std::fs::write(path, text)?;
    }
    Ok(())
}

/// Links the package's binaries and examples with crt0's start-up:
/// `Link::new().emit()`. Call it from `build.rs`.
pub fn link() {
    Link::new().emit();
}

/// Which of a package's programs get crt0's link arguments, and how they
/// are linked. Build it, then [`emit`](Link::emit) from `build.rs`.
///
/// ```no_run
/// // build.rs of a package whose benches are crt0 programs too
/// // (`harness = false`; they need panic=abort: see the crate's README)
/// fn main() {
///     crt0_build::Link::new().benches(true).emit();
/// }
/// ```
#[derive(Clone, Debug)]
pub struct Link {
    bins: bool,
    examples: bool,
    benches: bool,
    tests: bool,
    static_pie: Option<bool>,
}

impl Default for Link {
    fn default() -> Self {
        Self::new()
    }
}

impl Link {
    /// Binaries and examples; static-PIE on the host targets when the
    /// build's environment has `CRT0_STATIC_PIE=1`.
    pub fn new() -> Self {
        Link { bins: true, examples: true, benches: false, tests: false, static_pie: None }
    }

    /// Whether the package's binaries are crt0 programs (default: yes).
    pub fn bins(mut self, yes: bool) -> Self {
        self.bins = yes;
        self
    }

    /// Whether its examples are (default: yes).
    pub fn examples(mut self, yes: bool) -> Self {
        self.examples = yes;
        self
    }

    /// Whether its benches are (default: no: a bench with the std harness,
    /// or criterion's, is a std program).
    pub fn benches(mut self, yes: bool) -> Self {
        self.benches = yes;
        self
    }

    /// Whether its integration tests are (default: no: `tests/*.rs` with
    /// the test harness are std programs, which run the crt0 binaries).
    /// Turn it on only in a package whose every test is a crt0 program
    /// (`harness = false`).
    pub fn tests(mut self, yes: bool) -> Self {
        self.tests = yes;
        self
    }

    /// Links static-PIE on the host targets (`-static-pie`, entered at
    /// crt0's relocating `_start_pie`), whatever `CRT0_STATIC_PIE` says.
    /// The `*-none` targets take it from their spec (`*-none-pie.json`).
    pub fn static_pie(mut self, yes: bool) -> Self {
        self.static_pie = Some(yes);
        self
    }

    /// Prints the link arguments for cargo (and on the `*-none` targets
    /// writes the linker script into `OUT_DIR`). On a problem, prints what
    /// to do and ends the build script with status 1, so the build stops
    /// with that message.
    pub fn emit(&self) {
        let result = BuildEnv::from_env().and_then(|env| {
            let plan = self.plan(&env)?;
            if let Some(path) = &plan.linker_script {
                write_if_changed(path, LINKER_SCRIPT).map_err(|e| Error::Io(path.clone(), e.to_string()))?;
            }
            Ok(plan)
        });
        match result {
            Ok(plan) => {
                for line in plan.directives {
                    println!("{line}");
                }
            }
            Err(e) => {
                eprintln!("error: {e}");
                std::process::exit(1);
            }
        }
    }

    /// What [`emit`](Link::emit) would do in `env`, without doing it.
    pub fn plan(&self, env: &BuildEnv) -> Result<Plan, Error> {
        let arch = env.target_arch.as_str();
        if !matches!(arch, "x86_64" | "aarch64" | "riscv64") {
            return Err(Error::UnsupportedTarget(env.target.clone()));
        }
        let mut directives = vec!["cargo:rerun-if-env-changed=CRT0_STATIC_PIE".to_string()];
        let mut linker_script = None;
        let args: Vec<String> = match (env.target_os.as_str(), env.target_env.as_str()) {
            ("none", _) => {
                // rust-lld links directly (the spec says so): no C start
                // files or C library to leave out, but the sections crt0
                // reads need their places. An absolute path: the linker
                // runs in the package's directory, not OUT_DIR.
                let script = env.out_dir.join("crt0.ld");
                let arg = format!("-T{}", script.display());
                linker_script = Some(script);
                vec![arg]
            }
            ("linux", "gnu") => {
                check_linker(env)?;
                let pie = self.static_pie.unwrap_or(env.static_pie_env.as_deref() == Some("1"));
                // The C compiler driver links: no crt1.o, no libc; its
                // default script has everything crt0 reads.
                let link: &[&str] = match pie {
                    false => &["-static"],
                    true if env.driver_knows_static_pie.unwrap_or_else(|| driver_knows_static_pie(env.linker.as_deref())) => {
                        &["-static-pie", "-Wl,-e,_start_pie"]
                    }
                    // GCC 12 for riscv64 turns -static-pie into a PIE that
                    // asks for a dynamic linker: pass what the others pass
                    // for it, except `-z text`, which binutils 2.40 fails
                    // for riscv64 when it leaves R_RISCV_NONE entries (in
                    // the read-only segment) for TLS GOT slots it resolved
                    // itself; crt0 skips them.
                    true => &["-static", "-Wl,-pie,--no-dynamic-linker", "-Wl,-e,_start_pie"],
                };
                ["-nostartfiles", "-nostdlib"].iter().chain(link).map(|s| s.to_string()).collect()
            }
            _ => return Err(Error::UnsupportedTarget(env.target.clone())),
        };
        // Cargo refuses link arguments for a kind of target the package
        // does not have, so only the kinds it has get them.
        let has = &env.targets;
        let kinds = [
            ("bins", self.bins && has.bins),
            ("examples", self.examples && has.examples),
            ("benches", self.benches && has.benches),
            ("tests", self.tests && has.tests),
        ];
        directives.extend(env.watch.iter().map(|p| format!("cargo:rerun-if-changed={}", p.display())));
        for (kind, _) in kinds.iter().filter(|(_, on)| *on) {
            for arg in &args {
                directives.push(format!("cargo:rustc-link-arg-{kind}={arg}"));
            }
        }
        Ok(Plan { directives, linker_script })
    }
}

/// What a build script is told about the build, as far as crt0 cares
/// (cargo's environment variables of the same names).
#[derive(Clone, Debug)]
pub struct BuildEnv {
    /// `TARGET`: the target's name (`x86_64-unknown-linux-gnu`, or a
    /// JSON spec's file stem, `x86_64-none`).
    pub target: String,
    /// `HOST`: the triple cargo runs on.
    pub host: String,
    /// `CARGO_CFG_TARGET_ARCH`.
    pub target_arch: String,
    /// `CARGO_CFG_TARGET_OS`: `linux` on the host targets, `none` on crt0's
    /// freestanding ones.
    pub target_os: String,
    /// `CARGO_CFG_TARGET_ENV`: `gnu` on the host targets, empty otherwise.
    pub target_env: String,
    /// `RUSTC_LINKER`: the linker configured for the target, if any.
    pub linker: Option<String>,
    /// `CRT0_STATIC_PIE`.
    pub static_pie_env: Option<String>,
    /// Whether the C compiler driver that links (`RUSTC_LINKER`, else `cc`)
    /// links `-static-pie` as a static PIE: its link spec passes
    /// `--no-dynamic-linker` for it (GCC 12 for riscv64 does not). `None`:
    /// ask the driver, only when a static-PIE link needs the answer.
    pub driver_knows_static_pie: Option<bool>,
    /// `OUT_DIR`.
    pub out_dir: PathBuf,
    /// `PATH`, to find the configured linker.
    pub path: Option<OsString>,
    /// The kinds of targets the package has.
    pub targets: Targets,
    /// What cargo must watch to rerun the build script when the package
    /// gains or loses a kind of target: its manifest and target folders.
    pub watch: Vec<PathBuf>,
}

/// The kinds of targets a package has, found as cargo finds them: its
/// manifest's `[[bin]]`, `[[example]]`, `[[bench]]` and `[[test]]` tables,
/// and unless `autobins` (...) is false, `src/main.rs`, `src/bin/`,
/// `examples/`, `benches/` and `tests/` (a `.rs` file, or a folder with a
/// `main.rs`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Targets {
    /// Any binary.
    pub bins: bool,
    /// Any example.
    pub examples: bool,
    /// Any bench.
    pub benches: bool,
    /// Any integration test.
    pub tests: bool,
}

impl Targets {
    /// Reads the package in `dir` (its `Cargo.toml` and folders).
    pub fn discover(dir: &Path) -> io::Result<Self> {
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml"))?;
        let table = |name: &str| {
            manifest.lines().any(|l| l.split('#').next().unwrap_or("").replace(' ', "") == format!("[[{name}]]"))
        };
        let auto = |key: &str| {
            !manifest.lines().any(|l| l.split('#').next().unwrap_or("").replace(' ', "") == format!("{key}=false"))
        };
        let programs_in = |folder: &str| {
            std::fs::read_dir(dir.join(folder)).is_ok_and(|entries| {
                entries.flatten().any(|e| {
                    let path = e.path();
                    path.extension().is_some_and(|x| x == "rs") && path.is_file() || path.join("main.rs").is_file()
                })
            })
        };
        Ok(Targets {
            bins: table("bin") || auto("autobins") && (dir.join("src/main.rs").is_file() || programs_in("src/bin")),
            examples: table("example") || auto("autoexamples") && programs_in("examples"),
            benches: table("bench") || auto("autobenches") && programs_in("benches"),
            tests: table("test") || auto("autotests") && programs_in("tests"),
        })
    }

    /// The paths whose changes may change what [`discover`](Self::discover)
    /// finds (those that exist: cargo reruns a build script every time for a
    /// missing one).
    pub fn watch(dir: &Path) -> Vec<PathBuf> {
        ["Cargo.toml", "src/main.rs", "src/bin", "examples", "benches", "tests"]
            .iter()
            .map(|p| dir.join(p))
            .filter(|p| p.exists())
            .collect()
    }
}

impl BuildEnv {
    /// Reads the environment cargo gives a build script.
    pub fn from_env() -> Result<Self, Error> {
        let need = |name: &'static str| std::env::var(name).map_err(|_| Error::NotABuildScript(name));
        let dir = PathBuf::from(need("CARGO_MANIFEST_DIR")?);
        Ok(BuildEnv {
            target: need("TARGET")?,
            host: need("HOST")?,
            target_arch: need("CARGO_CFG_TARGET_ARCH")?,
            target_os: need("CARGO_CFG_TARGET_OS")?,
            target_env: std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default(),
            linker: std::env::var("RUSTC_LINKER").ok().filter(|l| !l.is_empty()),
            static_pie_env: std::env::var("CRT0_STATIC_PIE").ok(),
            driver_knows_static_pie: None,
            out_dir: need("OUT_DIR")?.into(),
            path: std::env::var_os("PATH"),
            targets: Targets::discover(&dir).map_err(|e| Error::Io(dir.join("Cargo.toml"), e.to_string()))?,
            watch: Targets::watch(&dir),
        })
    }
}

/// What [`Link::emit`] prints and writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The `cargo:` lines.
    pub directives: Vec<String>,
    /// Where the linker script goes (the `*-none` targets).
    pub linker_script: Option<PathBuf>,
}

/// Why crt0's programs cannot be linked as asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// A variable cargo sets for build scripts is missing: not run by cargo.
    NotABuildScript(&'static str),
    /// crt0 does not start programs for this target.
    UnsupportedTarget(String),
    /// A host target of another architecture with no linker configured.
    NoCrossLinker {
        /// The target.
        target: String,
        /// The host.
        host: String,
    },
    /// The configured linker is not installed.
    LinkerNotFound {
        /// The target.
        target: String,
        /// The linker, as configured.
        linker: String,
    },
    /// Writing the linker script failed.
    Io(PathBuf, String),
}

/// Whether the compiler driver `linker` (else `cc`) knows `-static-pie`,
/// from its specs; true for a driver that has none to show (clang), which
/// then says itself what it makes of the flag.
fn driver_knows_static_pie(linker: Option<&str>) -> bool {
    match std::process::Command::new(linker.unwrap_or("cc")).arg("-dumpspecs").output() {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).contains("--no-dynamic-linker"),
        _ => true,
    }
}

/// The C cross compiler Debian packages for a host target, and its package.
fn cross_gcc(arch: &str) -> (String, String) {
    // Rust's riscv64 host target is riscv64gc-...; Debian's triple is riscv64-linux-gnu.
    let arch = if arch.starts_with("riscv64") { "riscv64" } else { arch };
    let gcc = format!("{arch}-linux-gnu-gcc");
    let package = format!("gcc-{}-linux-gnu", arch.replace('_', "-"));
    (gcc, package)
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NotABuildScript(var) => {
                write!(f, "crt0-build: {var} is not set: call crt0_build::link() from a build script run by cargo")
            }
            Error::UnsupportedTarget(target) => write!(
                f,
                "crt0-build: crt0 starts programs for x86_64, aarch64 and riscv64 Linux: the host \
                 targets (x86_64-unknown-linux-gnu, aarch64-unknown-linux-gnu, \
                 riscv64gc-unknown-linux-gnu) and its own x86_64-none(-pie), aarch64-none(-pie) and \
                 riscv64-none(-pie) specs; not for {target}"
            ),
            Error::NoCrossLinker { target, host } => {
                let arch = target.split('-').next().unwrap_or(target);
                let (gcc, package) = cross_gcc(arch);
                let var = target.to_uppercase().replace('-', "_");
                write!(
                    f,
                    "crt0-build: linking for {target} on {host} needs a cross linker, and cargo has none \
                     configured (its default, cc, links only for the host's architecture). Install one \
                     (Debian: apt-get install {package}) and tell cargo, in .cargo/config.toml:\n\n    \
                     [target.{target}]\n    linker = \"{gcc}\"\n\nor in the environment: \
                     CARGO_TARGET_{var}_LINKER={gcc}"
                )
            }
            Error::LinkerNotFound { target, linker } => {
                let arch = target.split('-').next().unwrap_or(target);
                let (gcc, package) = cross_gcc(arch);
                write!(f, "crt0-build: the linker configured for {target}, {linker}, is not installed")?;
                if Path::new(linker).file_name().and_then(|n| n.to_str()) == Some(gcc.as_str()) {
                    write!(f, " (Debian: apt-get install {package})")?;
                }
                Ok(())
            }
            Error::Io(path, e) => write!(f, "crt0-build: cannot write {}: {e}", path.display()),
        }
    }
}

impl std::error::Error for Error {}

/// On a host target: a cross build needs a configured linker, and a
/// configured linker must exist.
fn check_linker(env: &BuildEnv) -> Result<(), Error> {
    match &env.linker {
        None => {
            let host_arch = env.host.split('-').next().unwrap_or("");
            // Rust names riscv64's host target riscv64gc-...
            if !host_arch.starts_with(env.target_arch.as_str()) {
                return Err(Error::NoCrossLinker { target: env.target.clone(), host: env.host.clone() });
            }
            Ok(())
        }
        Some(linker) => {
            let found = if linker.contains('/') {
                Path::new(linker).is_file()
            } else {
                env.path.as_ref().is_some_and(|p| std::env::split_paths(p).any(|d| d.join(linker).is_file()))
            };
            if found {
                Ok(())
            } else {
                Err(Error::LinkerNotFound { target: env.target.clone(), linker: linker.clone() })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(target: &str, arch: &str, os: &str, linker: Option<&str>) -> BuildEnv {
        BuildEnv {
            target: target.into(),
            host: "x86_64-unknown-linux-gnu".into(),
            target_arch: arch.into(),
            target_os: os.into(),
            target_env: if os == "linux" { "gnu".into() } else { String::new() },
            linker: linker.map(Into::into),
            static_pie_env: None,
            driver_knows_static_pie: Some(true),
            out_dir: "/out".into(),
            path: Some("/usr/bin:/bin".into()),
            targets: Targets { bins: true, examples: true, benches: true, tests: true },
            watch: vec![],
        }
    }

    fn args_for(plan: &Plan, kind: &str) -> Vec<String> {
        let prefix = format!("cargo:rustc-link-arg-{kind}=");
        plan.directives.iter().filter_map(|d| d.strip_prefix(&prefix)).map(String::from).collect()
    }

    #[test]
    fn host_target_bins_and_examples_only() {
        let plan = Link::new().plan(&env("x86_64-unknown-linux-gnu", "x86_64", "linux", None)).unwrap();
        assert_eq!(args_for(&plan, "bins"), ["-nostartfiles", "-nostdlib", "-static"]);
        assert_eq!(args_for(&plan, "examples"), ["-nostartfiles", "-nostdlib", "-static"]);
        assert!(args_for(&plan, "tests").is_empty() && args_for(&plan, "benches").is_empty());
        assert_eq!(plan.linker_script, None);
        let plan = Link::new().examples(false).tests(true).benches(true).plan(&env("x86_64-unknown-linux-gnu", "x86_64", "linux", None)).unwrap();
        assert!(args_for(&plan, "examples").is_empty());
        assert_eq!(args_for(&plan, "tests").len(), 3);
        assert_eq!(args_for(&plan, "benches").len(), 3);
    }

    #[test]
    fn riscv64_static_pie_with_a_driver_that_does_not_know_it() {
        // GCC 12 for riscv64: no --no-dynamic-linker in its -static-pie spec.
        let mut e = env("riscv64gc-unknown-linux-gnu", "riscv64", "linux", Some("riscv64-linux-gnu-gcc"));
        e.path = Some(std::env::var_os("PATH").unwrap_or_default());
        let linker_installed = std::env::split_paths(e.path.as_ref().unwrap()).any(|d| d.join("riscv64-linux-gnu-gcc").is_file());
        assert!(linker_installed, "riscv64-linux-gnu-gcc is missing (Debian: apt-get install gcc-riscv64-linux-gnu)");
        e.driver_knows_static_pie = Some(false);
        let plan = Link::new().static_pie(true).plan(&e).unwrap();
        assert_eq!(
            args_for(&plan, "bins"),
            ["-nostartfiles", "-nostdlib", "-static", "-Wl,-pie,--no-dynamic-linker", "-Wl,-e,_start_pie"]
        );
        e.driver_knows_static_pie = Some(true);
        let plan = Link::new().static_pie(true).plan(&e).unwrap();
        assert_eq!(args_for(&plan, "bins"), ["-nostartfiles", "-nostdlib", "-static-pie", "-Wl,-e,_start_pie"]);
        // What the real driver says about itself.
        assert!(!driver_knows_static_pie(Some("riscv64-linux-gnu-gcc")), "GCC 12 for riscv64 has learnt -static-pie");
        assert_eq!(cross_gcc("riscv64gc"), ("riscv64-linux-gnu-gcc".to_string(), "gcc-riscv64-linux-gnu".to_string()));
    }

    #[test]
    fn static_pie_from_the_environment_or_the_builder() {
        let mut e = env("x86_64-unknown-linux-gnu", "x86_64", "linux", None);
        e.static_pie_env = Some("1".into());
        let pie = ["-nostartfiles", "-nostdlib", "-static-pie", "-Wl,-e,_start_pie"];
        assert_eq!(args_for(&Link::new().plan(&e).unwrap(), "bins"), pie);
        assert_eq!(args_for(&Link::new().static_pie(false).plan(&e).unwrap(), "bins")[2], "-static");
        e.static_pie_env = Some("0".into());
        assert_eq!(args_for(&Link::new().plan(&e).unwrap(), "bins")[2], "-static");
        assert_eq!(args_for(&Link::new().static_pie(true).plan(&e).unwrap(), "bins"), pie);
    }

    #[test]
    fn freestanding_targets_get_the_linker_script() {
        let plan = Link::new().plan(&env("aarch64-none", "aarch64", "none", None)).unwrap();
        assert_eq!(args_for(&plan, "bins"), ["-T/out/crt0.ld"]);
        assert_eq!(plan.linker_script.as_deref(), Some(Path::new("/out/crt0.ld")));
    }

    #[test]
    fn cross_host_target_needs_a_linker() {
        let e = env("aarch64-unknown-linux-gnu", "aarch64", "linux", None);
        let err = Link::new().plan(&e).unwrap_err();
        assert_eq!(err, Error::NoCrossLinker { target: e.target.clone(), host: e.host.clone() });
        let text = err.to_string();
        assert!(text.contains("apt-get install gcc-aarch64-linux-gnu"), "{text}");
        assert!(text.contains("linker = \"aarch64-linux-gnu-gcc\""), "{text}");
        assert!(text.contains("CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc"), "{text}");
        let e = env("aarch64-unknown-linux-gnu", "aarch64", "linux", Some("aarch64-linux-gnu-gcc-not-here"));
        assert!(matches!(Link::new().plan(&e), Err(Error::LinkerNotFound { .. })));
        let e = env("aarch64-unknown-linux-gnu", "aarch64", "linux", Some("/nowhere/aarch64-linux-gnu-gcc"));
        let text = Link::new().plan(&e).unwrap_err().to_string();
        assert!(text.contains("/nowhere/aarch64-linux-gnu-gcc, is not installed (Debian: apt-get install gcc-aarch64-linux-gnu)"), "{text}");
    }

    #[test]
    fn only_the_kinds_the_package_has() {
        let mut e = env("x86_64-unknown-linux-gnu", "x86_64", "linux", None);
        e.targets = Targets { bins: true, examples: false, benches: false, tests: true };
        let plan = Link::new().tests(true).benches(true).plan(&e).unwrap();
        assert_eq!(args_for(&plan, "bins").len(), 3);
        assert_eq!(args_for(&plan, "tests").len(), 3);
        assert!(args_for(&plan, "examples").is_empty() && args_for(&plan, "benches").is_empty());
    }

    #[test]
    fn targets_are_discovered_as_cargo_does() {
        let dir = std::env::temp_dir().join(format!("crt0-build-discover-{}", std::process::id()));
        let write = |path: &str, text: &str| {
            let p = dir.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        write("Cargo.toml", "[package]\nname = \"p\"\n");
        write("src/lib.rs", "");
        write("examples/README.md", "");
        assert_eq!(Targets::discover(&dir).unwrap(), Targets::default());
        write("examples/one/main.rs", "");
        write("src/bin/tool.rs", "");
        write("tests/it.rs", "");
        assert_eq!(Targets::discover(&dir).unwrap(), Targets { bins: true, examples: true, benches: false, tests: true });
        write("Cargo.toml", "[package]\nname = \"p\"\nautoexamples = false # none\n\n[[ bench ]]\nname = \"b\"\nharness = false\n");
        assert_eq!(Targets::discover(&dir).unwrap(), Targets { bins: true, examples: false, benches: true, tests: true });
        assert_eq!(Targets::watch(&dir).len(), 4, "{:?}", Targets::watch(&dir));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn other_targets_are_refused() {
        for (target, arch, os) in [("powerpc64le-unknown-linux-gnu", "powerpc64", "linux"), ("x86_64-unknown-linux-musl", "x86_64", "linux"), ("x86_64-pc-windows-msvc", "x86_64", "windows")] {
            let mut e = env(target, arch, os, None);
            if target.ends_with("musl") {
                e.target_env = "musl".into();
            }
            assert_eq!(Link::new().plan(&e).unwrap_err(), Error::UnsupportedTarget(target.into()));
        }
    }

    #[test]
    fn specs_are_json_named_after_their_files() {
        for spec in TARGET_SPECS {
            assert!(spec.json.trim_start().starts_with('{') && spec.json.trim_end().ends_with('}'));
            let arch = spec.name.split('-').next().unwrap();
            assert!(spec.json.contains(&format!("\"arch\": \"{arch}\"")), "{}", spec.name);
            assert_eq!(spec.name.ends_with("-pie"), spec.json.contains("\"relocation-model\": \"pie\""), "{}", spec.name);
        }
        let dir = std::env::temp_dir().join(format!("crt0-build-specs-{}", std::process::id()));
        let written = write_target_specs(&dir).unwrap();
        assert_eq!(written.len(), TARGET_SPECS.len());
        assert_eq!(TARGET_SPECS.len(), 6);
        assert_eq!(std::fs::read_to_string(dir.join("x86_64-none.json")).unwrap(), TARGET_SPECS[0].json);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
