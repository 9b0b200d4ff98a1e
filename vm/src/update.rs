//! Moving the pins (`cargo xtask kernels update`): for each suite, the archive's InRelease
//! checked with gpgv against Debian's archive keyring, each architecture's Packages.gz
//! checked against it, the flavour's metapackage (`linux-image-cloud-ARCH`, see
//! [`Arch::metapackage`]) followed
//! to the package that holds the image (itself up to 6.x, its `linux-binary-*` dependency
//! from 7.x), that .deb fetched and checked, and its image hashed. The .deb's SHA-256 thus
//! comes from Debian's signature; the image's from the .deb.

use crate::arch::Arch;
use crate::fetch::{self, mirror};
use crate::pins::{self, Kernel};
use crate::{cache, run_tool};
use std::collections::HashMap;
use std::io::Read;
use std::path::PathBuf;
use std::process::Command;

/// Where the pins live in the source tree (what `update` rewrites).
pub fn pins_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("kernels.txt")
}

/// The pins for `suites` as the archive has them now, for `arches` ([`crate::arch::ARCHES`]: all).
pub fn resolve(suites: &[&str], arches: &[&'static Arch]) -> Result<Vec<Kernel>, String> {
    let work = cache::root().join("update");
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    let mut kernels = Vec::new();
    for suite in suites {
        let release = signed_release(suite)?;
        let date = field(&release, "Date").ok_or_else(|| format!("{suite}: InRelease has no Date"))?;
        for &arch in arches {
            let packages = packages(suite, arch, &release)?;
            let mut k = cloud_kernel(&packages, arch, suite)?;
            k.seen = date.clone();
            let deb = fetch::fetch_deb(&k, &work)?;
            let image = fetch::extract_image(arch, &deb);
            let _ = std::fs::remove_file(&deb);
            let image = image?;
            k.image_sha256 = fetch::sha256(&image);
            fetch::store(&k, &image)?; // the next boot need not fetch it again
            eprintln!("crt0-vm: {} {}: {} {}", arch.name, suite, k.package, k.version);
            kernels.push(k);
        }
    }
    Ok(kernels)
}

/// `kernels` in place of the pins with the same architecture and suite (others kept, new
/// ones added), written back to `vm/kernels.txt`. Returns the lines that changed.
pub fn write(kernels: &[Kernel]) -> Result<Vec<String>, String> {
    let mut all = pins::all().to_vec();
    let mut changes = Vec::new();
    for k in kernels {
        match all.iter_mut().find(|p| p.arch == k.arch && p.suite == k.suite) {
            Some(p) if p.package == k.package && p.version == k.version && p.sha256 == k.sha256 => {}
            Some(p) => {
                changes.push(format!("{} {}: {} {} -> {} {}", k.arch.name, k.suite, p.package, p.version, k.package, k.version));
                *p = k.clone();
            }
            None => {
                changes.push(format!("{} {}: new, {} {}", k.arch.name, k.suite, k.package, k.version));
                all.push(k.clone());
            }
        }
    }
    let text = pins::header(pins::text()) + &pins::render(&all);
    std::fs::write(pins_path(), text).map_err(|e| format!("{}: {e}", pins_path().display()))?;
    Ok(changes)
}

/// The suite's Release text, from an InRelease whose signature gpgv accepted.
fn signed_release(suite: &str) -> Result<String, String> {
    let url = format!("{}/dists/{suite}/InRelease", mirror());
    let path = cache::temp_path(&cache::root().join("update"), suite, "InRelease");
    fetch::download(&url, &path).map_err(|e| format!("{url}: {e}"))?;
    let keyring = std::env::var("CRT0_DEBIAN_KEYRING").unwrap_or_else(|_| "/usr/share/keyrings/debian-archive-keyring.gpg".into());
    let mut gpgv = Command::new("gpgv");
    gpgv.arg("--keyring").arg(&keyring).args(["--output", "-"]).arg(&path);
    let out = run_tool(gpgv, "gpgv", &format!("checking the signature of {url} against {keyring}"));
    let _ = std::fs::remove_file(&path);
    String::from_utf8(out?.stdout).map_err(|_| format!("{url}: not UTF-8"))
}

/// The suite's main Packages index for `arch`, checked against the Release file.
fn packages(suite: &str, arch: &Arch, release: &str) -> Result<HashMap<String, Vec<Stanza>>, String> {
    let name = format!("main/binary-{}/Packages.gz", arch.debian);
    let sha = release
        .lines()
        .skip_while(|l| !l.starts_with("SHA256:"))
        .skip(1)
        .take_while(|l| l.starts_with(' '))
        .find_map(|l| {
            let mut w = l.split_whitespace();
            let (hash, _, file) = (w.next()?, w.next()?, w.next()?);
            (file == name).then(|| hash.to_string())
        })
        .ok_or_else(|| format!("{suite}'s Release lists no {name}"))?;
    let url = format!("{}/dists/{suite}/{name}", mirror());
    let path = cache::temp_path(&cache::root().join("update"), suite, "Packages.gz");
    fetch::download(&url, &path).map_err(|e| format!("{url}: {e}"))?;
    let bytes = std::fs::read(&path).map_err(|e| e.to_string());
    let _ = std::fs::remove_file(&path);
    let bytes = bytes?;
    if fetch::sha256(&bytes) != sha {
        return Err(format!("{url} does not match the SHA-256 its signed Release gives"));
    }
    let mut text = String::new();
    flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut text).map_err(|e| format!("{url}: {e}"))?;
    let mut index: HashMap<String, Vec<Stanza>> = HashMap::new();
    for stanza in text.split("\n\n").map(Stanza::parse) {
        if let Some(p) = stanza.get("Package") {
            index.entry(p.to_string()).or_default().push(stanza);
        }
    }
    Ok(index)
}

