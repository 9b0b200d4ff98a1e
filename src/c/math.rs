//! `<math.h>`: the `libm` crate (a port of musl's libm, itself FreeBSD's
//! msun) under the C names, for `double` and `float`, so `-lm` needs
//! nothing more (crt0-cc's empty libm.a satisfies it). Results are those
//! of musl's implementations: within an ulp of glibc's, not always equal
//! in the last bit, and a NaN's sign may differ.
//!
//! errno follows glibc's `math_errhandling` (MATH_ERRNO): EDOM when a NaN
//! comes from numbers (sqrt(-1), log(-1), fmod(x, 0)); ERANGE when an
//! infinity comes from finite numbers (overflow, log(0), a pole) and, for
//! the exponential family, pow, ldexp/scalbn, erfc and tgamma, when a
//! nonzero result underflows to zero.

use core::ffi::{c_char, c_int, c_long, c_longlong};

use super::errno::set_errno;
use crate::syscall::Errno;

const EDOM: Errno = Errno(33);
const ERANGE: Errno = Errno(34);

/// Sets errno for a result computed from `args`.
fn check(result: f64, args: &[f64], underflows: bool) {
    let any_nan = args.iter().any(|a| a.is_nan());
    let all_finite = args.iter().all(|a| a.is_finite());
    let overflow = result.is_infinite() && all_finite;
    let underflow = underflows && result == 0.0 && all_finite && args.first().is_some_and(|&x| x != 0.0);
    if result.is_nan() && !any_nan {
        set_errno(EDOM);
    } else if overflow || underflow {
        set_errno(ERANGE);
    }
}

macro_rules! one {
    ($($c:ident($t:ty) = $f:path, $under:expr;)*) => {$(
        #[doc = concat!("`", stringify!($c), "` (", stringify!($f), ").")]
        #[no_mangle]
        pub extern "C" fn $c(x: $t) -> $t {
            let r = $f(x);
            check(r as f64, &[x as f64], $under);
            r
        }
    )*};
}

macro_rules! two {
    ($($c:ident($t:ty) = $f:path, $under:expr;)*) => {$(
        #[doc = concat!("`", stringify!($c), "` (`libm::", stringify!($f), "`).")]
        #[no_mangle]
        pub extern "C" fn $c(x: $t, y: $t) -> $t {
            let r = $f(x, y);
            check(r as f64, &[x as f64, y as f64], $under);
            r
        }
    )*};
}

/// Exact results, no errors: no errno to set.
macro_rules! plain {
    ($($c:ident($($a:ident: $t:ty),*) -> $r:ty = $f:path;)*) => {$(
        #[doc = concat!("`", stringify!($c), "` (`libm::", stringify!($f), "`).")]
        #[no_mangle]
        pub extern "C" fn $c($($a: $t),*) -> $r {
            $f($($a),*)
        }
    )*};
}

one! {
    acos(f64) = libm::acos, false;
    asin(f64) = libm::asin, false;
    atan(f64) = libm::atan, false;
    cos(f64) = libm::cos, false;
    sin(f64) = libm::sin, false;
    tan(f64) = libm::tan, false;
    acosh(f64) = libm::acosh, false;
    asinh(f64) = libm::asinh, false;
    atanh(f64) = libm::atanh, false;
    cosh(f64) = libm::cosh, false;
    sinh(f64) = libm::sinh, false;
    tanh(f64) = libm::tanh, false;
    exp(f64) = libm::exp, true;
    exp2(f64) = libm::exp2, true;
    exp10(f64) = libm::exp10, true;
    expm1(f64) = libm::expm1, false;
    log(f64) = libm::log, false;
    log10(f64) = libm::log10, false;
    log1p(f64) = libm::log1p, false;
    log2(f64) = libm::log2, false;
    cbrt(f64) = libm::cbrt, false;
    sqrt(f64) = libm::sqrt, false;
    erf(f64) = libm::erf, false;
    erfc(f64) = libm::erfc, true;
    lgamma(f64) = libm::lgamma, false;
    gamma(f64) = libm::lgamma, false;
    tgamma(f64) = libm::tgamma, true;
    j0(f64) = libm::j0, false;
    j1(f64) = j1_odd, false;
    y0(f64) = libm::y0, false;
    y1(f64) = libm::y1, false;
    acosf(f32) = libm::acosf, false;
    asinf(f32) = libm::asinf, false;
    atanf(f32) = libm::atanf, false;
    cosf(f32) = libm::cosf, false;
    sinf(f32) = libm::sinf, false;
    tanf(f32) = libm::tanf, false;
    acoshf(f32) = libm::acoshf, false;
    asinhf(f32) = libm::asinhf, false;
    atanhf(f32) = libm::atanhf, false;
    coshf(f32) = libm::coshf, false;
    sinhf(f32) = libm::sinhf, false;
    tanhf(f32) = libm::tanhf, false;
    expf(f32) = libm::expf, true;
    exp2f(f32) = libm::exp2f, true;
    exp10f(f32) = libm::exp10f, true;
    expm1f(f32) = libm::expm1f, false;
    logf(f32) = libm::logf, false;
    log10f(f32) = libm::log10f, false;
    log1pf(f32) = libm::log1pf, false;
    log2f(f32) = libm::log2f, false;
    cbrtf(f32) = libm::cbrtf, false;
    sqrtf(f32) = libm::sqrtf, false;
    erff(f32) = libm::erff, false;
    erfcf(f32) = libm::erfcf, true;
    lgammaf(f32) = libm::lgammaf, false;
    tgammaf(f32) = libm::tgammaf, true;
    j0f(f32) = libm::j0f, false;
    j1f(f32) = j1f_odd, false;
    y0f(f32) = libm::y0f, false;
    y1f(f32) = libm::y1f, false;
}

