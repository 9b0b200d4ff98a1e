//! Integer arithmetic: `abs labs llabs imaxabs div ldiv lldiv imaxdiv`.

use core::ffi::{c_int, c_long, c_longlong};

/// `int abs(int i)` (the most negative value stays itself, as in glibc).
#[no_mangle]
pub extern "C" fn abs(i: c_int) -> c_int {
    i.wrapping_abs()
}

/// `long labs(long i)`.
#[no_mangle]
pub extern "C" fn labs(i: c_long) -> c_long {
    i.wrapping_abs()
}

/// `long long llabs(long long i)`.
#[no_mangle]
pub extern "C" fn llabs(i: c_longlong) -> c_longlong {
    i.wrapping_abs()
}

/// `intmax_t imaxabs(intmax_t i)`.
#[no_mangle]
pub extern "C" fn imaxabs(i: i64) -> i64 {
    i.wrapping_abs()
}

/// `div_t`, `ldiv_t`, `lldiv_t`, `imaxdiv_t`: quotient then remainder.
#[repr(C)]
pub struct Div<T> {
    pub quot: T,
    pub rem: T,
}

/// `div_t div(int a, int b)`: quotient truncated toward zero.
#[no_mangle]
pub extern "C" fn div(a: c_int, b: c_int) -> Div<c_int> {
    Div { quot: a.wrapping_div(b), rem: a.wrapping_rem(b) }
}

/// `ldiv_t ldiv(long a, long b)`.
#[no_mangle]
pub extern "C" fn ldiv(a: c_long, b: c_long) -> Div<c_long> {
    Div { quot: a.wrapping_div(b), rem: a.wrapping_rem(b) }
}

/// `lldiv_t lldiv(long long a, long long b)`.
#[no_mangle]
pub extern "C" fn lldiv(a: c_longlong, b: c_longlong) -> Div<c_longlong> {
    Div { quot: a.wrapping_div(b), rem: a.wrapping_rem(b) }
}

/// `imaxdiv_t imaxdiv(intmax_t a, intmax_t b)`.
#[no_mangle]
pub extern "C" fn imaxdiv(a: i64, b: i64) -> Div<i64> {
    Div { quot: a.wrapping_div(b), rem: a.wrapping_rem(b) }
}
