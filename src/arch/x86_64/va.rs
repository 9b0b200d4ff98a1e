//! C's `va_list` on x86_64 (System V ABI, "Variable Argument Lists"): a
//! register save area (six integer registers, then eight 16-byte vector
//! registers) and an overflow area on the stack. `va_list` is an array of
//! one `__va_list_tag`, so a function taking a `va_list` receives a pointer
//! to the caller's tag and advances it in place, as C's `va_arg` does.

/// `__va_list_tag`.
#[repr(C)]
pub struct VaList {
    /// Offset of the next integer register in `reg_save_area` (0..48).
    gp_offset: u32,
    /// Offset of the next vector register in `reg_save_area` (48..176).
    fp_offset: u32,
    /// The next argument passed on the stack.
    overflow_arg_area: *mut u8,
    reg_save_area: *mut u8,
}

/// How a C function declared with a `va_list` parameter receives it: a
/// pointer to the caller's tag (the array decays).
#[cfg_attr(test, allow(dead_code))]
pub type VaListArg = *mut VaList;

/// The list a `va_list` parameter designates.
///
/// # Safety
/// `ap` must be a `va_list` parameter as C passed it.
#[cfg_attr(test, allow(dead_code))]
pub unsafe fn from_arg(ap: &mut VaListArg) -> &mut VaList {
    // SAFETY: per the caller, a pointer to a live tag.
    unsafe { &mut **ap }
}

const GP_END: u32 = 6 * 8;
const FP_END: u32 = GP_END + 8 * 16;

impl VaList {
    /// The next integer or pointer argument, as its 64-bit register or
    /// stack slot (narrower types are in its low bits).
    ///
    /// # Safety
    /// The next argument must be an integer or pointer.
    #[inline]
    pub unsafe fn int(&mut self) -> u64 {
        // SAFETY: per the caller, the slot holds the argument.
        unsafe {
            if self.gp_offset < GP_END {
                let v = self.reg_save_area.add(self.gp_offset as usize).cast::<u64>().read();
                self.gp_offset += 8;
                v
            } else {
                self.stack::<u64>(8)
            }
        }
    }

    /// The next `double` argument (a `float` arrives promoted).
    ///
    /// # Safety
    /// The next argument must be a double.
    #[inline]
    pub unsafe fn double(&mut self) -> f64 {
        // SAFETY: per the caller; a vector register's low 8 bytes.
        unsafe {
            if self.fp_offset < FP_END {
                let v = self.reg_save_area.add(self.fp_offset as usize).cast::<f64>().read();
                self.fp_offset += 16;
                v
            } else {
                self.stack::<f64>(8)
            }
        }
    }

    /// The next `long double` argument (x87 80-bit extended): always on
    /// the stack, in a 16-byte aligned 16-byte slot; the value is in its
    /// low 10 bytes.
    ///
    /// # Safety
    /// The next argument must be a long double.
    #[inline]
    pub unsafe fn long_double(&mut self) -> u128 {
        // SAFETY: per the caller.
        unsafe { self.stack::<u128>(16) }
    }

    /// Reads a `T` from the overflow area aligned to `align`, and moves past it.
    ///
    /// # Safety
    /// The overflow area's next slot holds a `T`.
    unsafe fn stack<T>(&mut self, align: usize) -> T {
        let p = (self.overflow_arg_area as usize).next_multiple_of(align) as *mut u8;
        // SAFETY: per the caller; unaligned reads cost nothing here.
        unsafe {
            let v = p.cast::<T>().read_unaligned();
            self.overflow_arg_area = p.add(core::mem::size_of::<T>().next_multiple_of(8));
            v
        }
    }
}
