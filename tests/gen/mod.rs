//! C sources with many start-up items, generated because nobody would
//! write them by hand: used by tests/hostile.rs and by `xtask hostile`
//! (which includes this file by path).

use std::fmt::Write;

/// `n` constructors, half with priorities (101 to 1100, shuffled in the
/// source) and half plain. Each checks that priorities never go down and
/// counts itself; main prints `ctors=N order_ok=1` when every one ran in
/// order. Without `check`, empty constructors and an empty main: what
/// `xtask hostile` counts the instructions of.
pub fn constructors(n: usize, check: bool) -> String {
    if !check {
        // One store each: GCC drops constructors with empty bodies.
        let mut s = String::from("volatile int sink;\n");
        for i in 0..n {
            writeln!(s, "__attribute__((constructor({}))) static void c{i}(void) {{ sink = 1; }}", 101 + (i * 7919) % 1000).unwrap();
        }
        return s + "int main(void) { return 0; }\n";
    }
    let mut s = String::from(
        "#include \"util.h\"\nstatic long count, last, bad;\n\
         static void seen(long p) { bad += p < last; last = p; count++; }\n",
    );
    for i in 0..n {
        if i % 2 == 0 {
            // 7919 is prime, so the priorities come out of source order.
            let p = 101 + (i * 7919) % 1000;
            writeln!(s, "__attribute__((constructor({p}))) static void c{i}(void) {{ seen({p}); }}").unwrap();
        } else {
            writeln!(s, "__attribute__((constructor)) static void c{i}(void) {{ seen(65536); }}").unwrap();
        }
    }
    s.push_str("int main(void) { kv(\"ctors\", count); kv(\"order_ok\", !bad); put(\"\\n\"); return 0; }\n");
    s
}

/// `n` GNU IFUNC symbols (each an IRELATIVE relocation in a static
/// executable), each resolving to a function returning its index; main
/// calls them all and prints `resolved=N sum_ok=1`. Without `check`,
/// resolvers that only answer and a main that calls nothing (a table keeps
/// the symbols, so the relocations stay) and a main that reads one word.
pub fn ifuncs(n: usize, check: bool) -> String {
    if !check {
        let mut s = String::new();
        for i in 0..n {
            writeln!(s, "static long impl{i}(void) {{ return {i}; }}\nstatic void *res{i}(void) {{ return (void *)impl{i}; }}\nlong f{i}(void) __attribute__((ifunc(\"res{i}\")));").unwrap();
        }
        // Not const, and read by main: else the compiler or the linker's
        // --gc-sections drops the table and with it the relocations.
        s.push_str("long (*keep[])(void) = {");
        for i in 0..n {
            write!(s, "f{i},").unwrap();
        }
        return s + &format!("0}};\nint main(void) {{ return keep[{n}] != 0; }}\n");
    }
    let mut s = String::from("#include \"util.h\"\nstatic long resolved;\n");
    for i in 0..n {
        writeln!(
            s,
            "static long impl{i}(void) {{ return {i}; }}\n\
             static void *res{i}(void) {{ resolved++; return (void *)impl{i}; }}\n\
             long f{i}(void) __attribute__((ifunc(\"res{i}\")));"
        )
        .unwrap();
    }
    s.push_str("int main(void) {\n    long sum = 0;\n");
    for i in 0..n {
        writeln!(s, "    sum += f{i}();").unwrap();
    }
    let want = n * n.saturating_sub(1) / 2;
    writeln!(s, "    kv(\"resolved\", resolved);\n    kv(\"sum_ok\", sum == {want}L);\n    put(\"\\n\");\n    return 0;\n}}").unwrap();
    s
}

/// `bytes` of `.tbss` (none for 0), touched once by an otherwise empty main.
pub fn tls(bytes: usize) -> String {
    if bytes == 0 {
        return "int main(void) { return 0; }\n".into();
    }
    format!("__thread char big[{bytes}];\nint main(void) {{ return big[0]; }}\n")
}
