//! Shared by the integration tests: build crt0 programs (Rust, and C through
//! crt/crt0-cc) for each configuration, run them in a small controlled
//! environment (under qemu-user for aarch64), and look at what they print
//! and how they exit.
#![allow(dead_code)] // each test file uses a different part

use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A way of building and running crt0 programs: an architecture, a target
/// (the host `*-linux-gnu` target or the freestanding `*-none` JSON target)
/// and, for Rust on the x86_64 host target, the linker (the default
/// rust-lld, or GNU ld: they lay sections out differently); each `*Pie`
/// builds the same as its base as static-PIE (Rust with CRT0_STATIC_PIE=1 or
/// the `*-none-pie.json` target, C with `crt0-cc -static-pie`). aarch64 and
/// riscv64 programs run under qemu-user, which answers ENOSYS to rseq(2);
/// the real-kernel tests (tests/kernel.rs) cover registration there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Config {
    X86_64Host,
    X86_64HostGnuLd,
    X86_64None,
    Aarch64Host,
    Aarch64None,
    X86_64HostPie,
    X86_64NonePie,
    Aarch64HostPie,
    Aarch64NonePie,
    Riscv64Host,
    Riscv64None,
    Riscv64HostPie,
    Riscv64NonePie,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arch {
    X86_64,
    Aarch64,
    Riscv64,
}

impl Arch {
    /// Rust's `target_arch` name, which is also the Debian cross
    /// compiler's prefix and crt0-vm's name for it.
    pub fn name(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64",
            Arch::Aarch64 => "aarch64",
            Arch::Riscv64 => "riscv64",
        }
    }

    /// The C compiler that targets it (against glibc, for the differential
    /// tests and crt0-cc's `CC`).
    pub fn gcc(self) -> &'static str {
        match self {
            Arch::X86_64 => "gcc",
            Arch::Aarch64 => "aarch64-linux-gnu-gcc",
            Arch::Riscv64 => "riscv64-linux-gnu-gcc",
        }
    }

    /// qemu-user for it (none for x86_64, which runs natively).
    pub fn qemu(self) -> &'static str {
        match self {
            Arch::X86_64 => "",
            Arch::Aarch64 => "qemu-aarch64-static",
            Arch::Riscv64 => "qemu-riscv64-static",
        }
    }

    /// The architecture whose name (as [`Arch::name`] gives it) is `name`.
    pub fn from_name(name: &str) -> Arch {
        [Arch::X86_64, Arch::Aarch64, Arch::Riscv64].into_iter().find(|a| a.name() == name).unwrap_or_else(|| panic!("no arch {name}"))
    }
}

impl Config {
    pub fn arch(self) -> Arch {
        match self.base() {
            Config::Aarch64Host | Config::Aarch64None => Arch::Aarch64,
            Config::Riscv64Host | Config::Riscv64None => Arch::Riscv64,
            _ => Arch::X86_64,
        }
    }

    /// True for static-PIE configurations.
    pub fn pie(self) -> bool {
        self.base() != self
    }

    /// The configuration built the same way except as a static executable
    /// with a fixed address (itself when it is one).
    pub fn base(self) -> Config {
        match self {
            Config::X86_64HostPie => Config::X86_64Host,
            Config::X86_64NonePie => Config::X86_64None,
            Config::Aarch64HostPie => Config::Aarch64Host,
            Config::Aarch64NonePie => Config::Aarch64None,
            Config::Riscv64HostPie => Config::Riscv64Host,
            Config::Riscv64NonePie => Config::Riscv64None,
            c => c,
        }
    }

    /// The static-PIE configuration built the same way as this one's base.
    pub fn pie_variant(self) -> Config {
        match self.base() {
            Config::X86_64Host | Config::X86_64HostGnuLd => Config::X86_64HostPie,
            Config::X86_64None => Config::X86_64NonePie,
            Config::Aarch64Host => Config::Aarch64HostPie,
            Config::Aarch64None => Config::Aarch64NonePie,
            Config::Riscv64Host => Config::Riscv64HostPie,
            Config::Riscv64None => Config::Riscv64NonePie,
            c => c,
        }
    }

    /// True for the freestanding JSON targets.
    pub fn freestanding(self) -> bool {
        matches!(self.base(), Config::X86_64None | Config::Aarch64None | Config::Riscv64None)
    }

    /// True when programs run natively (not under qemu-user), so the tests
    /// can use seccomp and ptrace on them.
    pub fn native(self) -> bool {
        self.arch() == Arch::X86_64
    }

