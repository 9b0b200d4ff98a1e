//! What differs between architectures, as data: one [`Arch`] entry per architecture in
//! [`ARCHES`]. Adding an architecture is one entry here plus its kernels in `kernels.txt`
//! (`cargo xtask kernels update --arch NAME` writes them).

/// How to boot one architecture's Debian kernels and build its guest `/init`.
#[derive(Debug, PartialEq, Eq)]
pub struct Arch {
    /// The name Rust's `target_arch` and `uname -m` use: `x86_64`, `aarch64`, `riscv64`.
    pub name: &'static str,
    /// Debian's name for the architecture, in package names and the archive: `amd64`,
    /// `arm64`, `riscv64`.
    pub debian: &'static str,
    /// The ELF `e_machine` of its programs (EM_X86_64 62, EM_AARCH64 183), to refuse a
    /// program built for another architecture before booting anything.
    pub elf_machine: u16,
    /// The qemu-system binary, and the Debian package that has it.
    pub qemu: &'static str,
    pub qemu_package: &'static str,
    /// The package with the firmware `machine` loads, where qemu-system's package does not
    /// bring it (riscv64's `-bios default` is OpenSBI, Debian's `opensbi`).
    pub firmware_package: Option<&'static str>,
    /// Machine, accelerator and CPU flags. TCG everywhere: KVM fails in these VMs.
    pub machine: &'static [&'static str],
    /// The serial console's device name on the kernel command line.
    pub console: &'static str,
    /// The C compiler for the static guest `/init` (against glibc), and its Debian package.
    pub cc: &'static str,
    pub cc_package: &'static str,
    /// How to recognise a bootable kernel image (after any gzip wrapper is removed).
    pub image: ImageFormat,
    /// The Debian metapackage that follows the flavour's current kernel, which a pin
    /// update starts from: the small cloud flavour where Debian builds one (amd64,
    /// arm64), else the generic one (riscv64 has no cloud flavour).
    pub metapackage: &'static str,
}

/// A kernel image that `qemu -kernel` boots: a magic number at a fixed offset of the
/// uncompressed image (Documentation/arch/*/booting.rst of each architecture).
#[derive(Debug, PartialEq, Eq)]
pub struct ImageFormat {
    /// What it is called in messages.
    pub name: &'static str,
    pub magic_offset: usize,
    pub magic: &'static [u8],
}

impl ImageFormat {
    /// Whether `image` carries this format's magic number.
    pub fn matches(&self, image: &[u8]) -> bool {
        image.get(self.magic_offset..self.magic_offset + self.magic.len()) == Some(self.magic)
    }
}

/// x86_64: a bzImage ("HdrS" at 0x202, the boot protocol's header signature). The `max`
/// CPU under TCG boots Debian's cloud kernel in a few seconds; `-M q35` has the ISA serial
/// port and ACPI for the power-off.
pub const X86_64: Arch = Arch {
    name: "x86_64",
    debian: "amd64",
    elf_machine: 62,
    qemu: "qemu-system-x86_64",
    qemu_package: "qemu-system-x86",
    firmware_package: None,
    machine: &["-M", "q35", "-accel", "tcg", "-cpu", "max"],
    console: "ttyS0",
    cc: "x86_64-linux-gnu-gcc",
    cc_package: "gcc",
    image: ImageFormat { name: "x86 bzImage", magic_offset: 0x202, magic: b"HdrS" },
    metapackage: "linux-image-cloud-amd64",
};

/// aarch64: a plain arm64 Image ("ARM\x64" at 56). Debian's 6.x packages gzip it; 7.x ships
/// it plain. `pauth-impdef=on` chooses qemu's cheap pointer-authentication algorithm: with
/// the architected one, `max` boots about 3x slower.
pub const AARCH64: Arch = Arch {
    name: "aarch64",
    debian: "arm64",
    elf_machine: 183,
    qemu: "qemu-system-aarch64",
    qemu_package: "qemu-system-arm",
    firmware_package: None,
    machine: &["-M", "virt", "-accel", "tcg", "-cpu", "max,pauth-impdef=on"],
    console: "ttyAMA0",
    cc: "aarch64-linux-gnu-gcc",
    cc_package: "gcc-aarch64-linux-gnu",
    image: ImageFormat { name: "arm64 Image", magic_offset: 56, magic: b"ARM\x64" },
    metapackage: "linux-image-cloud-arm64",
};