/// The package holding the image of the flavour's current kernel.
fn cloud_kernel(index: &HashMap<String, Vec<Stanza>>, arch: &'static Arch, suite: &str) -> Result<Kernel, String> {
    let meta = arch.metapackage;
    let lookup = |name: &str, version: Option<&str>| {
        index
            .get(name)
            .and_then(|all| all.iter().find(|s| version.is_none() || s.get("Version") == version))
            .ok_or_else(|| format!("{suite} has no {name} {} for {}", version.unwrap_or(""), arch.debian))
    };
    let image_pkg = lookup(meta, None)?.depends("linux-image-").ok_or_else(|| format!("{meta} in {suite} depends on no linux-image-*"))?;
    let image = lookup(&image_pkg.0, image_pkg.1.as_deref())?;
    // From 7.x the image package is a small one that depends on linux-binary-*.
    let holder = match image.depends("linux-binary-") {
        Some((name, version)) => lookup(&name, version.as_deref())?,
        None => image,
    };
    let get = |key: &str| holder.get(key).map(str::to_string).ok_or_else(|| format!("{suite}: a stanza without {key}"));
    Ok(Kernel {
        arch,
        suite: suite.to_string(),
        package: get("Package")?,
        version: get("Version")?,
        file: get("Filename")?,
        size: get("Size")?.parse().map_err(|e| format!("Size: {e}"))?,
        sha256: get("SHA256")?,
        image_sha256: String::new(),
        seen: String::new(),
    })
}

/// One paragraph of a Packages file.
struct Stanza(Vec<(String, String)>);

impl Stanza {
    fn parse(text: &str) -> Stanza {
        let mut fields: Vec<(String, String)> = Vec::new();
        for line in text.lines() {
            if line.starts_with([' ', '\t']) {
                if let Some((_, v)) = fields.last_mut() {
                    v.push('\n');
                    v.push_str(line.trim());
                }
            } else if let Some((k, v)) = line.split_once(':') {
                fields.push((k.to_string(), v.trim().to_string()));
            }
        }
        Stanza(fields)
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// The first dependency whose name starts with `prefix`, and its `(= VERSION)` if any.
    fn depends(&self, prefix: &str) -> Option<(String, Option<String>)> {
        let deps = self.get("Depends")?;
        deps.split([',', '|']).map(str::trim).find(|d| d.starts_with(prefix)).map(|d| {
            let name = d.split_whitespace().next().unwrap_or(d).to_string();
            let version = d.split_once("(=").map(|(_, v)| v.trim_end_matches(')').trim().to_string());
            (name, version)
        })
    }
}

/// The value of `Key:` in a Release file.
fn field(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|l| l.strip_prefix(key)?.strip_prefix(':').map(|v| v.trim().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const INDEX: &str = "Package: linux-image-cloud-arm64\nVersion: 7.2.13-1\nDepends: linux-image-7.2.13+deb14-cloud-arm64 (= 7.2.13-1)\n\n\
Package: linux-image-7.2.13+deb14-cloud-arm64\nVersion: 7.2.13-1\nDepends: dracut | initramfs-tools (>= 0.120+deb8u2) | linux-initramfs-tool, linux-base-7.2.13+deb14-cloud-arm64 (= 7.2.13-1), linux-binary-7.2.13+deb14-cloud-arm64 (= 7.2.13-1)\nFilename: pool/x.deb\nSize: 1908\nSHA256: aa\n\n\
Package: linux-binary-7.2.13+deb14-cloud-arm64\nVersion: 7.2.13-1\nDescription: Linux\n more text\nFilename: pool/main/l/linux-signed-arm64/y.deb\nSize: 10181552\nSHA256: bb\n";

    #[test]
    fn follows_the_7x_layout_to_linux_binary() {
        let mut index: HashMap<String, Vec<Stanza>> = HashMap::new();
        for s in INDEX.split("\n\n").map(Stanza::parse) {
            index.entry(s.get("Package").unwrap().to_string()).or_default().push(s);
        }
        let k = cloud_kernel(&index, &crate::arch::AARCH64, "unstable").unwrap();
        assert_eq!(k.package, "linux-binary-7.2.13+deb14-cloud-arm64");
        assert_eq!((k.size, k.sha256.as_str(), k.file.as_str()), (10181552, "bb", "pool/main/l/linux-signed-arm64/y.deb"));
        assert_eq!(k.release(), "7.2.13+deb14-cloud-arm64");
        let binary = &index["linux-binary-7.2.13+deb14-cloud-arm64"][0];
        assert_eq!(binary.get("Description"), Some("Linux\nmore text"));
    }

    #[test]
    fn release_fields() {
        assert_eq!(field("Origin: Debian\nDate: Fri, 30 Oct 2026 08:08:01 UTC\n", "Date").as_deref(), Some("Fri, 30 Oct 2026 08:08:01 UTC"));
    }
}