    /// A short name, for directories and messages.
    pub fn name(self) -> &'static str {
        match self {
            Config::X86_64Host => "x86_64-host",
            Config::X86_64HostGnuLd => "x86_64-host-gnu-ld",
            Config::X86_64None => "x86_64-none",
            Config::Aarch64Host => "aarch64-host",
            Config::Aarch64None => "aarch64-none",
            Config::X86_64HostPie => "x86_64-host-pie",
            Config::X86_64NonePie => "x86_64-none-pie",
            Config::Aarch64HostPie => "aarch64-host-pie",
            Config::Aarch64NonePie => "aarch64-none-pie",
            Config::Riscv64Host => "riscv64-host",
            Config::Riscv64None => "riscv64-none",
            Config::Riscv64HostPie => "riscv64-host-pie",
            Config::Riscv64NonePie => "riscv64-none-pie",
        }
    }

    /// cargo's `--target` and the folder it puts the binaries in.
    pub fn cargo_target(self) -> (&'static str, &'static str) {
        match self {
            Config::X86_64Host | Config::X86_64HostGnuLd | Config::X86_64HostPie => {
                ("x86_64-unknown-linux-gnu", "x86_64-unknown-linux-gnu")
            }
            Config::X86_64None => ("x86_64-none.json", "x86_64-none"),
            Config::X86_64NonePie => ("x86_64-none-pie.json", "x86_64-none-pie"),
            Config::Aarch64Host | Config::Aarch64HostPie => ("aarch64-unknown-linux-gnu", "aarch64-unknown-linux-gnu"),
            Config::Aarch64None => ("aarch64-none.json", "aarch64-none"),
            Config::Aarch64NonePie => ("aarch64-none-pie.json", "aarch64-none-pie"),
            Config::Riscv64Host | Config::Riscv64HostPie => ("riscv64gc-unknown-linux-gnu", "riscv64gc-unknown-linux-gnu"),
            Config::Riscv64None => ("riscv64-none.json", "riscv64-none"),
            Config::Riscv64NonePie => ("riscv64-none-pie.json", "riscv64-none-pie"),
        }
    }

    /// The environment crt/crt0-cc needs for this configuration.
    fn c_env(self) -> Vec<(&'static str, &'static str)> {
        let mut env = vec![];
        if self.arch() != Arch::X86_64 {
            env.push(("CC", self.arch().gcc()));
        }
        if self.freestanding() {
            env.push((
                "CRT0_TARGET",
                match self.arch() {
                    Arch::X86_64 => "x86_64-none",
                    Arch::Aarch64 => "aarch64-none",
                    Arch::Riscv64 => "riscv64-none",
                },
            ));
        }
        env
    }

    /// Whether the toolchain lacks a prebuilt `core` for this host target,
    /// so that cargo must build it from rust-src (build-std): the pinned
    /// nightly ships none for riscv64gc-unknown-linux-gnu.
    fn needs_build_std(self) -> bool {
        if self.freestanding() {
            return true;
        }
        let (target, _) = self.cargo_target();
        let out = Command::new("rustc").args(["--print", "target-libdir", "--target", target]).current_dir(root()).output().expect("rustc runs");
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        !std::fs::read_dir(&dir).is_ok_and(|d| d.flatten().any(|e| e.file_name().to_string_lossy().starts_with("libcore-")))
    }
}

pub const CONFIGS: [Config; 13] = [
    Config::X86_64Host,
    Config::X86_64HostGnuLd,
    Config::X86_64None,
    Config::Aarch64Host,
    Config::Aarch64None,
    Config::X86_64HostPie,
    Config::X86_64NonePie,
    Config::Aarch64HostPie,
    Config::Aarch64NonePie,
    Config::Riscv64Host,
    Config::Riscv64None,
    Config::Riscv64HostPie,
    Config::Riscv64NonePie,
];

/// Defines a test module whose body runs once per listed configuration,
/// as tests named `NAME::x86_64_host`, `NAME::aarch64_none`, and so on.
#[macro_export]
macro_rules! config_tests {
    ([$($test:ident => $variant:ident),*] $(#[$meta:meta])* fn $name:ident($cfg:ident: Config) $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            fn body($cfg: Config) $body
            $(
                #[test]
                fn $test() {
                    body(Config::$variant)
                }
            )*
        }
    };
}

