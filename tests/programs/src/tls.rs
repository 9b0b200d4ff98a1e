//! Shared body of the `tls_*` programs: one `.tdata` and one `.tbss`
//! thread-local with the alignment under test, checked against what crt0
//! copied and zeroed. Each program includes this with its own `ALIGN`/`SIZE`.

/// Defines `main` for a TLS check of alignment `$align` and `.tbss` size `$size`.
#[macro_export]
macro_rules! tls_program {
    ($align:literal, $size:expr) => {
        #[repr(C, align($align))]
        struct Data([u8; 64]);
        #[repr(C, align($align))]
        struct Zeroes([u8; $size]);

        #[thread_local]
        static DATA: core::cell::UnsafeCell<Data> = core::cell::UnsafeCell::new(Data(*b"crt0 tdata image: the bytes crt0 copies from PT_TLS, 64 in all!!"));
        #[thread_local]
        static ZEROES: core::cell::UnsafeCell<Zeroes> = core::cell::UnsafeCell::new(Zeroes([0; $size]));

        #[no_mangle]
        pub extern "C" fn main(_: i32, _: *const *const u8, _: *const *const u8) -> i32 {
            let d = DATA.get();
            let z = ZEROES.get();
            // SAFETY: single-threaded; the thread-locals live as long as main.
            let (tdata_ok, tbss_ok) = unsafe {
                ((*d).0 == *b"crt0 tdata image: the bytes crt0 copies from PT_TLS, 64 in all!!", (*z).0.iter().all(|&b| b == 0))
            };
            // Writes must stick and stay per-variable.
            // SAFETY: as above.
            unsafe {
                (*z).0[$size - 1] = 7;
                (*d).0[0] = b'C';
            }
            // SAFETY: as above.
            let stuck = unsafe { (*z).0[$size - 1] == 7 && (*d).0[0] == b'C' && (*d).0[1] == b'r' };
            crt0::println!(
                "tls align={} size={} data_mod={} zeroes_mod={} tdata={} tbss={} writes={}",
                $align,
                $size,
                d as usize % $align,
                z as usize % $align,
                tdata_ok,
                tbss_ok,
                stuck
            );
            0
        }
    };
}
