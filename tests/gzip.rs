//! The porting example (examples/src/bin/gzip): miniz_oxide, a no_std +
//! alloc crate from the registry, on crt0's heap. Its output must be what the
//! system's gzip reads, and it must read the system gzip's output, byte for
//! byte, on a few MB of real data; bad input and failed writes must be
//! reported with a message and a non-zero status.

mod common;
use common::*;

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

const DATA_SIZE: usize = 4 << 20;

/// About 4 MiB of real data, gathered once per test process (nothing is
/// committed): the machine's license texts and Debian copyright files, then
/// machine code and symbols from this test's own executable.
fn data() -> &'static [u8] {
    static DATA: OnceLock<Vec<u8>> = OnceLock::new();
    DATA.get_or_init(|| {
        let mut licenses: Vec<PathBuf> =
            fs::read_dir("/usr/share/common-licenses").unwrap().flatten().map(|e| e.path()).collect();
        licenses.sort();
        let mut copyrights: Vec<PathBuf> =
            fs::read_dir("/usr/share/doc").unwrap().flatten().map(|e| e.path().join("copyright")).collect();
        copyrights.sort();
        let mut bytes = Vec::new();
        for f in licenses.iter().chain(&copyrights) {
            if bytes.len() >= DATA_SIZE / 2 {
                break;
            }
            bytes.extend(fs::read(f).unwrap_or_default());
        }
        let exe = fs::read(std::env::current_exe().unwrap()).unwrap();
        bytes.extend(exe.iter().take(DATA_SIZE - bytes.len()));
        assert!(bytes.len() >= 3 << 20, "only {} bytes of test data", bytes.len());
        bytes
    })
}

/// A directory of one test's files, of this process alone (another `cargo
/// test` may be running in the same tree); removed when the test passes,
/// kept for a look when it fails.
struct Scratch(PathBuf);

impl Scratch {
    fn new(test: &str, cfg: Config) -> Scratch {
        let dir = root().join("target/gzip-tests").join(format!("{}-{test}-{}", std::process::id(), cfg.name()));
        fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.path(name);
        fs::write(&path, bytes).unwrap();
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            fs::remove_dir_all(&self.0).ok();
        }
    }
}

/// Runs the example with `args`, stdin from `input` and stdout to `output`.
fn crt0_gzip(cfg: Config, args: &[&str], input: &Path, output: &Path) -> Run {
    let mut c = command(cfg, &example("gzip", cfg), args, &[]);
    c.stdin(File::open(input).unwrap()).stdout(File::create(output).unwrap());
    run_command(c)
}

/// Runs the system's gzip with `args` (and stdin from `input`, if given),
/// and returns its output.
fn system_gzip(args: &[&str], input: Option<&Path>) -> Vec<u8> {
    let mut c = Command::new("gzip");
    c.args(args).stdin(input.map_or(Stdio::null(), |p| File::open(p).unwrap().into())).stderr(Stdio::inherit());
    let out = c.output().expect("the system's gzip runs");
    assert!(out.status.success(), "gzip {args:?}: {}", out.status);
    out.stdout
}

/// Asserts that two byte strings are equal without printing megabytes.
fn assert_same(what: &str, got: &[u8], expected: &[u8]) {
    let first_difference = got.iter().zip(expected).position(|(a, b)| a != b);
    assert!(
        got == expected,
        "{what}: {} bytes, expected {}; first difference at {first_difference:?}",
        got.len(),
        expected.len()
    );
}

