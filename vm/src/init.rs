//! The guest's `/init` (init.c), compiled once per architecture and source version with the
//! architecture's gcc (`-static`, glibc) and kept in the cache.

use crate::arch::Arch;
use crate::{cache, run_tool};
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::process::Command;

const SOURCE: &str = include_str!("init.c");

/// The `/init` binary for `arch`, built if the cache has none for this source.
pub fn binary(arch: &Arch) -> Result<PathBuf, String> {
    let hash = Sha256::digest(SOURCE.as_bytes());
    let dir = cache::root().join("init");
    let name = format!("{}-{}", arch.name, &hex(&hash)[..16]);
    let out = dir.join(&name);
    if out.is_file() {
        return Ok(out);
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let src = cache::temp_path(&dir, &name, "c");
    let tmp = cache::temp_path(&dir, &name, "out");
    std::fs::write(&src, SOURCE).map_err(|e| format!("{}: {e}", src.display()))?;
    let mut cc = Command::new(arch.cc);
    cc.args(["-static", "-O2", "-Wall", "-o"]).arg(&tmp).arg(&src);
    let built = run_tool(cc, arch.cc_package, "building the guest /init");
    let _ = std::fs::remove_file(&src);
    built?;
    std::fs::rename(&tmp, &out).map_err(|e| format!("{}: {e}", out.display()))?;
    Ok(out)
}

/// Lower-case hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