/// riscv64: a RISC-V Image ("RSC\x05" at 56, Documentation/arch/riscv/boot-image-header.rst;
/// Debian's carries an EFI stub too, which `-kernel` ignores). `-bios default` is OpenSBI,
/// which starts the kernel in supervisor mode; the default CPU (rv64) has RV64GC and the
/// extensions riscv_hwprobe reports. The `virt` machine's console is a 16550 UART.
pub const RISCV64: Arch = Arch {
    name: "riscv64",
    debian: "riscv64",
    elf_machine: 243,
    qemu: "qemu-system-riscv64",
    qemu_package: "qemu-system-misc",
    firmware_package: Some("opensbi"),
    machine: &["-M", "virt", "-accel", "tcg", "-bios", "default"],
    console: "ttyS0",
    cc: "riscv64-linux-gnu-gcc",
    cc_package: "gcc-riscv64-linux-gnu",
    image: ImageFormat { name: "RISC-V Image", magic_offset: 56, magic: b"RSC\x05" },
    metapackage: "linux-image-riscv64",
};

/// Every architecture the runner boots.
pub const ARCHES: &[&Arch] = &[&X86_64, &AARCH64, &RISCV64];

/// The entry named `name` (Rust's or Debian's name).
pub fn arch(name: &str) -> Result<&'static Arch, String> {
    ARCHES.iter().copied().find(|a| a.name == name || a.debian == name).ok_or_else(|| {
        let known: Vec<&str> = ARCHES.iter().map(|a| a.name).collect();
        format!("no architecture {name:?} in crt0-vm's table (known: {})", known.join(", "))
    })
}

/// The Debian packages the runner needs on the host for `arches`: each one's qemu-system
/// and C compiler, curl to fetch kernels, and the archive keyring to move pins.
pub fn host_packages(arches: &[&Arch]) -> Vec<&'static str> {
    let mut packages = vec!["curl", "ca-certificates", "gpgv", "debian-archive-keyring"];
    for a in arches {
        for p in [Some(a.qemu_package), a.firmware_package, Some(a.cc_package)].into_iter().flatten() {
            if !packages.contains(&p) {
                packages.push(p);
            }
        }
    }
    packages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_numbers() {
        let mut image = vec![0u8; 0x300];
        assert!(!X86_64.image.matches(&image));
        image[0x202..0x206].copy_from_slice(b"HdrS");
        assert!(X86_64.image.matches(&image));
        assert!(!AARCH64.image.matches(&image));
        image[56..60].copy_from_slice(b"ARM\x64");
        assert!(AARCH64.image.matches(&image));
        assert!(!AARCH64.image.matches(&image[..58]), "a short file is no image");
        assert!(!RISCV64.image.matches(&image));
        image[56..60].copy_from_slice(b"RSC\x05");
        assert!(RISCV64.image.matches(&image) && !AARCH64.image.matches(&image));
    }

    #[test]
    fn lookups() {
        assert_eq!(arch("arm64").unwrap().name, "aarch64");
        assert_eq!(arch("x86_64").unwrap().debian, "amd64");
        assert_eq!(arch("riscv64").unwrap().elf_machine, 243);
        assert!(arch("mips").unwrap_err().contains("x86_64, aarch64, riscv64"));
        let p = host_packages(ARCHES);
        assert!(p.contains(&"qemu-system-arm") && p.contains(&"gcc-aarch64-linux-gnu"));
        assert!(p.contains(&"qemu-system-misc") && p.contains(&"opensbi") && p.contains(&"gcc-riscv64-linux-gnu"));
        assert_eq!(p.iter().filter(|&&x| x == "gcc").count(), 1);
    }
}