for_each_config! {
    fn its_output_is_read_by_the_system_gzip(cfg: Config) {
        let dir = Scratch::new("compress", cfg);
        let input = dir.write("data", data());
        for level in ["-6", "-1", "-9"] {
            let gz = dir.path(&format!("crt0{level}.gz"));
            let r = crt0_gzip(cfg, &[level], &input, &gz);
            r.assert_exit(0);
            assert_eq!(r.stderr, "");
            let size = fs::metadata(&gz).unwrap().len() as usize;
            assert!(size < data().len() / 2, "{level}: {size} bytes out of {}", data().len());
            let gz = gz.to_str().unwrap();
            assert_same(&format!("gzip -d of crt0 gzip {level}"), &system_gzip(&["-d", "-c", gz], None), data());
        }
        // No input still makes a whole gzip file.
        let empty = dir.path("empty.gz");
        crt0_gzip(cfg, &[], Path::new("/dev/null"), &empty).assert_exit(0);
        assert_eq!(system_gzip(&["-d", "-c", empty.to_str().unwrap()], None), b"");
    }
}

for_each_config! {
    fn it_reads_the_system_gzips_output(cfg: Config) {
        let dir = Scratch::new("decompress", cfg);
        let input = dir.write("data", data());
        // From a file, gzip stores its name and time in the header (FNAME);
        // from a pipe, neither.
        let named = system_gzip(&["-c", "-9", input.to_str().unwrap()], None);
        let piped = system_gzip(&["-c", "-1"], Some(&input));
        // Members one after another: an empty one, a small one with a name, the data.
        let small = b"a small member\n";
        let mut several = system_gzip(&["-c"], Some(Path::new("/dev/null")));
        several.extend(system_gzip(&["-c", dir.write("small", small).to_str().unwrap()], None));
        several.extend(&piped);
        let expected_several = [&small[..], data()].concat();
        for (name, gz, expected) in [("named", named, data()), ("piped", piped, data()), ("several", several, &expected_several)] {
            let output = dir.path(name);
            let r = crt0_gzip(cfg, &["-d"], &dir.write(&format!("{name}.gz"), &gz), &output);
            r.assert_exit(0);
            assert_eq!(r.stderr, "", "{name}");
            assert_same(&format!("crt0 gzip -d of {name}"), &fs::read(&output).unwrap(), expected);
        }
    }
}

for_each_config! {
    fn bad_input_and_failed_writes_are_reported(cfg: Config) {
        let dir = Scratch::new("errors", cfg);
        let input = dir.write("data", data());
        let gz = system_gzip(&["-c"], Some(&input));
        let mut bad_crc = gz.clone();
        let n = bad_crc.len();
        bad_crc[n - 8] ^= 1;
        // Block type 3 is reserved in DEFLATE: the first block header sits in
        // bits 1-2 of the byte after the 10-byte header.
        let mut bad_block = gz.clone();
        bad_block[10] |= 0b110;
        let cases: [(&str, &[u8], &str); 5] = [
            ("not-gzip", &data()[..1000], "gzip: stdin: not in gzip format\n"),
            ("truncated", &gz[..gz.len() / 2], "gzip: stdin: unexpected end of input\n"),
            ("no-trailer", &gz[..gz.len() - 8], "gzip: stdin: unexpected end of input\n"),
            ("bad-crc", &bad_crc, "gzip: stdin: CRC-32 mismatch"),
            ("bad-block", &bad_block, "gzip: stdin: invalid compressed data\n"),
        ];
        for (name, bytes, message) in cases {
            let r = crt0_gzip(cfg, &["-d"], &dir.write(name, bytes), &dir.path(&format!("{name}.out")));
            r.assert_exit(1);
            assert!(r.stderr.starts_with(message), "{name}: {:?}", r.stderr);
        }
        // A full disk: every write fails with ENOSPC.
        let r = crt0_gzip(cfg, &[], &input, Path::new("/dev/full"));
        r.assert_exit(1);
        assert_eq!(r.stderr, "gzip: writing stdout: no space left on device (errno 28)\n");
        let r = crt0_gzip(cfg, &["-x"], Path::new("/dev/null"), &dir.path("usage.out"));
        r.assert_exit(2);
        assert!(r.stderr.starts_with("usage: gzip"), "{:?}", r.stderr);
    }
}
