//! Pseudo-random numbers: `rand srand random srandom rand_r`, with glibc's
//! generators, since programs (and their tests) print what `rand()` gives
//! for a seed. glibc's `random` is an additive feedback generator of
//! degree 31 (`r[i] = r[i-3] + r[i-31]`, output `r[i] >> 1`), seeded by a
//! Lehmer generator (`16807 × r mod 2^31-1`) and run 310 steps before its
//! first output; `rand` is `random`; `rand_r` chains three steps of a
//! linear congruential generator.

use core::ffi::{c_int, c_long, c_uint};

use spin::Mutex;

const DEG: usize = 31;
const SEP: usize = 3;

struct State {
    r: [u32; DEG],
    /// Front and rear indices of the feedback.
    f: usize,
    b: usize,
}

impl State {
    const fn unseeded() -> State {
        State { r: [0; DEG], f: SEP, b: 0 }
    }

    fn seed(&mut self, seed: u32) {
        let seed = if seed == 0 { 1 } else { seed };
        self.r[0] = seed;
        for i in 1..DEG {
            // 16807 × r mod (2^31 - 1), by Schrage's method on signed words.
            let prev = self.r[i - 1] as i32;
            let (hi, lo) = (prev / 127_773, prev % 127_773);
            let mut word = 16_807i32.wrapping_mul(lo).wrapping_sub(2_836i32.wrapping_mul(hi));
            if word < 0 {
                word = word.wrapping_add(2_147_483_647);
            }
            self.r[i] = word as u32;
        }
        self.f = SEP;
        self.b = 0;
        for _ in 0..10 * DEG {
            self.next();
        }
    }

    fn next(&mut self) -> i32 {
        self.r[self.f] = self.r[self.f].wrapping_add(self.r[self.b]);
        let out = (self.r[self.f] >> 1) as i32;
        self.f = (self.f + 1) % DEG;
        self.b = (self.b + 1) % DEG;
        out
    }
}

/// glibc seeds with 1 before the first `srand`.
static STATE: Mutex<Option<State>> = Mutex::new(None);

fn with_state<T>(f: impl FnOnce(&mut State) -> T) -> T {
    let mut guard = STATE.lock();
    let s = guard.get_or_insert_with(|| {
        let mut s = State::unseeded();
        s.seed(1);
        s
    });
    f(s)
}

/// `long random(void)`: 0 ..= 2^31 - 1.
#[no_mangle]
pub extern "C" fn random() -> c_long {
    with_state(|s| s.next()).into()
}

/// `void srandom(unsigned seed)`.
#[no_mangle]
pub extern "C" fn srandom(seed: c_uint) {
    with_state(|s| s.seed(seed));
}

/// `int rand(void)`.
#[no_mangle]
pub extern "C" fn rand() -> c_int {
    with_state(|s| s.next())
}

/// `void srand(unsigned seed)`.
#[no_mangle]
pub extern "C" fn srand(seed: c_uint) {
    srandom(seed);
}

/// `int rand_r(unsigned *seed)`: three steps of `x × 1103515245 + 12345`,
/// 11 + 10 + 10 bits of them.
///
/// # Safety
/// `seed` points to an unsigned int.
#[no_mangle]
pub unsafe extern "C" fn rand_r(seed: *mut c_uint) -> c_int {
    // SAFETY: per the caller.
    let mut next = unsafe { *seed };
    let mut step = |bits: u32| {
        next = next.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        (next / 65_536) % (1 << bits)
    };
    let mut result = step(11);
    result = (result << 10) ^ step(10);
    result = (result << 10) ^ step(10);
    // SAFETY: per the caller.
    unsafe { *seed = next };
    result as c_int
}
