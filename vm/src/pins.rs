//! The pinned kernels (`vm/kernels.txt`): for each architecture and Debian suite, one package
//! by name and version, where it lies in the archive, and the SHA-256 of the .deb (from
//! Debian's signed index) and of the kernel image in it (computed when the pin was made).

use crate::arch::{self, Arch};
use std::fmt::Write;
use std::sync::OnceLock;

/// The file's text, compiled in: a test binary and xtask need no path to find it.
const PINS: &str = include_str!("../kernels.txt");

/// One pinned kernel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kernel {
    pub arch: &'static Arch,
    /// The suite it was pinned from (`bookworm`, `trixie`, `unstable`): what tests name.
    pub suite: String,
    /// The package holding the image: `linux-image-*` up to 6.x, `linux-binary-*` from 7.x.
    pub package: String,
    pub version: String,
    /// Its path in the archive (`pool/main/...`).
    pub file: String,
    pub size: u64,
    /// SHA-256 of the .deb, as Debian's Packages index gives it.
    pub sha256: String,
    /// SHA-256 of the bootable image extracted from it (after removing any gzip layer).
    pub image_sha256: String,
    /// The archive's InRelease `Date:` when the pin was made (for the record).
    pub seen: String,
}

impl Kernel {
    /// `uname -r` of this kernel: the package name without its `linux-image-` or
    /// `linux-binary-` prefix.
    pub fn release(&self) -> &str {
        let p = &self.package;
        p.strip_prefix("linux-image-").or_else(|| p.strip_prefix("linux-binary-")).unwrap_or(p)
    }

    /// The upstream version's major and minor numbers (`6.12.117-1` -> (6, 12)).
    pub fn series(&self) -> (u32, u32) {
        let mut parts = self.version.split(|c: char| !c.is_ascii_digit()).map(|n| n.parse().unwrap_or(0));
        (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
    }

    /// "Linux 6.12.117 (trixie)" and the like, for messages.
    pub fn describe(&self) -> String {
        let upstream = self.version.split('-').next().unwrap_or(&self.version);
        format!("Linux {upstream} for {} (Debian {}, {} {})", self.arch.debian, self.suite, self.package, self.version)
    }
}

/// Every pin, in file order.
pub fn all() -> &'static [Kernel] {
    static ALL: OnceLock<Vec<Kernel>> = OnceLock::new();
    ALL.get_or_init(|| parse(PINS).unwrap_or_else(|e| panic!("vm/kernels.txt: {e}")))
}

/// The pin for `arch` (Rust's or Debian's name) from `suite`.
pub fn find(arch: &str, suite: &str) -> Result<&'static Kernel, String> {
    let a = arch::arch(arch)?;
    all().iter().find(|k| k.arch == a && k.suite == suite).ok_or_else(|| {
        let have: Vec<&str> = all().iter().filter(|k| k.arch == a).map(|k| k.suite.as_str()).collect();
        format!("vm/kernels.txt pins no {} kernel from {suite} (it has: {})", a.name, have.join(", "))
    })
}

/// Reads the blocks of `key value` lines, separated by blank lines; `#` starts a comment.
pub fn parse(text: &str) -> Result<Vec<Kernel>, String> {
    let mut kernels = Vec::new();
    let mut fields: Vec<(String, String)> = Vec::new();
    let lines = text.lines().map(|l| l.split('#').next().unwrap_or("").trim()).chain([""]);
    for (n, line) in lines.enumerate() {
        if line.is_empty() {
            if !fields.is_empty() {
                kernels.push(block(&std::mem::take(&mut fields)).map_err(|e| format!("block ending at line {n}: {e}"))?);
            }
            continue;
        }
        let (key, value) = line.split_once(char::is_whitespace).ok_or_else(|| format!("line {}: no value", n + 1))?;
        fields.push((key.to_string(), value.trim().to_string()));
    }
    Ok(kernels)
}

fn block(fields: &[(String, String)]) -> Result<Kernel, String> {
    let get = |key: &str| {
        fields.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()).ok_or_else(|| format!("no {key}"))
    };
    for (k, _) in fields {
        if !KEYS.contains(&k.as_str()) {
            return Err(format!("unknown key {k}"));
        }
    }
    let hash = |key: &str| {
        let v = get(key)?;
        if v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()) { Ok(v.to_ascii_lowercase()) } else { Err(format!("{key} is not a SHA-256: {v}")) }
    };
    Ok(Kernel {
        arch: arch::arch(&get("arch")?)?,
        suite: get("suite")?,
        package: get("package")?,
        version: get("version")?,
        file: get("file")?,
        size: get("size")?.parse().map_err(|e| format!("size: {e}"))?,
        sha256: hash("sha256")?,
        image_sha256: hash("image_sha256")?,
        seen: get("seen")?,
    })
}

const KEYS: [&str; 9] = ["arch", "suite", "package", "version", "file", "size", "sha256", "image_sha256", "seen"];

/// The file's header comment, kept when `xtask kernels update` rewrites it.
pub fn header(text: &str) -> String {
    text.lines().take_while(|l| l.starts_with('#') || l.trim().is_empty()).map(|l| format!("{l}\n")).collect()
}

/// `kernels` as blocks of the file.
pub fn render(kernels: &[Kernel]) -> String {
    let mut out = String::new();
    for k in kernels {
        let _ = writeln!(out, "arch         {}", k.arch.name);
        let _ = writeln!(out, "suite        {}", k.suite);
        let _ = writeln!(out, "package      {}", k.package);
        let _ = writeln!(out, "version      {}", k.version);
        let _ = writeln!(out, "file         {}", k.file);
        let _ = writeln!(out, "size         {}", k.size);
        let _ = writeln!(out, "sha256       {}", k.sha256);
        let _ = writeln!(out, "image_sha256 {}", k.image_sha256);
        let _ = writeln!(out, "seen         {}", k.seen);
        out.push('\n');
    }
    out
}

/// The file's text as compiled in (for the updater, which rewrites it).
pub fn text() -> &'static str {
    PINS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pins_parse_and_round_trip() {
        let pins = all();
        assert!(!pins.is_empty());
        assert_eq!(parse(&render(pins)).unwrap(), pins);
        for a in arch::ARCHES {
            // Debian has riscv64 kernels from trixie on.
            let suites: &[&str] = if a.name == "riscv64" { &["trixie", "unstable"] } else { &["bookworm", "trixie", "unstable"] };
            for &suite in suites {
                let k = find(a.name, suite).unwrap();
                assert!(k.file.ends_with(&format!("_{}.deb", a.debian)), "{k:?}");
                assert!(k.release().ends_with(a.debian), "{k:?}");
            }
        }
        assert_eq!(find("x86_64", "bookworm").unwrap().series(), (6, 1));
        assert!(find("x86_64", "potato").unwrap_err().contains("bookworm"));
        assert!(find("riscv64", "bookworm").is_err());
    }

    #[test]
    fn bad_blocks() {
        assert!(parse("arch x86_64\n").unwrap_err().contains("no suite"));
        assert!(parse("arch x86_64\ncolour blue\n").unwrap_err().contains("unknown key colour"));
        let k = render(&all()[..1]).replace("sha256       ", "sha256       zz");
        assert!(parse(&k).unwrap_err().contains("not a SHA-256"));
    }
}
