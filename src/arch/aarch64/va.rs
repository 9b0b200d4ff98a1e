//! C's `va_list` on aarch64 (AAPCS64, appendix "Variable argument lists"):
//! the general and the vector register save areas, addressed by negative
//! offsets from their tops, and the stack. `va_list` is a 32-byte struct
//! passed by value (the caller passes a pointer to a copy), so a function
//! taking a `va_list` works on its own copy.

/// `va_list` (`struct __va_list`).
#[repr(C)]
pub struct VaList {
    /// The next stacked argument.
    stack: *mut u8,
    /// End of the general register save area.
    gr_top: *mut u8,
    /// End of the vector register save area.
    vr_top: *mut u8,
    /// Negative offset of the next general register from `gr_top`, 0 when
    /// they are used up.
    gr_offs: i32,
    /// Negative offset of the next vector register (16 bytes each) from `vr_top`.
    vr_offs: i32,
}

/// How a C function declared with a `va_list` parameter receives it: the
/// struct by value (a composite over 16 bytes: by reference to a copy).
#[cfg_attr(test, allow(dead_code))]
pub type VaListArg = VaList;

/// The list a `va_list` parameter designates.
///
/// # Safety
/// `ap` must be a `va_list` parameter as C passed it.
#[cfg_attr(test, allow(dead_code))]
pub unsafe fn from_arg(ap: &mut VaListArg) -> &mut VaList {
    ap
}

impl VaList {
    /// The next integer or pointer argument, as its 64-bit register or
    /// stack slot (narrower types are in its low bits).
    ///
    /// # Safety
    /// The next argument must be an integer or pointer.
    #[inline]
    pub unsafe fn int(&mut self) -> u64 {
        let offs = self.gr_offs;
        if offs < 0 {
            self.gr_offs = offs + 8;
            if self.gr_offs <= 0 {
                // SAFETY: per the caller, the register slot holds it.
                return unsafe { self.gr_top.offset(offs as isize).cast::<u64>().read() };
            }
        }
        // SAFETY: per the caller, the stack slot holds it.
        unsafe { self.stack::<u64>(8) }
    }

    /// The next `double` argument (a `float` arrives promoted).
    ///
    /// # Safety
    /// The next argument must be a double.
    #[inline]
    pub unsafe fn double(&mut self) -> f64 {
        // SAFETY: per the caller.
        f64::from_bits(unsafe { self.vector(8) } as u64)
    }

    /// The next `long double` argument (IEEE binary128), in a vector
    /// register or a 16-aligned stack slot.
    ///
    /// # Safety
    /// The next argument must be a long double.
    #[inline]
    pub unsafe fn long_double(&mut self) -> u128 {
        // SAFETY: per the caller.
        unsafe { self.vector(16) }
    }

    /// A vector-register argument of `size` bytes (in a 16-byte register
    /// slot, or a stack slot aligned to its size).
    ///
    /// # Safety
    /// The next argument must be a floating-point value of `size` bytes.
    unsafe fn vector(&mut self, size: usize) -> u128 {
        let offs = self.vr_offs;
        if offs < 0 {
            self.vr_offs = offs + 16;
            if self.vr_offs <= 0 {
                // SAFETY: per the caller; the low bytes of a Q register slot.
                return unsafe { self.vr_top.offset(offs as isize).cast::<u128>().read_unaligned() };
            }
        }
        // SAFETY: per the caller.
        unsafe {
            if size == 16 {
                self.stack::<u128>(16)
            } else {
                u128::from(self.stack::<u64>(8))
            }
        }
    }

    /// Reads a `T` from the stack area aligned to `align`, and moves past it.
    ///
    /// # Safety
    /// The next stack slot holds a `T`.
    unsafe fn stack<T>(&mut self, align: usize) -> T {
        let p = (self.stack as usize).next_multiple_of(align) as *mut u8;
        // SAFETY: per the caller.
        unsafe {
            let v = p.cast::<T>().read_unaligned();
            self.stack = p.add(core::mem::size_of::<T>().next_multiple_of(8));
            v
        }
    }
}