/// A test for every configuration.
#[macro_export]
macro_rules! for_each_config {
    ($($item:tt)*) => {
        $crate::config_tests! {
            [x86_64_host => X86_64Host, x86_64_host_gnu_ld => X86_64HostGnuLd, x86_64_none => X86_64None,
             aarch64_host => Aarch64Host, aarch64_none => Aarch64None,
             x86_64_host_pie => X86_64HostPie, x86_64_none_pie => X86_64NonePie,
             aarch64_host_pie => Aarch64HostPie, aarch64_none_pie => Aarch64NonePie,
             riscv64_host => Riscv64Host, riscv64_none => Riscv64None,
             riscv64_host_pie => Riscv64HostPie, riscv64_none_pie => Riscv64NonePie]
            $($item)*
        }
    };
}

/// A test for the configurations whose programs run natively (x86_64):
/// tests that use seccomp or ptrace on the program.
#[macro_export]
macro_rules! for_each_native_config {
    ($($item:tt)*) => {
        $crate::config_tests! {
            [x86_64_host => X86_64Host, x86_64_host_gnu_ld => X86_64HostGnuLd, x86_64_none => X86_64None,
             x86_64_host_pie => X86_64HostPie, x86_64_none_pie => X86_64NonePie]
            $($item)*
        }
    };
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    c
}

fn check(what: &str, out: Output) {
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Builds the Rust test programs (tests/programs) for `cfg` once per test
/// process, into a target directory of its own, and returns the directory
/// holding the binaries.
pub fn rust_dir(cfg: Config) -> PathBuf {
    cargo_bins("crt0-test-programs", cfg)
}

/// Builds a package's binaries for `cfg` once per test process and returns
/// the directory holding them. Every package shares the configuration's
/// target directory, so crt0 (and for the `*-none` targets, core and alloc)
/// is built once for all of them.
fn cargo_bins(package: &'static str, cfg: Config) -> PathBuf {
    static BUILT: Mutex<Vec<(&str, Config, PathBuf)>> = Mutex::new(Vec::new());
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, _, dir)) = built.iter().find(|(p, c, _)| *p == package && *c == cfg) {
        return dir.clone();
    }
    let target_dir = root().join("target").join(format!("programs-{}", cfg.name()));
    let (target, folder) = cfg.cargo_target();
    let mut c = cargo();
    c.args(["build", "--release", "-p", package, "--target", target, "--target-dir"]).arg(&target_dir);
    if cfg.freestanding() {
        c.args(["-Zjson-target-spec", "-Zbuild-std=core,alloc,compiler_builtins"]);
        c.arg("-Zbuild-std-features=compiler-builtins-mem");
    } else if cfg.needs_build_std() {
        c.arg("-Zbuild-std=core,alloc");
    }
    c.env("RUSTFLAGS", if cfg == Config::X86_64HostGnuLd { "-C linker-features=-lld" } else { "" });
    c.env("CRT0_STATIC_PIE", if cfg.pie() { "1" } else { "0" });
    check(&format!("building {package} for {}", cfg.name()), c.output().expect("cargo runs"));
    let dir = target_dir.join(folder).join("release");
    built.push((package, cfg, dir.clone()));
    dir
}

/// A Rust test program built for `cfg`.
pub fn rust(name: &str, cfg: Config) -> PathBuf {
    rust_dir(cfg).join(name)
}

/// An example program (examples/src/bin, package crt0-examples) built for `cfg`.
pub fn example(name: &str, cfg: Config) -> PathBuf {
    cargo_bins("crt0-examples", cfg).join(name)
}

/// Compiles a C file with crt/crt0-cc and `flags` for `cfg` into
/// target/c-tests/CONFIG/OUT, once per test process (see [`build_c`]).
pub fn c_program(source: &str, out_name: &str, flags: &[&str], cfg: Config) -> PathBuf {
    let mut c = Command::new(root().join("crt/crt0-cc"));
    c.envs(cfg.c_env());
    build_c(c, "crt0-cc", "c-tests", source, out_name, flags, cfg, cfg.pie())
}

