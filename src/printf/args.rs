//! Where the engine's arguments come from: a C `va_list`, or (in tests) a
//! slice. Every integer and pointer argument occupies a 64-bit slot on the
//! architectures crt0 supports, so one `int` accessor serves them all; the
//! conversion narrows it as its length modifier says.

use crate::arch::va::VaList;

/// A source of printf arguments, read in order.
pub trait Args {
    /// The next integer or pointer argument (narrower ones in the low bits).
    ///
    /// # Safety
    /// The next argument must be an integer or a pointer.
    unsafe fn int(&mut self) -> u64;
    /// The next `double`.
    ///
    /// # Safety
    /// The next argument must be a double.
    unsafe fn double(&mut self) -> f64;
    /// The next `long double`, as its bits (`decimal::LongDouble` decodes them).
    ///
    /// # Safety
    /// The next argument must be a long double.
    unsafe fn long_double(&mut self) -> u128;
}

impl Args for VaList {
    #[inline]
    unsafe fn int(&mut self) -> u64 {
        // SAFETY: per the caller.
        unsafe { VaList::int(self) }
    }
    #[inline]
    unsafe fn double(&mut self) -> f64 {
        // SAFETY: per the caller.
        unsafe { VaList::double(self) }
    }
    #[inline]
    unsafe fn long_double(&mut self) -> u128 {
        // SAFETY: per the caller.
        unsafe { VaList::long_double(self) }
    }
}

/// One argument, for [`SliceArgs`].
#[cfg(test)]
#[derive(Clone, Copy, Debug)]
pub enum Arg {
    /// An integer or a pointer.
    Int(u64),
    /// A double.
    Double(f64),
    /// A long double's bits.
    LongDouble(u128),
}

/// Arguments from a slice (a wrong type reads as 0).
#[cfg(test)]
pub struct SliceArgs<'a>(pub &'a [Arg]);

#[cfg(test)]
impl SliceArgs<'_> {
    fn next(&mut self) -> Option<Arg> {
        let (first, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(*first)
    }
}

#[cfg(test)]
impl Args for SliceArgs<'_> {
    unsafe fn int(&mut self) -> u64 {
        match self.next() {
            Some(Arg::Int(v)) => v,
            _ => 0,
        }
    }
    unsafe fn double(&mut self) -> f64 {
        match self.next() {
            Some(Arg::Double(v)) => v,
            _ => 0.0,
        }
    }
    unsafe fn long_double(&mut self) -> u128 {
        match self.next() {
            Some(Arg::LongDouble(v)) => v,
            _ => 0,
        }
    }
}