two! {
    atan2(f64) = libm::atan2, false;
    pow(f64) = libm::pow, true;
    fmod(f64) = libm::fmod, false;
    remainder(f64) = libm::remainder, false;
    drem(f64) = libm::remainder, false;
    hypot(f64) = libm::hypot, false;
    fdim(f64) = libm::fdim, false;
    atan2f(f32) = libm::atan2f, false;
    powf(f32) = libm::powf, true;
    fmodf(f32) = libm::fmodf, false;
    remainderf(f32) = libm::remainderf, false;
    hypotf(f32) = libm::hypotf, false;
    fdimf(f32) = libm::fdimf, false;
}

plain! {
    fabs(x: f64) -> f64 = libm::fabs;
    ceil(x: f64) -> f64 = libm::ceil;
    floor(x: f64) -> f64 = libm::floor;
    rint(x: f64) -> f64 = libm::rint;
    nearbyint(x: f64) -> f64 = libm::rint;
    round(x: f64) -> f64 = libm::round;
    roundeven(x: f64) -> f64 = libm::roundeven;
    trunc(x: f64) -> f64 = libm::trunc;
    copysign(x: f64, y: f64) -> f64 = libm::copysign;
    fmin(x: f64, y: f64) -> f64 = libm::fmin;
    fmax(x: f64, y: f64) -> f64 = libm::fmax;
    fma(x: f64, y: f64, z: f64) -> f64 = libm::fma;
    fabsf(x: f32) -> f32 = libm::fabsf;
    ceilf(x: f32) -> f32 = libm::ceilf;
    floorf(x: f32) -> f32 = libm::floorf;
    rintf(x: f32) -> f32 = libm::rintf;
    nearbyintf(x: f32) -> f32 = libm::rintf;
    roundf(x: f32) -> f32 = libm::roundf;
    roundevenf(x: f32) -> f32 = libm::roundevenf;
    truncf(x: f32) -> f32 = libm::truncf;
    copysignf(x: f32, y: f32) -> f32 = libm::copysignf;
    fminf(x: f32, y: f32) -> f32 = libm::fminf;
    fmaxf(x: f32, y: f32) -> f32 = libm::fmaxf;
    fmaf(x: f32, y: f32, z: f32) -> f32 = libm::fmaf;
}

/// `j1`, odd at the infinities too: `j1(-inf)` is -0, as glibc gives it.
fn j1_odd(x: f64) -> f64 {
    if x.is_infinite() { libm::copysign(0.0, x) } else { libm::j1(x) }
}

/// `j1f`, likewise.
fn j1f_odd(x: f32) -> f32 {
    if x.is_infinite() { libm::copysignf(0.0, x) } else { libm::j1f(x) }
}

/// `double ldexp(double x, int n)`: `x × 2^n`.
#[no_mangle]
pub extern "C" fn ldexp(x: f64, n: c_int) -> f64 {
    let r = libm::ldexp(x, n);
    check(r, &[x], true);
    r
}