/// The same C file compiled against glibc (`gcc -static`, or `-static-pie`
/// for the static-PIE configurations; the arch's cross gcc elsewhere)
/// into target/glibc-tests/CONFIG/OUT: the reference a differential test
/// compares crt0's build with. glibc 2.36 has no static-PIE on riscv64 (no
/// rcrt1.o), so the reference there is glibc's fixed-address build: the
/// behaviour compared is the same, only crt0's build is static-PIE.
pub fn glibc_program(source: &str, out_name: &str, flags: &[&str], cfg: Config) -> PathBuf {
    let gcc = cfg.arch().gcc();
    let mut c = Command::new(gcc);
    let glibc_pie = cfg.pie() && cfg.arch() != Arch::Riscv64;
    if !glibc_pie {
        c.arg("-static");
    }
    build_c(c, gcc, "glibc-tests", source, out_name, flags, cfg, glibc_pie)
}

/// A C++ compiler, for the C++ tests: GCC's or Clang's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cxx {
    Gnu,
    Clang,
}

impl Cxx {
    /// The compiler command for `arch` (clang++ cross-compiles with a
    /// `--target`, using Debian's aarch64 GCC installation for headers and
    /// libraries).
    pub fn command(self, arch: Arch) -> &'static str {
        match (self, arch) {
            (Cxx::Gnu, Arch::X86_64) => "g++",
            (Cxx::Gnu, Arch::Aarch64) => "aarch64-linux-gnu-g++",
            (Cxx::Gnu, Arch::Riscv64) => "riscv64-linux-gnu-g++",
            (Cxx::Clang, Arch::X86_64) => "clang++",
            (Cxx::Clang, Arch::Aarch64) => "clang++ --target=aarch64-linux-gnu",
            (Cxx::Clang, Arch::Riscv64) => "clang++ --target=riscv64-linux-gnu",
        }
    }

    /// The Debian packages the command needs.
    fn packages(self, arch: Arch) -> &'static str {
        match (self, arch) {
            (Cxx::Gnu, Arch::X86_64) => "g++",
            (Cxx::Gnu, Arch::Aarch64) => "g++-aarch64-linux-gnu",
            (Cxx::Gnu, Arch::Riscv64) => "g++-riscv64-linux-gnu",
            (Cxx::Clang, Arch::X86_64) => "clang",
            (Cxx::Clang, Arch::Aarch64) => "clang, g++-aarch64-linux-gnu",
            (Cxx::Clang, Arch::Riscv64) => "clang, g++-riscv64-linux-gnu",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Cxx::Gnu => "g++",
            Cxx::Clang => "clang++",
        }
    }
}

/// Compiles a C++ file with crt/crt0-c++ (CXX = `cxx`'s compiler for
/// `cfg`) and `flags` into target/cxx-tests/CONFIG/OUT, once per test
/// process.
pub fn cxx_program(source: &str, out_name: &str, flags: &[&str], cfg: Config, cxx: Cxx) -> PathBuf {
    let mut c = Command::new(root().join("crt/crt0-c++"));
    c.envs(cfg.c_env()).env("CXX", cxx.command(cfg.arch()));
    let what = format!("crt0-c++ with {} (Debian: {})", cxx.name(), cxx.packages(cfg.arch()));
    check_compiler(cxx.command(cfg.arch()), cxx.packages(cfg.arch()));
    build_c(c, &what, "cxx-tests", source, out_name, flags, cfg, cfg.pie())
}

/// The same C++ file against glibc and libstdc++ (`-static`, or
/// `-static-pie`), into target/glibc-cxx-tests/CONFIG/OUT.
pub fn glibc_cxx_program(source: &str, out_name: &str, flags: &[&str], cfg: Config, cxx: Cxx) -> PathBuf {
    let mut words = cxx.command(cfg.arch()).split(' ');
    let mut c = Command::new(words.next().unwrap());
    // glibc 2.36 has no static-PIE on riscv64: its fixed-address build is the reference there.
    let glibc_pie = cfg.pie() && cfg.arch() != Arch::Riscv64;
    c.args(words).arg("-pthread").args((!glibc_pie).then_some("-static"));
    check_compiler(cxx.command(cfg.arch()), cxx.packages(cfg.arch()));
    build_c(c, &format!("{} (Debian: {})", cxx.name(), cxx.packages(cfg.arch())), "glibc-cxx-tests", source, out_name, flags, cfg, glibc_pie)
}

/// Fails with the packages to install when `command`'s program is missing.
fn check_compiler(command: &str, packages: &str) {
    let program = command.split(' ').next().unwrap();
    let found = std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()));
    assert!(found, "{program} is not installed: the C++ tests need it (Debian: apt-get install {packages}; cargo xtask test installs it)");
}

