//! The initramfs: a cpio archive in the "newc" format (the kernel's
//! Documentation/driver-api/early-userspace/buffer-format.rst), uncompressed, which the
//! kernel unpacks into its root file system before it runs `/init`.

use std::io::{self, Write};

/// Builds an archive entry by entry.
pub struct Cpio<W: Write> {
    out: W,
    inode: u32,
    written: u64,
}

/// File types for the mode field (S_IFDIR, S_IFREG, S_IFCHR).
const DIR: u32 = 0o040000;
const FILE: u32 = 0o100000;
const CHAR: u32 = 0o020000;

impl<W: Write> Cpio<W> {
    pub fn new(out: W) -> Self {
        Cpio { out, inode: 0, written: 0 }
    }

    /// A directory with permission bits `perm`.
    pub fn dir(&mut self, name: &str, perm: u32) -> io::Result<()> {
        self.entry(name, DIR | perm, (0, 0), &[])
    }

    /// A regular file.
    pub fn file(&mut self, name: &str, perm: u32, data: &[u8]) -> io::Result<()> {
        self.entry(name, FILE | perm, (0, 0), data)
    }

    /// A character device node (major, minor).
    pub fn char_device(&mut self, name: &str, perm: u32, dev: (u32, u32)) -> io::Result<()> {
        self.entry(name, CHAR | perm, dev, &[])
    }

    /// The trailer; returns the writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.inode = u32::MAX; // the trailer's fields are all zero
        self.entry("TRAILER!!!", 0, (0, 0), &[])?;
        Ok(self.out)
    }

    /// One header (13 eight-digit hexadecimal fields after the magic), the name with its NUL,
    /// the data, each padded to a multiple of 4 bytes.
    fn entry(&mut self, name: &str, mode: u32, (rmajor, rminor): (u32, u32), data: &[u8]) -> io::Result<()> {
        self.inode = self.inode.wrapping_add(1);
        let size = u32::try_from(data.len()).map_err(|_| io::Error::other(format!("{name}: over 4 GiB")))?;
        let fields = [
            self.inode, // ino (0 for the trailer)
            mode,
            0, // uid: root
            0, // gid
            if mode & DIR != 0 { 2 } else { 1 }, // nlink
            0, // mtime
            size,
            0, // devmajor, devminor: the device holding the file, none
            0,
            rmajor, // rdevmajor, rdevminor: what a device node stands for
            rminor,
            name.len() as u32 + 1, // namesize, with the NUL
            0,                     // check: unused by "newc"
        ];
        let mut header = String::from("070701");
        for f in fields {
            header.push_str(&format!("{f:08X}"));
        }
        self.put(header.as_bytes())?;
        self.put(name.as_bytes())?;
        self.put(&[0])?;
        self.pad()?;
        self.put(data)?;
        self.pad()
    }

    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)?;
        self.written += bytes.len() as u64;
        Ok(())
    }

    fn pad(&mut self) -> io::Result<()> {
        let n = (4 - self.written % 4) % 4;
        self.put(&[0; 3][..n as usize])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The layout the kernel expects, checked field by field on a small archive.
    #[test]
    fn newc_layout() {
        let mut c = Cpio::new(Vec::new());
        c.dir("dev", 0o755).unwrap();
        c.file("init", 0o755, b"hello").unwrap();
        let out = c.finish().unwrap();
        let text = String::from_utf8_lossy(&out);
        assert!(out.starts_with(b"070701"));
        // First header: inode 1, mode 040755, nlink 2, namesize 4 ("dev\0").
        assert_eq!(&text[6..14], "00000001");
        assert_eq!(&text[14..22], "000041ED");
        assert_eq!(&text[38..46], "00000002");
        assert_eq!(&text[94..102], "00000004");
        assert_eq!(&out[110..114], b"dev\0");
        // Padded from 114 to 116, where the second header starts.
        assert_eq!(&out[114..116], &[0, 0]);
        let second = &text[116..];
        assert!(second.starts_with("070701"));
        assert_eq!(&second[54..62], "00000005", "filesize");
        // Name "init\0" ends at 116 + 115 = 231, padded to 232; then the data, padded to 240.
        assert_eq!(&out[232..237], b"hello");
        assert_eq!(&out[237..240], &[0, 0, 0]);
        assert!(text[240..].starts_with("070701"));
        assert!(text.contains("TRAILER!!!"));
        assert_eq!(out.len() % 4, 0);
    }
}
