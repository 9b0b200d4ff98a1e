//! valgrind's client requests on x86_64 (the sequence valgrind.h documents for amd64-linux).
//!
//! Four `rol`s of `rdi` whose counts add up to 128 (so `rdi` comes back unchanged) mark the
//! next instruction, `xchg %rbx,%rbx`, as a request: valgrind's JIT recognises the pattern,
//! reads the request and its five arguments from the six words `rax` points at, and leaves
//! its answer in `rdx`. On a real CPU the sequence does nothing, and `rdx` keeps the default.

use core::arch::asm;

/// Asks valgrind `args[0]` with the arguments `args[1..]`; `default` when not under valgrind.
#[inline(always)]
pub fn client_request(default: usize, args: &[usize; 6]) -> usize {
    let result;
    // SAFETY: natively, four rotations of rdi by 128 bits in all and an exchange of rbx with
    // itself: no register but the flags changes and no memory is touched. Under valgrind the
    // tool reads the six words at `args`, which live until the sequence ends. The asm is not
    // marked readonly, so no access to a block moves across a request about that block.
    unsafe {
        asm!(
            "rol $3, %rdi",     // the preamble: 3 + 13 + 61 + 51 = 128
            "rol $13, %rdi",
            "rol $61, %rdi",
            "rol $51, %rdi",
            "xchg %rbx, %rbx",  // the request: rdx = request(*rax)
            in("rax") args.as_ptr(),
            inout("rdx") default => result,
            inout("rdi") 0usize => _,
            options(att_syntax, nostack),
        );
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natively_the_sequence_answers_the_default_and_changes_nothing() {
        // RUNNING_ON_VALGRIND (0x1001): valgrind would answer its nesting depth.
        let args = [0x1001, 1, 2, 3, 4, 5];
        assert_eq!(client_request(7, &args), 7);
        assert_eq!(client_request(0, &args), 0);
        assert_eq!(args, [0x1001, 1, 2, 3, 4, 5]);
    }
}
