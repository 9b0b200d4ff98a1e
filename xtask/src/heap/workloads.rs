//! The workloads of `cargo xtask heap`: each a C program in xtask/programs/heap/, written from
//! the published description of a standard allocator benchmark (mimalloc-bench's suite and
//! glibc's own microbenchmarks), run with the arguments below. `quick` arguments are for
//! `--quick` runs and for the correctness runs of `cargo test` (tests/heap_workloads.rs).

/// One workload.
pub struct Workload {
    /// The row's name.
    pub name: &'static str,
    /// The program (xtask/programs/heap/PROGRAM.c).
    pub program: &'static str,
    pub args: &'static [&'static str],
    pub quick: &'static [&'static str],
    /// Threads it runs at once (1: single-threaded), for the table.
    pub threads: u32,
    /// What it is shaped like, and what it does.
    pub shape: &'static str,
}

pub const WORKLOADS: [Workload; 13] = [
    Workload { name: "mixed", program: "mixed", args: &["1000000"], quick: &["20000"], threads: 1,
        shape: "issue 16's random mix (alloc-test, sh6bench): 4,096 slots, malloc/calloc/free/realloc, 1 B-1.1 MiB, large-block churn" },
    Workload { name: "grow", program: "grow", args: &["400"], quick: &["20"], threads: 1,
        shape: "realloc growth: 64 buffers grown by 1-512 byte appends to 1 KiB-4 MiB" },
    Workload { name: "bignum", program: "bignum", args: &["2000"], quick: &["20"], threads: 1,
        shape: "cfrac: big-number arithmetic, every result a new small block, operands short-lived" },
    Workload { name: "simple", program: "simple", args: &["1", "60000"], quick: &["1", "500"], threads: 1,
        shape: "glibc bench-malloc-simple: batches of 100 blocks of one small size, allocated then freed" },
    Workload { name: "simple-8t", program: "simple", args: &["8", "6000"], quick: &["8", "100"], threads: 8,
        shape: "glibc bench-malloc-thread: the same in 8 threads, nothing shared" },
    Workload { name: "larson", program: "larson", args: &["8", "10", "100000"], quick: &["8", "3", "2000"], threads: 8,
        shape: "larson: a server, 8 seats of 1,000 blocks handed from thread to thread, most frees remote" },
    Workload { name: "xmalloc", program: "xmalloc", args: &["4", "400000"], quick: &["2", "5000"], threads: 8,
        shape: "xmalloc-test: 4 producers, 4 consumers, every free remote" },
    Workload { name: "scratch", program: "scratch", args: &["4", "200000"], quick: &["4", "2000"], threads: 4,
        shape: "cache-scratch: each thread frees a block of the main thread's, then allocates and writes small blocks" },
    Workload { name: "sh6", program: "sh6", args: &["4", "150"], quick: &["2", "3"], threads: 4,
        shape: "sh6bench: batches of mixed sizes, freed every other one, refilled backwards, freed from the end" },
    Workload { name: "mstress", program: "mstress", args: &["8", "20", "50000"], quick: &["8", "3", "500"], threads: 8,
        shape: "mstress, rptest: rounds of 8 short-lived threads, 16 B-64 KiB, blocks swapped through a shared table" },
    Workload { name: "threads", program: "threads", args: &["4000", "8"], quick: &["64", "8"], threads: 8,
        shape: "many short-lived threads: 4,000 threads, 8 at a time, each leaving blocks for later ones" },
    Workload { name: "frag", program: "frag", args: &["160"], quick: &["8"], threads: 1,
        shape: "long-lived fragmentation: 160 MiB, nine blocks in ten freed at random, other sizes after" },
    Workload { name: "mixed-rust", program: "", args: &["1000000"], quick: &["20000"], threads: 1,
        shape: "mixed, written in Rust on the global allocator (crt0: tests/programs heap_mixed; glibc: the same code under std)" },
];
