//! Prints the stack-protector canary crt0 installed (%fs:0x28 on x86_64,
//! `__stack_chk_guard` on aarch64).
#![no_std]
#![no_main]

#[no_mangle]
pub extern "C" fn main(_: i32, _: *const *const u8, _: *const *const u8) -> i32 {
    crt0::println!("canary={:#018x}", crt0_test_programs::canary());
    0
}
