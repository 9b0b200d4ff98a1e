//! `<string.h>` and `<strings.h>`: comparing, searching, copying and
//! tokenising strings and memory, and the text of error numbers and
//! signals. (memcpy, memmove, memset, memcmp, bcmp and strlen are in
//! `crate::mem`: compiled code calls them even without a C library.)
//! Scans use `crate::cstr`'s word-at-a-time loops.

mod compare;
pub(crate) mod copy;
mod error;
mod search;
mod token;