/// `double scalbn(double x, int n)`.
#[no_mangle]
pub extern "C" fn scalbn(x: f64, n: c_int) -> f64 {
    ldexp(x, n)
}

/// `double scalbln(double x, long n)`.
#[no_mangle]
pub extern "C" fn scalbln(x: f64, n: c_long) -> f64 {
    ldexp(x, n.clamp(c_int::MIN.into(), c_int::MAX.into()) as c_int)
}

/// `float ldexpf(float x, int n)`.
#[no_mangle]
pub extern "C" fn ldexpf(x: f32, n: c_int) -> f32 {
    let r = libm::ldexpf(x, n);
    check(r.into(), &[x.into()], true);
    r
}

/// `float scalbnf(float x, int n)`.
#[no_mangle]
pub extern "C" fn scalbnf(x: f32, n: c_int) -> f32 {
    ldexpf(x, n)
}

/// `double frexp(double x, int *e)`.
///
/// # Safety
/// `e` writable.
#[no_mangle]
pub unsafe extern "C" fn frexp(x: f64, e: *mut c_int) -> f64 {
    let (m, n) = libm::frexp(x);
    // SAFETY: per the caller.
    unsafe { *e = n };
    m
}

/// `float frexpf(float x, int *e)`.
///
/// # Safety
/// `e` writable.
#[no_mangle]
pub unsafe extern "C" fn frexpf(x: f32, e: *mut c_int) -> f32 {
    let (m, n) = libm::frexpf(x);
    // SAFETY: per the caller.
    unsafe { *e = n };
    m
}

/// `double modf(double x, double *ip)`: the fraction; the integer part in `*ip`.
///
/// # Safety
/// `ip` writable.
#[no_mangle]
pub unsafe extern "C" fn modf(x: f64, ip: *mut f64) -> f64 {
    let (frac, int) = libm::modf(x);
    // SAFETY: per the caller.
    unsafe { *ip = int };
    frac
}

/// `float modff(float x, float *ip)`.
///
/// # Safety
/// `ip` writable.
#[no_mangle]
pub unsafe extern "C" fn modff(x: f32, ip: *mut f32) -> f32 {
    let (frac, int) = libm::modff(x);
    // SAFETY: per the caller.
    unsafe { *ip = int };
    frac
}

/// `double remquo(double x, double y, int *q)`.
///
/// # Safety
/// `q` writable.
#[no_mangle]
pub unsafe extern "C" fn remquo(x: f64, y: f64, q: *mut c_int) -> f64 {
    let (r, n) = libm::remquo(x, y);
    // SAFETY: per the caller.
    unsafe { *q = n };
    check(r, &[x, y], false);
    r
}

/// `double lgamma_r(double x, int *sign)`.
///
/// # Safety
/// `sign` writable.
#[no_mangle]
pub unsafe extern "C" fn lgamma_r(x: f64, sign: *mut c_int) -> f64 {
    let (r, s) = libm::lgamma_r(x);
    // SAFETY: per the caller.
    unsafe { *sign = s };
    check(r, &[x], false);
    r
}

/// `void sincos(double x, double *s, double *c)` (GNU).
///
/// # Safety
/// `s`, `c` writable.
#[no_mangle]
pub unsafe extern "C" fn sincos(x: f64, s: *mut f64, c: *mut f64) {
    let (sv, cv) = libm::sincos(x);
    check(sv, &[x], false);
    // SAFETY: per the caller.
    unsafe { (*s, *c) = (sv, cv) };
}

/// `double jn(int n, double x)`.
#[no_mangle]
pub extern "C" fn jn(n: c_int, x: f64) -> f64 {
    libm::jn(n, x)
}

/// `double yn(int n, double x)`.
#[no_mangle]
pub extern "C" fn yn(n: c_int, x: f64) -> f64 {
    let r = libm::yn(n, x);
    check(r, &[x], false);
    r
}

/// `double nextafter(double x, double y)`: ERANGE when it overflows, and
/// (as glibc) when it steps from a nonzero number into the subnormals or to 0.
#[no_mangle]
pub extern "C" fn nextafter(x: f64, y: f64) -> f64 {
    let r = libm::nextafter(x, y);
    let overflow = r.is_infinite() && x.is_finite();
    let underflow = x != 0.0 && x != y && r.abs() < f64::MIN_POSITIVE;
    if overflow || underflow {
        set_errno(ERANGE);
    }
    r
}

