//! `<ctype.h>` in the C locale, with glibc's tables: its headers expand
//! `isalpha(c)` to `(*__ctype_b_loc())[c] & _ISalpha` and, at -O2,
//! `toupper(c)` to `(*__ctype_toupper_loc())[c]`, so the tables must have
//! glibc's bit layout and its range: indices -128..=255 (signed and
//! unsigned char values, and EOF).

use core::ffi::c_int;

// glibc's class bits (<ctype.h>, `_ISbit` on a little-endian machine).
const UPPER: u16 = 0x100;
const LOWER: u16 = 0x200;
const ALPHA: u16 = 0x400;
const DIGIT: u16 = 0x800;
const XDIGIT: u16 = 0x1000;
const SPACE: u16 = 0x2000;
const PRINT: u16 = 0x4000;
const GRAPH: u16 = 0x8000;
const BLANK: u16 = 0x1;
const CNTRL: u16 = 0x2;
const PUNCT: u16 = 0x4;
const ALNUM: u16 = 0x8;

/// The classes of an ASCII byte (none for 128..=255 in the C locale).
const fn classes(c: u8) -> u16 {
    let mut m = 0;
    if c.is_ascii_uppercase() {
        m |= UPPER | ALPHA | ALNUM | PRINT | GRAPH;
    }
    if c.is_ascii_lowercase() {
        m |= LOWER | ALPHA | ALNUM | PRINT | GRAPH;
    }
    if c.is_ascii_digit() {
        m |= DIGIT | ALNUM | PRINT | GRAPH;
    }
    if c.is_ascii_hexdigit() {
        m |= XDIGIT;
    }
    if c.is_ascii_punctuation() {
        m |= PUNCT | PRINT | GRAPH;
    }
    if c == b' ' {
        m |= SPACE | PRINT | BLANK;
    }
    if c >= 9 && c <= 13 {
        m |= SPACE;
    }
    if c == b'\t' {
        m |= BLANK;
    }
    if c < 32 || c == 127 {
        m |= CNTRL;
    }
    m
}

/// Index `i` of a table holds the entry for the value `i - 128`.
const fn class_table() -> [u16; 384] {
    let mut t = [0; 384];
    let mut c = 0;
    while c < 128 {
        t[128 + c] = classes(c as u8);
        c += 1;
    }
    t
}

/// glibc's case tables: ASCII letters mapped; -128..=-2 to their unsigned
/// char values (c + 256); EOF and 128..=255 to themselves.
const fn case_table(upper: bool) -> [i32; 384] {
    let mut t = [0; 384];
    let mut i = 0;
    while i < 384 {
        let c = i as i32 - 128;
        t[i] = if c < -1 {
            c + 256
        } else if upper && c >= b'a' as i32 && c <= b'z' as i32 {
            c - 32
        } else if !upper && c >= b'A' as i32 && c <= b'Z' as i32 {
            c + 32
        } else {
            c
        };
        i += 1;
    }
    t
}

static CLASS: [u16; 384] = class_table();
static LOWER_TABLE: [i32; 384] = case_table(false);
static UPPER_TABLE: [i32; 384] = case_table(true);

/// A pointer to entry 0 of a table, in a static the `*_loc` functions
/// return the address of.
#[repr(transparent)]
struct Loc<T>(*const T);
// SAFETY: the pointers point to immutable statics.
unsafe impl<T> Sync for Loc<T> {}

static CLASS_LOC: Loc<u16> = Loc(CLASS.as_ptr().wrapping_add(128));
static LOWER_LOC: Loc<i32> = Loc(LOWER_TABLE.as_ptr().wrapping_add(128));
static UPPER_LOC: Loc<i32> = Loc(UPPER_TABLE.as_ptr().wrapping_add(128));

/// `const unsigned short **__ctype_b_loc(void)`: the class table (glibc
/// gives each thread its locale's; the C locale's is the only one here).
#[no_mangle]
pub extern "C" fn __ctype_b_loc() -> *const *const u16 {
    &CLASS_LOC.0
}

/// `const int32_t **__ctype_tolower_loc(void)`.
#[no_mangle]
pub extern "C" fn __ctype_tolower_loc() -> *const *const i32 {
    &LOWER_LOC.0
}

/// `const int32_t **__ctype_toupper_loc(void)`.
#[no_mangle]
pub extern "C" fn __ctype_toupper_loc() -> *const *const i32 {
    &UPPER_LOC.0
}

/// The classes of `c` (EOF and values outside -128..=255: none).
fn class(c: c_int) -> u16 {
    usize::try_from(c + 128).ok().and_then(|i| CLASS.get(i)).copied().unwrap_or(0)
}

macro_rules! predicates {
    ($($(#[$doc:meta])* $name:ident = $bits:expr;)*) => {$(
        $(#[$doc])*
        #[no_mangle]
        pub extern "C" fn $name(c: c_int) -> c_int {
            c_int::from(class(c) & $bits)
        }
    )*};
}

predicates! {
    /// `int isalnum(int c)`: nonzero (glibc's class bit) for letters and digits.
    isalnum = ALNUM;
    /// `int isalpha(int c)`.
    isalpha = ALPHA;
    /// `int isblank(int c)`: space and tab.
    isblank = BLANK;
    /// `int iscntrl(int c)`.
    iscntrl = CNTRL;
    /// `int isdigit(int c)`.
    isdigit = DIGIT;
    /// `int isgraph(int c)`.
    isgraph = GRAPH;
    /// `int islower(int c)`.
    islower = LOWER;
    /// `int isprint(int c)`.
    isprint = PRINT;
    /// `int ispunct(int c)`.
    ispunct = PUNCT;
    /// `int isspace(int c)`.
    isspace = SPACE;
    /// `int isupper(int c)`.
    isupper = UPPER;
    /// `int isxdigit(int c)`.
    isxdigit = XDIGIT;
}

/// `int tolower(int c)`.
#[no_mangle]
pub extern "C" fn tolower(c: c_int) -> c_int {
    usize::try_from(c + 128).ok().and_then(|i| LOWER_TABLE.get(i)).copied().unwrap_or(c)
}

/// `int toupper(int c)`.
#[no_mangle]
pub extern "C" fn toupper(c: c_int) -> c_int {
    usize::try_from(c + 128).ok().and_then(|i| UPPER_TABLE.get(i)).copied().unwrap_or(c)
}

/// `int isascii(int c)`.
#[no_mangle]
pub extern "C" fn isascii(c: c_int) -> c_int {
    c_int::from(c & !0x7f == 0)
}

/// `int toascii(int c)`.
#[no_mangle]
pub extern "C" fn toascii(c: c_int) -> c_int {
    c & 0x7f
}
