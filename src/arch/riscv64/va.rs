//! C's `va_list` on riscv64 (the lp64d psABI, "Variadic arguments"): one
//! pointer to the next argument. A variadic callee stores the argument
//! registers a0..a7 it did not name just below its incoming stack
//! arguments, so the register and stack arguments form one array of 8-byte
//! slots. Every variadic argument travels in integer registers or slots,
//! floating-point ones included; a 16-byte-aligned one (`long double`)
//! starts at an even register, which in the save area is a 16-aligned
//! address. `va_list` is that pointer, passed by value, so a function
//! taking a `va_list` works on its own copy.

/// `va_list` (`void *`).
#[repr(C)]
pub struct VaList {
    /// The next argument's slot.
    next: *mut u8,
}

/// How a C function declared with a `va_list` parameter receives it: the
/// pointer, by value.
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
    /// The next integer or pointer argument, as its 64-bit slot (narrower
    /// types are sign- or zero-extended in it, as in a register).
    ///
    /// # Safety
    /// The next argument must be an integer or pointer.
    #[inline]
    pub unsafe fn int(&mut self) -> u64 {
        // SAFETY: per the caller, the slot holds it.
        unsafe { self.slot::<u64>(8) }
    }

    /// The next `double` argument (a `float` arrives promoted), passed in
    /// an integer register or slot like any other variadic argument.
    ///
    /// # Safety
    /// The next argument must be a double.
    #[inline]
    pub unsafe fn double(&mut self) -> f64 {
        // SAFETY: per the caller.
        f64::from_bits(unsafe { self.slot::<u64>(8) })
    }

    /// The next `long double` argument (IEEE binary128): two slots, the
    /// first 16-aligned (an even register pair, or an aligned stack slot).
    ///
    /// # Safety
    /// The next argument must be a long double.
    #[inline]
    pub unsafe fn long_double(&mut self) -> u128 {
        // SAFETY: per the caller.
        unsafe { self.slot::<u128>(16) }
    }

    /// Reads a `T` at the next slot aligned to `align`, and moves past it.
    ///
    /// # Safety
    /// That slot holds a `T`.
    unsafe fn slot<T>(&mut self, align: usize) -> T {
        let p = (self.next as usize).next_multiple_of(align) as *mut u8;
        // SAFETY: per the caller.
        unsafe {
            let v = p.cast::<T>().read_unaligned();
            self.next = p.add(core::mem::size_of::<T>());
            v
        }
    }
}