/// `float nextafterf(float x, float y)`.
#[no_mangle]
pub extern "C" fn nextafterf(x: f32, y: f32) -> f32 {
    let r = libm::nextafterf(x, y);
    let overflow = r.is_infinite() && x.is_finite();
    let underflow = x != 0.0 && x != y && r.abs() < f32::MIN_POSITIVE;
    if overflow || underflow {
        set_errno(ERANGE);
    }
    r
}

/// `int ilogb(double x)`: FP_ILOGB0 (INT_MIN) for 0, INT_MIN for NaN (as
/// glibc), INT_MAX for infinity; EDOM for all three.
#[no_mangle]
pub extern "C" fn ilogb(x: f64) -> c_int {
    if x == 0.0 || !x.is_finite() {
        set_errno(EDOM);
    }
    libm::ilogb(x)
}

/// `double logb(double x)`: the exponent, as a double.
#[no_mangle]
pub extern "C" fn logb(x: f64) -> f64 {
    if x == 0.0 {
        return f64::NEG_INFINITY;
    }
    if !x.is_finite() {
        return x * x;
    }
    f64::from(libm::ilogb(x))
}

/// An integral `r` as a 64-bit integer; NaN or out of range, what the
/// architecture's conversion instruction gives, as glibc's lrint and
/// llround do (`arch::f64_to_i64`).
fn to_i64(r: f64) -> i64 {
    crate::arch::f64_to_i64(r)
}

/// `long lrint(double x)` (and `llrint`): rounds in the current mode (to
/// nearest even); out of range, see `to_i64`.
#[no_mangle]
pub extern "C" fn lrint(x: f64) -> c_long {
    to_i64(libm::rint(x)) as c_long
}

/// `long long llrint(double x)`.
#[no_mangle]
pub extern "C" fn llrint(x: f64) -> c_longlong {
    to_i64(libm::rint(x))
}

/// `long lround(double x)`: halfway cases away from zero.
#[no_mangle]
pub extern "C" fn lround(x: f64) -> c_long {
    to_i64(libm::round(x)) as c_long
}

/// `long long llround(double x)`.
#[no_mangle]
pub extern "C" fn llround(x: f64) -> c_longlong {
    to_i64(libm::round(x))
}

/// `double nan(const char *tag)`: a quiet NaN (the tag is not used).
#[no_mangle]
pub extern "C" fn nan(_tag: *const c_char) -> f64 {
    f64::NAN
}

/// `float nanf(const char *tag)`.
#[no_mangle]
pub extern "C" fn nanf(_tag: *const c_char) -> f32 {
    f32::NAN
}

/// `int isnan(double x)`, `isinf`, `finite` and glibc's `__` names:
/// functions for code that calls them rather than the `<math.h>` macros.
#[no_mangle]
pub extern "C" fn isnan(x: f64) -> c_int {
    x.is_nan().into()
}

/// `int __isnan(double x)`.
#[no_mangle]
pub extern "C" fn __isnan(x: f64) -> c_int {
    isnan(x)
}

/// `int isinf(double x)`: 1 for +inf, -1 for -inf (glibc).
#[no_mangle]
pub extern "C" fn isinf(x: f64) -> c_int {
    if x.is_infinite() { if x > 0.0 { 1 } else { -1 } } else { 0 }
}

/// `int __isinf(double x)`.
#[no_mangle]
pub extern "C" fn __isinf(x: f64) -> c_int {
    isinf(x)
}

/// `int finite(double x)`.
#[no_mangle]
pub extern "C" fn finite(x: f64) -> c_int {
    x.is_finite().into()
}

/// `int __finite(double x)`.
#[no_mangle]
pub extern "C" fn __finite(x: f64) -> c_int {
    finite(x)
}

/// `int __signbit(double x)`.
#[no_mangle]
pub extern "C" fn __signbit(x: f64) -> c_int {
    x.is_sign_negative().into()
}

/// `int __fpclassify(double x)`: glibc's FP_NAN 0, FP_INFINITE 1, FP_ZERO
/// 2, FP_SUBNORMAL 3, FP_NORMAL 4.
#[no_mangle]
pub extern "C" fn __fpclassify(x: f64) -> c_int {
    use core::num::FpCategory::*;
    match x.classify() {
        Nan => 0,
        Infinite => 1,
        Zero => 2,
        Subnormal => 3,
        Normal => 4,
    }
}
