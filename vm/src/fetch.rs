//! Fetching a pinned kernel: the .deb by its pool path from Debian's mirror, else from the
//! security archive's pool (stable suites keep older kernels there longer), else from
//! snapshot.debian.org by package name and version; checked against the pinned SHA-256,
//! the image taken out of it (`/boot/vmlinuz-*` up to 6.x, `/usr/lib/modules/*/vmlinuz`
//! from 7.x), unwrapped if gzip'ed, checked against its pinned SHA-256 and cached.

use crate::arch::Arch;
use crate::init::hex;
use crate::pins::Kernel;
use crate::{cache, run_tool};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;

/// The archive mirror (`$CRT0_DEBIAN_MIRROR`, default deb.debian.org).
pub fn mirror() -> String {
    env_or("CRT0_DEBIAN_MIRROR", "http://deb.debian.org/debian")
}

fn security_mirror() -> String {
    env_or("CRT0_DEBIAN_SECURITY_MIRROR", "http://deb.debian.org/debian-security")
}

fn snapshot() -> String {
    env_or("CRT0_DEBIAN_SNAPSHOT", "http://snapshot.debian.org")
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).ok().filter(|v| !v.is_empty()).unwrap_or_else(|| default.into()).trim_end_matches('/').to_string()
}

/// Serialises fetches within a process (tests run in threads); across processes the
/// rename into place keeps the cache whole.
static FETCHING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Where the cache keeps `k`'s image.
pub fn cached_path(k: &Kernel) -> PathBuf {
    cache::root().join(k.arch.name).join(format!("{}_{}", k.package, k.version.replace(':', "%")))
}

/// The cached, verified image of `k`, fetched first if the cache lacks it or holds
/// anything else. Each image is hashed once per process.
pub fn image(k: &Kernel) -> Result<PathBuf, String> {
    let mut verified = FETCHING.lock().unwrap_or_else(|e| e.into_inner());
    let path = cached_path(k);
    if verified.contains(&path) {
        return Ok(path);
    }
    if let Ok(bytes) = std::fs::read(&path) {
        if sha256(&bytes) == k.image_sha256 {
            verified.push(path.clone());
            return Ok(path);
        }
        eprintln!("crt0-vm: {} does not match its pin; fetching it again", path.display());
    }
    let dir = path.parent().expect("a file in the cache").to_path_buf();
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create the kernel cache {}: {e}", dir.display()))?;
    eprintln!("crt0-vm: fetching {} into {} ...", k.describe(), dir.display());
    let deb = fetch_deb(k, &dir)?;
    let extracted = extract_image(k.arch, &deb);
    let _ = std::fs::remove_file(&deb);
    let image = extracted?;
    let got = sha256(&image);
    if got != k.image_sha256 {
        return Err(format!(
            "the image in {} {} has SHA-256 {got}, but vm/kernels.txt pins {}: the pin is inconsistent (remake it with `cargo xtask kernels update`)",
            k.package, k.version, k.image_sha256
        ));
    }
    store(k, &image)?;
    verified.push(path.clone());
    Ok(path)
}

/// Puts `image` into the cache as `k`'s (atomically: written aside, then renamed).
pub fn store(k: &Kernel, image: &[u8]) -> Result<(), String> {
    let path = cached_path(k);
    let dir = path.parent().expect("a file in the cache");
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create the kernel cache {}: {e}", dir.display()))?;
    let tmp = cache::temp_path(dir, &k.package, "image");
    std::fs::write(&tmp, image).map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, &path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Downloads `k`'s .deb into `dir` from the first source that has it with the pinned
/// size and hash. The error lists every source tried and what each said.
pub fn fetch_deb(k: &Kernel, dir: &Path) -> Result<PathBuf, String> {
    let tmp = cache::temp_path(dir, &k.package, "deb");
    let mut tried = Vec::new();
    let mut urls = vec![format!("{}/{}", mirror(), k.file)];
    if k.suite != "unstable" {
        // The security archive's pool is pool/updates/<component>/...
        urls.push(format!("{}/{}", security_mirror(), k.file.replacen("pool/", "pool/updates/", 1)));
    }
    for url in urls.into_iter().map(Ok).chain([Err(())]) {
        let url = match url {
            Ok(url) => url,
            // Last: the snapshot archive, which keeps every version Debian ever published.
            Err(()) => match snapshot_url(k) {
                Ok(url) => url,
                Err(e) => {
                    tried.push(e);
                    break;
                }
            },
        };
        match download(&url, &tmp).and_then(|()| check(&tmp, k)) {
            Ok(()) => return Ok(tmp),
            Err(e) => tried.push(format!("{url}: {e}")),
        }
    }
    let _ = std::fs::remove_file(&tmp);
    Err(format!(
        "cannot fetch {}:\n  {}\nA pin whose version the archive no longer has must be moved: \
         `cargo xtask kernels update` (see README, \"Real kernels\"); CRT0_DEBIAN_MIRROR and \
         CRT0_DEBIAN_SNAPSHOT name other archives.",
        k.describe(),
        tried.join("\n  ")
    ))
}

/// The pinned size and SHA-256.
fn check(deb: &Path, k: &Kernel) -> Result<(), String> {
    let bytes = std::fs::read(deb).map_err(|e| e.to_string())?;
    if bytes.len() as u64 != k.size {
        return Err(format!("{} bytes, not the pinned {}", bytes.len(), k.size));
    }
    let got = sha256(&bytes);
    if got != k.sha256 {
        return Err(format!("SHA-256 {got}, not the pinned {}", k.sha256));
    }
    Ok(())
}

/// snapshot.debian.org's machine-readable API: `/mr/binary/PACKAGE/VERSION/binfiles` lists
/// the SHA-1 of each architecture's .deb, and `/file/SHA1` serves it.
fn snapshot_url(k: &Kernel) -> Result<String, String> {
    let base = snapshot();
    let api = format!("{base}/mr/binary/{}/{}/binfiles", k.package, k.version);
    let listing = get(&api).map_err(|e| format!("{api}: {e}"))?;
    let hash = listed_hash(&listing, k.arch.debian).ok_or_else(|| format!("{api}: no {} file listed", k.arch.debian))?;
    Ok(format!("{base}/file/{hash}"))
}

/// The `hash` of the `result` entry for `arch` in a binfiles listing
/// (`{"result": [{"architecture": "arm64", "hash": "..."}, ...]}`).
fn listed_hash(listing: &str, arch: &str) -> Option<String> {
    listing.split('{').find(|o| json_string(o, "architecture").as_deref() == Some(arch)).and_then(|o| json_string(o, "hash"))
}

/// The string value of `"key": "value"` in a flat piece of JSON.
fn json_string(json: &str, key: &str) -> Option<String> {
    let rest = &json[json.find(&format!("\"{key}\""))? + key.len() + 2..];
    let rest = rest.trim_start().strip_prefix(':')?.trim_start().strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_string())
}