/// Runs `compiler -O2 -g -Wall -Werror -o OUT SOURCE FLAGS` (plus
/// `-static-pie` when `pie`) into target/DIR/CONFIG/OUT,
/// once per test process: tests running in parallel share the binary
/// instead of rewriting it under each other. The binary is linked under a
/// name of this process's and renamed into place, so another test process
/// running the old one (another `cargo test` in the same tree) neither sees
/// a half-written file nor stops the link ("Text file busy").
#[allow(clippy::too_many_arguments)]
fn build_c(mut c: Command, what: &str, dir: &str, source: &str, out_name: &str, flags: &[&str], cfg: Config, pie: bool) -> PathBuf {
    static BUILT: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let dir = root().join("target").join(dir).join(cfg.name());
    let out = dir.join(out_name);
    let key = format!("{what} {source} {out_name} {flags:?} {}", cfg.name());
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    if !built.contains(&key) {
        std::fs::create_dir_all(&dir).unwrap();
        let tmp = dir.join(format!("{out_name}.{}.tmp", std::process::id()));
        let result = c
            .args(["-O2", "-g", "-Wall", "-Werror", "-o"])
            .arg(&tmp)
            .arg(root().join(source))
            .args(flags)
            .args(pie.then_some("-static-pie"))
            .current_dir(root())
            .output()
            .unwrap_or_else(|e| panic!("{what} does not run ({e}); install it (Debian: gcc, gcc-aarch64-linux-gnu, gcc-riscv64-linux-gnu)"));
        check(&format!("{what} {source} for {}", cfg.name()), result);
        std::fs::rename(&tmp, &out).unwrap();
        built.push(key);
    }
    out
}

/// What `gcc` needs on its command line to link a static PIE: `-static-pie`,
/// or, where its link spec does not know that option (GCC 12 for riscv64
/// makes a PIE that asks for a dynamic linker), what crt/crt0-cc passes
/// for it.
pub fn static_pie_flags(gcc: &str) -> Vec<&'static str> {
    let specs = Command::new(gcc).arg("-dumpspecs").output().unwrap_or_else(|e| panic!("{gcc}: {e}"));
    if String::from_utf8_lossy(&specs.stdout).contains("--no-dynamic-linker") {
        vec!["-static-pie"]
    } else {
        vec!["-static", "-Wl,-pie,--no-dynamic-linker"]
    }
}

/// Builds `source` against glibc and with crt0 (the same `flags`), runs
/// both with the same arguments, environment and standard input, and
/// asserts that they print the same on stdout and stderr and end the same
/// way. Returns crt0's run, for further checks.
pub fn differential(cfg: Config, source: &str, flags: &[&str], args: &[&str], env: &[(&str, &str)], input: &[u8]) -> Run {
    let name = Path::new(source).file_stem().unwrap().to_str().unwrap();
    let theirs = run_input(cfg, &glibc_program(source, name, flags, cfg), args, env, input);
    let ours = run_input(cfg, &c_program(source, name, flags, cfg), args, env, input);
    assert_same_run(&format!("{source} {args:?} on {} against glibc", cfg.name()), &ours, &theirs);
    ours
}

/// Asserts that crt0's run printed what glibc's did, on stdout and stderr,
/// and ended the same way.
pub fn assert_same_run(what: &str, ours: &Run, theirs: &Run) {
    assert_eq!((ours.code, ours.signal), (theirs.code, theirs.signal), "{what}: exit\ncrt0: {ours:?}\nglibc: {theirs:?}");
    assert_same_text(what, "stdout", &ours.stdout, &theirs.stdout);
    assert_same_text(what, "stderr", &ours.stderr, &theirs.stderr);
}

/// Fails with the first line where `ours` differs from `theirs`, not two
/// whole outputs that may be thousands of lines long.
fn assert_same_text(what: &str, stream: &str, ours: &str, theirs: &str) {
    if ours == theirs {
        return;
    }
    let (o, t): (Vec<_>, Vec<_>) = (ours.lines().collect(), theirs.lines().collect());
    let i = o.iter().zip(&t).position(|(a, b)| a != b).unwrap_or(o.len().min(t.len()));
    panic!(
        "{what}: {stream} differs at line {} (crt0 {} lines, glibc {}):\ncrt0:  {:?}\nglibc: {:?}",
        i + 1,
        o.len(),
        t.len(),
        o.get(i),
        t.get(i)
    );
}

