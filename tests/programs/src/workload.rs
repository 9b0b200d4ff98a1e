//! Work for the allocator through `alloc`'s collections: Vec, String,
//! BTreeMap and Box<dyn Trait>, each growing, shrinking and freeing many
//! blocks. The `collections` program runs it on crt0's heap; tests/heap.rs
//! includes this same file and runs it under std (glibc's malloc) for the
//! lines to expect, so the two allocators must give identical reports.
//! Each line also carries checks of its own (`ok=true`).

extern crate alloc;

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

/// A small deterministic generator (a 64-bit LCG, top bits out).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

/// Writes the report, one line per collection.
pub fn report(out: &mut dyn Write) -> core::fmt::Result {
    vec_work(out)?;
    string_work(out)?;
    btree_work(out)?;
    dyn_work(out)
}

fn vec_work(out: &mut dyn Write) -> core::fmt::Result {
    // A sieve, then the primes pushed one by one (the Vec reallocates as it grows).
    const N: usize = 200_000;
    let mut composite = alloc::vec![false; N];
    let mut primes = Vec::new();
    for i in 2..N {
        if !composite[i] {
            primes.push(i as u64);
            for j in (i * i..N).step_by(i) {
                composite[j] = true;
            }
        }
    }
    let sum: u64 = primes.iter().sum();
    // Sorting moves everything through a scratch buffer of its own.
    let mut rng = Lcg(7);
    let mut v: Vec<u64> = (0..100_000).map(|_| rng.next()).collect();
    v.sort_unstable();
    let sorted = v.windows(2).all(|w| w[0] <= w[1]);
    v.dedup();
    v.truncate(1000);
    v.shrink_to_fit();
    writeln!(out, "vec primes={} sum={sum} last={} sorted={sorted} kept={}", primes.len(), primes[primes.len() - 1], v.len())
}

fn string_work(out: &mut dyn Write) -> core::fmt::Result {
    let mut s = String::new();
    for i in 0..20_000 {
        write!(s, "{i},")?;
    }
    let parsed: u64 = s.split(',').filter(|w| !w.is_empty()).map(|w| w.parse::<u64>().unwrap()).sum();
    let text = "grüße aus dem heap ".repeat(500);
    let upper = text.to_uppercase();
    let reversed: String = text.chars().rev().collect();
    let ok = parsed == 19_999 * 20_000 / 2 && reversed.chars().rev().eq(text.chars()) && upper.starts_with("GRÜSSE");
    writeln!(out, "string len={} parsed={parsed} upper_len={} ok={ok}", s.len(), upper.len())
}

fn btree_work(out: &mut dyn Write) -> core::fmt::Result {
    // Word counts over a made-up text of 200,000 words from 5,000 distinct ones.
    let mut rng = Lcg(42);
    let mut counts: BTreeMap<String, u32> = BTreeMap::new();
    for _ in 0..200_000 {
        let n = rng.next() % 5_000;
        let word = alloc::format!("w{:x}", n * 2654435761 % 1_000_003);
        *counts.entry(word).or_insert(0) += 1;
    }
    let distinct = counts.len();
    let total: u32 = counts.values().sum();
    let (top_word, top) = counts.iter().max_by_key(|(w, c)| (**c, core::cmp::Reverse((*w).clone()))).unwrap();
    let top = alloc::format!("{top_word}:{top}");
    // Remove every other key: the tree shrinks and frees nodes.
    let keys: Vec<String> = counts.keys().step_by(2).cloned().collect();
    for k in &keys {
        counts.remove(k);
    }
    let first = counts.keys().next().unwrap().clone();
    writeln!(out, "btree distinct={distinct} total={total} top={top} left={} first={first}", counts.len())
}

trait Shape {
    fn name(&self) -> String;
    /// Twice the area, to stay in integers.
    fn area2(&self) -> u64;
}
struct Rect(u64, u64);
struct Triangle(u64, u64);
struct Named(String, Box<dyn Shape>);
impl Shape for Rect {
    fn name(&self) -> String {
        alloc::format!("rect{}x{}", self.0, self.1)
    }
    fn area2(&self) -> u64 {
        2 * self.0 * self.1
    }
}
impl Shape for Triangle {
    fn name(&self) -> String {
        alloc::format!("tri{}x{}", self.0, self.1)
    }
    fn area2(&self) -> u64 {
        self.0 * self.1
    }
}
impl Shape for Named {
    fn name(&self) -> String {
        alloc::format!("{}({})", self.0, self.1.name())
    }
    fn area2(&self) -> u64 {
        self.1.area2()
    }
}

fn dyn_work(out: &mut dyn Write) -> core::fmt::Result {
    let mut shapes: Vec<Box<dyn Shape>> = Vec::new();
    for i in 1..=3_000u64 {
        shapes.push(match i % 3 {
            0 => Box::new(Rect(i, i + 1)),
            1 => Box::new(Triangle(i, 2 * i)),
            _ => Box::new(Named(alloc::format!("n{i}"), Box::new(Rect(1, i)))),
        });
    }
    let area2: u64 = shapes.iter().map(|s| s.area2()).sum();
    let names: usize = shapes.iter().map(|s| s.name().len()).sum();
    // Closures that own heap data, called through Box<dyn Fn>.
    let mut adders: Vec<Box<dyn Fn(u64) -> u64>> = Vec::new();
    for k in 0..100u64 {
        let table: Vec<u64> = (0..k).collect();
        adders.push(Box::new(move |x| x + table.iter().sum::<u64>()));
    }
    let applied = adders.iter().fold(0, |acc, f| f(acc));
    writeln!(out, "dyn shapes={} area2={area2} names={names} last={} closures={applied}", shapes.len(), shapes[2_999].name())
}
