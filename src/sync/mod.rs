//! Blocking synchronisation on futexes: the wait and wake primitive with
//! absolute deadlines on either clock ([`futex`]), and a mutex word that
//! takes no system call unless contended ([`lock`]). The C library's
//! pthread locks, condition variables and semaphores are built on these.

pub mod futex;
pub mod lock;