/// What a run printed and how it ended.
#[derive(Debug)]
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    /// Exit status, or `None` if a signal ended it.
    pub code: Option<i32>,
    pub signal: Option<i32>,
}

impl Run {
    pub fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }
    /// The first stdout line starting with `prefix`.
    pub fn line(&self, prefix: &str) -> &str {
        self.stdout
            .lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no line starting with {prefix:?} in:\n{}\n{}", self.stdout, self.stderr))
    }
    /// The value of `key=` in the first line starting with `prefix`.
    pub fn value(&self, prefix: &str, key: &str) -> String {
        field(self.line(prefix), key).unwrap_or_else(|| panic!("no {key}= in {:?}", self.line(prefix)))
    }
    pub fn assert_exit(&self, code: i32) {
        assert_eq!(self.code, Some(code), "exit status; stdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
    }
}

/// The value of `key=` in a `key=value key=value` line.
pub fn field(line: &str, key: &str) -> Option<String> {
    line.split_whitespace().find_map(|w| w.strip_prefix(key)?.strip_prefix('=').map(str::to_string))
}

/// A command for `program` with an empty environment plus `env`; aarch64
/// and riscv64 programs run under qemu-user (found on PATH), which hands
/// the guest that environment.
pub fn command(cfg: Config, program: &Path, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut c = if cfg.native() {
        Command::new(program)
    } else {
        let mut q = Command::new(cfg.arch().qemu());
        q.arg(program);
        q
    };
    c.args(args).env_clear().envs(env.iter().copied());
    c
}

pub fn run_command(mut c: Command) -> Run {
    run_output(c.output().unwrap_or_else(|e| panic!("running {c:?}: {e}")))
}

fn run_output(out: Output) -> Run {
    // qemu-user reports a guest's fatal signal on stderr, then dies of it.
    let stderr: String = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| !l.starts_with("qemu: uncaught target signal"))
        .map(|l| format!("{l}\n"))
        .collect();
    Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr,
        code: out.status.code(),
        signal: out.status.signal(),
    }
}

/// Runs `program` (built for `cfg`) with `args` in an empty environment plus `env`.
pub fn run(cfg: Config, program: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    run_command(command(cfg, program, args, env))
}

/// Like [`run`], with `input` on the program's standard input.
pub fn run_input(cfg: Config, program: &Path, args: &[&str], env: &[(&str, &str)], input: &[u8]) -> Run {
    use std::io::Write;
    use std::process::Stdio;
    let mut c = command(cfg, program, args, env);
    c.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = c.spawn().unwrap_or_else(|e| panic!("running {c:?}: {e}"));
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    // A writer of its own: a program that prints before it reads all its
    // input would otherwise fill its stdout pipe while we fill its stdin.
    // It may stop reading early (EPIPE), which is its business.
    let writer = std::thread::spawn(move || drop(stdin.write_all(&input)));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    run_output(out)
}

