//! What the figures came from: the machine, the kernel and every toolchain in the comparison.

use super::origin;
use crate::baselines::Paths;
use std::process::Command;

pub fn describe(paths: &Paths) -> Vec<(&'static str, String)> {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let field = |name: &str| {
        cpuinfo.lines().find(|l| l.starts_with(name)).and_then(|l| l.split_once(':')).map(|(_, v)| v.trim().to_string())
    };
    let cpus = cpuinfo.lines().filter(|l| l.starts_with("processor")).count();
    let fsgsbase = field("flags").is_some_and(|f| f.split_whitespace().any(|w| w == "fsgsbase"));
    let mem = std::fs::read_to_string("/proc/meminfo").ok().and_then(|m| {
        let kib: u64 = m.lines().next()?.split_whitespace().nth(1)?.parse().ok()?;
        Some(format!("{} GiB", (kib + (1 << 19)) >> 20))
    });
    let unknown = || "unknown".to_string();
    vec![
        ("date (UTC)", output("date", &["-u", "+%Y-%m-%d %H:%M"]).unwrap_or_else(unknown)),
        (
            "CPU",
            format!(
                "{} x {}{}",
                cpus,
                field("model name").unwrap_or_else(unknown),
                if fsgsbase { ", FSGSBASE" } else { "" }
            ),
        ),
        ("memory", mem.unwrap_or_else(unknown)),
        ("kernel", output("uname", &["-sr"]).unwrap_or_else(unknown)),
        ("rustc", rustc(paths).unwrap_or_else(unknown)),
        ("gcc", output("gcc", &["-dumpfullversion"]).unwrap_or_else(unknown)),
        ("glibc", output("getconf", &["GNU_LIBC_VERSION"]).unwrap_or_else(unknown)),
        ("musl", output("dpkg-query", &["-W", "-f", "${Version}", "musl"]).map(|v| format!("musl {v} (Debian's musl-tools)")).unwrap_or_else(|| "not installed".into())),
        ("origin", origin::version(paths).map(|v| format!("origin {v} (crates.io)")).unwrap_or_else(|| "not built".into())),
    ]
}

/// The compiler the repository's rust-toolchain.toml selects.
fn rustc(paths: &Paths) -> Option<String> {
    let out = Command::new("rustc").arg("-V").current_dir(&paths.root).env_remove("RUSTUP_TOOLCHAIN").output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}
