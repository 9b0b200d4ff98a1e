//! Where fetched kernels and built `/init` binaries are kept between runs: outside the
//! repository, so that every clone and worktree on a machine shares them.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// `$CRT0_KERNEL_CACHE`, else `$XDG_CACHE_HOME/crt0-kernels`, else `~/.cache/crt0-kernels`.
pub fn root() -> PathBuf {
    let var = |name| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = var("CRT0_KERNEL_CACHE") {
        return dir;
    }
    let base = var("XDG_CACHE_HOME").unwrap_or_else(|| var("HOME").unwrap_or_else(|| "/tmp".into()).join(".cache"));
    base.join("crt0-kernels")
}

/// A name in `dir` no other process or thread uses, for a file that is renamed into place
/// once complete: a reader never sees half a file, and two runs fetching at once both
/// succeed.
pub fn temp_path(dir: &Path, stem: &str, ext: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    dir.join(format!(".{stem}.{}-{}.{ext}", std::process::id(), N.fetch_add(1, Ordering::Relaxed)))
}