/// `url`'s body as text.
pub fn get(url: &str) -> Result<String, String> {
    let out = run_tool(curl(url), "curl", "")?;
    String::from_utf8(out.stdout).map_err(|_| "not UTF-8".into())
}

/// Downloads `url` to `dest` (replaced).
pub fn download(url: &str, dest: &Path) -> Result<(), String> {
    let mut c = curl(url);
    c.arg("-o").arg(dest);
    run_tool(c, "curl", "").map(drop)
}

fn curl(url: &str) -> Command {
    let mut c = Command::new("curl");
    // -f: an HTTP error is a failure, not a saved error page. Retries ride out a dropped
    // connection; a missing file (404) is not retried.
    c.args(["-fsSL", "--retry", "3", "--retry-delay", "2", "--connect-timeout", "30", "--max-time", "1200", url]);
    c
}

/// The kernel image inside `deb`, unwrapped from gzip if need be and checked to be what
/// `qemu -kernel` boots on `arch`.
pub fn extract_image(arch: &Arch, deb: &Path) -> Result<Vec<u8>, String> {
    let mut child = Command::new("dpkg-deb")
        .arg("--fsys-tarfile")
        .arg(deb)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("dpkg-deb: {e} (Debian package dpkg)"))?;
    let mut archive = tar::Archive::new(child.stdout.take().expect("piped"));
    let mut found = None;
    let entries = archive.entries().map_err(|e| format!("reading {}: {e}", deb.display()))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("reading {}: {e}", deb.display()))?;
        let path = entry.path().map_err(|e| e.to_string())?.to_string_lossy().into_owned();
        if is_image_path(&path) {
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).map_err(|e| format!("{path}: {e}"))?;
            found = Some((path, bytes));
            break;
        }
    }
    drop(archive); // dpkg-deb may stop early on the closed pipe: it has given what we need
    let _ = child.wait();
    let (path, bytes) = found.ok_or_else(|| format!("{} holds no /boot/vmlinuz-* nor /usr/lib/modules/*/vmlinuz", deb.display()))?;
    let image = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..]).read_to_end(&mut out).map_err(|e| format!("{path}: gunzip: {e}"))?;
        out
    } else {
        bytes
    };
    if !arch.image.matches(&image) {
        return Err(format!("{path} in {} is not an {} (qemu -kernel would not boot it)", deb.display(), arch.image.name));
    }
    Ok(image)
}

/// Both packaging layouts: `boot/vmlinuz-RELEASE` (linux-image-*, up to 6.x) and
/// `usr/lib/modules/RELEASE/vmlinuz` (linux-binary-*, from 7.x).
fn is_image_path(path: &str) -> bool {
    let path = path.trim_start_matches("./");
    let boot = path.strip_prefix("boot/").is_some_and(|f| f.starts_with("vmlinuz-") || f.starts_with("vmlinux-"));
    let modules = path.strip_prefix("usr/lib/modules/").and_then(|r| r.strip_suffix("/vmlinuz")).is_some_and(|r| !r.contains('/'));
    boot || modules
}

/// Lower-case hexadecimal SHA-256.
pub fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_paths() {
        assert!(is_image_path("./boot/vmlinuz-6.1.0-50-cloud-arm64"));
        assert!(is_image_path("./usr/lib/modules/7.2.13+deb14-cloud-amd64/vmlinuz"));
        assert!(!is_image_path("./boot/config-6.1.0-50-cloud-arm64"));
        assert!(!is_image_path("./usr/lib/modules/7.2.13/kernel/vmlinuz"));
        assert!(!is_image_path("./usr/share/doc/vmlinuz"));
    }

    #[test]
    fn snapshot_listing() {
        let listing = r#"{"_comment": "x", "binary": "linux-binary-7.2.13+deb14-cloud-arm64", "result": [
            {"architecture": "amd64", "hash": "1111"}, {"hash":"2222","architecture":"arm64"}]}"#;
        assert_eq!(listed_hash(listing, "arm64").as_deref(), Some("2222"));
        assert_eq!(listed_hash(listing, "amd64").as_deref(), Some("1111"));
        assert_eq!(listed_hash(listing, "riscv64"), None);
    }

    #[test]
    fn sha256_of_abc() {
        assert_eq!(sha256(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