/// The system calls `program` makes, by name: from strace natively, from
/// qemu-user's own `-strace` for aarch64 and riscv64 (which does not list
/// the execve that started it, so it is added).
pub fn syscalls(cfg: Config, program: &Path, env: &[(&str, &str)]) -> Vec<String> {
    if cfg.native() {
        // One log per call: tests in one process may trace at the same time.
        static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let log = std::env::temp_dir().join(format!("crt0-strace-{}-{}-{n}", std::process::id(), cfg.name()));
        let mut c = std::process::Command::new("strace");
        c.arg("-qq").arg("-o").arg(&log).arg(program).env_clear().envs(env.iter().copied());
        run_command(c).assert_exit(0);
        let text = std::fs::read_to_string(&log).unwrap();
        std::fs::remove_file(&log).ok();
        text.lines().map(|l| l.split('(').next().unwrap().to_string()).filter(|s| !s.starts_with("+++")).collect()
    } else {
        let mut c = std::process::Command::new(cfg.arch().qemu());
        c.arg("-strace").arg(program).env_clear().envs(env.iter().copied());
        let r = run_command(c);
        r.assert_exit(0);
        // Lines look like "PID name(args) = result"; qemu 7.2 names the
        // system calls it does not implement by number: rseq is 293 on
        // aarch64 and riscv64, riscv_hwprobe 258.
        let names = r.stderr.lines().filter_map(|l| {
            let call = l.split_once(' ')?.1;
            if call.starts_with("Unknown syscall 293") {
                return Some("rseq".to_string());
            }
            if call.starts_with("Unknown syscall 258") && cfg.arch() == Arch::Riscv64 {
                return Some("riscv_hwprobe".to_string());
            }
            let name = call.split('(').next()?;
            (!name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'))
                .then(|| name.to_string())
        });
        std::iter::once("execve".to_string()).chain(names).collect()
    }
}

/// A system call a seccomp filter makes fail, and the errno it fails with.
#[derive(Clone, Copy, Debug)]
pub struct Deny {
    pub nr: i64,
    pub errno: i32,
}

/// Runs a native `program` under a seccomp filter that makes rseq(2) fail
/// with `errno` (as a container runtime's policy or an old kernel would).
pub fn run_without_rseq(program: &Path, args: &[&str], env: &[(&str, &str)], errno: i32) -> Run {
    run_denying(program, args, env, &[Deny { nr: libc::SYS_rseq, errno }])
}

/// Runs a native `program` under a seccomp filter that makes each system
/// call in `deny` fail, for the whole life of the process.
pub fn run_denying(program: &Path, args: &[&str], env: &[(&str, &str)], deny: &[Deny]) -> Run {
    let mut c = command(Config::X86_64Host, program, args, env);
    // Built here: the child of a multi-threaded parent must not allocate.
    let filter = seccomp::filter(deny);
    // SAFETY: the closure runs in the child between fork and exec and only
    // makes two prctl calls, which are async-signal-safe.
    unsafe { c.pre_exec(move || seccomp::install(&filter)) };
    run_command(c)
}

mod seccomp {
    use super::Deny;
    // Classic BPF over struct seccomp_data { int nr; u32 arch; ... }.
    const LD_W_ABS: u16 = 0x20; // BPF_LD | BPF_W | BPF_ABS
    const JEQ_K: u16 = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
    const RET_K: u16 = 0x06; // BPF_RET | BPF_K
    const RET_ALLOW: u32 = 0x7fff_0000;
    const RET_ERRNO: u32 = 0x0005_0000;
    #[cfg(target_arch = "x86_64")]
    const ARCH: u32 = 0xc000_003e; // AUDIT_ARCH_X86_64

    /// One compare-and-return pair per denied call; anything else, and any
    /// other architecture's calls, are allowed.
    pub fn filter(deny: &[Deny]) -> Vec<libc::sock_filter> {
        let f = |code, jt, jf, k| libc::sock_filter { code, jt, jf, k };
        let to_allow = u8::try_from(1 + 2 * deny.len()).expect("a short deny list");
        let mut prog = vec![
            f(LD_W_ABS, 0, 0, 4),        // A = arch
            f(JEQ_K, 0, to_allow, ARCH), // jump over the number checks
            f(LD_W_ABS, 0, 0, 0),        // A = syscall number
        ];
        for d in deny {
            prog.push(f(JEQ_K, 0, 1, d.nr as u32));
            prog.push(f(RET_K, 0, 0, RET_ERRNO | d.errno as u32));
        }
        prog.push(f(RET_K, 0, 0, RET_ALLOW));
        prog
    }

    /// Installs `filter` in the calling process (and what it execs). Only
    /// prctl calls: safe between fork and exec.
    pub fn install(filter: &[libc::sock_filter]) -> std::io::Result<()> {
        let prog = libc::sock_fprog { len: filter.len() as u16, filter: filter.as_ptr() as *mut _ };
        // SAFETY: prctl with valid arguments; `prog` outlives the call.
        // No new privileges: what lets an unprivileged process add a filter.
        unsafe {
            if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0
                || libc::prctl(libc::PR_SET_SECCOMP, libc::SECCOMP_MODE_FILTER, &prog as *const _) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
        }
        Ok(())
    }
}

/// Runs `program` with its auxiliary vector edited before its first
/// instruction: each `(type, replacement)` rewrites the entry of that type
/// to `(new_type, new_value)`; `AT_IGNORE` (1) as the new type hides it.
/// This simulates other kernels and machines: no FSGSBASE in AT_HWCAP2, no
/// AT_RSEQ_* entries (before Linux 6.3), a larger AT_RSEQ_ALIGN.
/// Native programs only (ptrace cannot reach a qemu-user guest's stack).
pub fn run_with_auxv(program: &Path, args: &[&str], env: &[(&str, &str)], edits: &[(u64, (u64, u64))]) -> Run {
    run_with_auxv_denying(program, args, env, edits, &[])
}

/// [`run_with_auxv`] under the seccomp filter of [`run_denying`]: installed
/// before the exec, so it is in force from the program's first instruction.
pub fn run_with_auxv_denying(
    program: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    edits: &[(u64, (u64, u64))],
    deny: &[Deny],
) -> Run {
    use std::io::Read;
    let dir = std::env::temp_dir().join(format!("crt0-auxv-{}-{:?}", std::process::id(), std::thread::current().id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (out_path, err_path) = (dir.join("out"), dir.join("err"));
    let mut c = command(Config::X86_64Host, program, args, env);
    c.stdout(std::fs::File::create(&out_path).unwrap()).stderr(std::fs::File::create(&err_path).unwrap());
    let filter = (!deny.is_empty()).then(|| seccomp::filter(deny));
    // SAFETY: PTRACE_TRACEME and prctl are async-signal-safe; the child
    // stops at execve.
    unsafe {
        c.pre_exec(move || {
            if libc::ptrace(libc::PTRACE_TRACEME, 0, 0, 0) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            filter.as_deref().map_or(Ok(()), seccomp::install)
        })
    };
    // Reaped below with waitpid: ptrace needs the raw stop and exit statuses.
    #[allow(clippy::zombie_processes)]
    let child = c.spawn().expect("spawn");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: plain ptrace/waitpid calls on our own stopped child.
    unsafe {
        assert_eq!(libc::waitpid(pid, &mut status, 0), pid);
        assert!(libc::WIFSTOPPED(status), "child stopped at exec");
        let mut regs: libc::user_regs_struct = std::mem::zeroed();
        assert_eq!(libc::ptrace(libc::PTRACE_GETREGS, pid, 0, &mut regs), 0);
        let peek = |addr: u64| libc::ptrace(libc::PTRACE_PEEKDATA, pid, addr, 0) as u64;
        // argc, argv..., NULL, envp..., NULL, auxv pairs.
        let mut p = regs.rsp + 8 * (peek(regs.rsp) + 2);
        while peek(p) != 0 {
            p += 8;
        }
        p += 8;
        loop {
            let t = peek(p);
            if t == 0 {
                break;
            }
            if let Some(&(_, (nt, nv))) = edits.iter().find(|(from, _)| *from == t) {
                assert_eq!(libc::ptrace(libc::PTRACE_POKEDATA, pid, p, nt), 0);
                assert_eq!(libc::ptrace(libc::PTRACE_POKEDATA, pid, p + 8, nv), 0);
            }
            p += 16;
        }
        assert_eq!(libc::ptrace(libc::PTRACE_DETACH, pid, 0, 0), 0);
        assert_eq!(libc::waitpid(pid, &mut status, 0), pid);
    }
    let read = |p: &Path| {
        let mut s = String::new();
        std::fs::File::open(p).unwrap().read_to_string(&mut s).unwrap();
        s
    };
    let run = Run {
        stdout: read(&out_path),
        stderr: read(&err_path),
        code: libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status)),
        signal: libc::WIFSIGNALED(status).then(|| libc::WTERMSIG(status)),
    };
    std::fs::remove_dir_all(&dir).ok();
    run
}

/// auxv types the tests edit (include/uapi/linux/auxvec.h).
pub const AT_IGNORE: u64 = 1;
pub const AT_RANDOM: u64 = 25;
pub const AT_HWCAP2: u64 = 26;
pub const AT_RSEQ_FEATURE_SIZE: u64 = 27;
pub const AT_RSEQ_ALIGN: u64 = 28;

/// A test for the configurations the C library's differential tests run
/// on: a fixed-address and a static-PIE one per architecture, each arch's
/// freestanding target once (crt0-cc links C programs with the compiler's
/// own linker, so x86_64-host-gnu-ld would repeat x86_64-host).
#[macro_export]
macro_rules! for_libc_configs {
    ($($item:tt)*) => {
        $crate::config_tests! {
            [x86_64_host => X86_64Host, x86_64_none_pie => X86_64NonePie,
             aarch64_host_pie => Aarch64HostPie, aarch64_none => Aarch64None,
             riscv64_host => Riscv64Host, riscv64_none_pie => Riscv64NonePie]
            $($item)*
        }
    };
}

/// A scratch directory of the test's own under target/, for files the
/// C programs create.
pub fn scratch(what: &str, cfg: Config) -> PathBuf {
    let dir = root().join("target").join("scratch").join(format!("{what}-{}-{}", cfg.name(), std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
