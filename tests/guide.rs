//! docs/STARTUP.md shows the real `CRT0_TRACE=1` output of the examples in
//! examples/src/bin, in blocks of the form
//!
//! ````text
//! ```console
//! $ CRT0_TRACE=1 cargo run -q --release -p crt0-examples --bin seq_runtime
//! crt0: phase=args argc=1 envc=1 auxv=22 owner=UNSET rseq=no-tls
//! ...
//! ```
//! ````
//!
//! These tests run every such command (the program alone, in an empty
//! environment plus the variables the command sets) and check that it
//! still prints what the guide shows. On the x86_64 host target the whole
//! output must match once the values that differ between runs and machines
//! are blanked out; elsewhere (another linker or target, aarch64 under
//! qemu-user, where rseq fails with ENOSYS) the rseq owner each line
//! reports must. They also check the proposal's sequences themselves and
//! that the guide has a section for every phase the trace prints.
//!
//! When the trace format changes on purpose, rewrite the blocks from real
//! output (x86_64 host) and review the diff:
//!
//! ```sh
//! GUIDE_BLESS=1 cargo test --test guide
//! ```

mod common;
use common::*;

const GUIDE: &str = "docs/STARTUP.md";
const CARGO_RUN: &str = "cargo run -q --release -p crt0-examples --bin ";

/// The runs the guide must show, each with the owner states its trace goes
/// through (repeats merged): the proposal's three sequences, sequence 2's
/// library on a runtime that does support rseq, and the resolver example.
const REQUIRED: [(&str, &[&str], &[&str]); 5] = [
    ("seq_runtime", &["CRT0_TRACE=1"], &["UNSET", "PREINIT", "LIBC"]),
    ("seq_preloaded_no_runtime", &["CRT0_TRACE=1", "CRT0_RSEQ=0"], &["UNSET", "OVERRIDE"]),
    ("seq_preloaded_no_runtime", &["CRT0_TRACE=1"], &["UNSET", "PREINIT", "LIBC"]),
    ("seq_override", &["CRT0_TRACE=1"], &["UNSET", "PREINIT", "OVERRIDE"]),
    ("resolver_rseq", &["CRT0_TRACE=1"], &["UNSET", "PREINIT", "LIBC"]),
];

/// One run the guide shows.
struct Block {
    env: Vec<(String, String)>,
    example: String,
    /// Guide lines `output` (0-based, end exclusive): what the run printed.
    output: std::ops::Range<usize>,
}

fn read_guide() -> String {
    std::fs::read_to_string(root().join(GUIDE)).expect("docs/STARTUP.md")
}

/// The guide's console blocks. A block that does not run one example the
/// way the tests know how is an error, so that every shown output is checked.
fn blocks(lines: &[&str]) -> Vec<Block> {
    let mut found = vec![];
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim_end() != "```console" {
            i += 1;
            continue;
        }
        let command = lines.get(i + 1).and_then(|l| l.strip_prefix("$ "));
        let command = command.unwrap_or_else(|| panic!("{GUIDE}:{}: a console block starts with `$ command`", i + 2));
        let words: Vec<&str> = command.split_whitespace().collect();
        let n_env = words.iter().take_while(|w| w.contains('=')).count();
        let env = words[..n_env]
            .iter()
            .map(|w| {
                let (k, v) = w.split_once('=').unwrap();
                (k.to_string(), v.to_string())
            })
            .collect();
        let rest = words[n_env..].join(" ");
        let example = rest.strip_prefix(CARGO_RUN).filter(|e| !e.contains(' '));
        let example = example.unwrap_or_else(|| panic!("{GUIDE}:{}: expected `[VAR=value...] {CARGO_RUN}NAME`", i + 2));
        let start = i + 2;
        let end = (start..lines.len())
            .find(|&j| lines[j].trim_end() == "```")
            .unwrap_or_else(|| panic!("{GUIDE}:{}: unclosed block", i + 1));
        found.push(Block { env, example: example.to_string(), output: start..end });
        i = end + 1;
    }
    found
}

fn run_block(cfg: Config, b: &Block) -> Run {
    let env: Vec<(&str, &str)> = b.env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = run(cfg, &example(&b.example, cfg), &[], &env);
    r.assert_exit(0);
    // The guide shows one stream: everything must go to stderr, in order.
    assert_eq!(r.stdout, "", "{} wrote to stdout", b.example);
    r
}

/// A line with the values that differ between runs and machines blanked
/// out: the CPU numbers, the caller's environment and the kernel's auxv
/// size, how the thread pointer is set (FSGSBASE or not) and the kernel's
/// rseq feature size. Every other value, every key and every line stays.
fn normalise(line: &str) -> String {
    let phase = line.strip_prefix("crt0: phase=").and_then(|r| r.split(' ').next());
    let words = line.split(' ').map(|w| match w.split_once('=') {
        Some((k, v)) => match varying(phase, k, v) {
            Some(blank) => format!("{k}={blank}"),
            None => w.to_string(),
        },
        None => w.to_string(),
    });
    words.collect::<Vec<_>>().join(" ")
}

fn varying(phase: Option<&str>, key: &str, value: &str) -> Option<&'static str> {
    match (phase, key) {
        (Some("args"), "envc" | "auxv") | (Some("tls"), "tp") => Some("*"),
        // The kernel's feature size; 0 means "not registered", which is not.
        (Some("rseq"), "size" | "len") | (_, "__rseq_size") if value != "0" => Some("*"),
        // A CPU number, but not a failure code (-1, -2) nor the CPUID count.
        (_, k) if k.contains("cpu") && k != "cpuid" && value.parse::<u32>().is_ok() => Some("N"),
        _ => None,
    }
}

/// What each line says about the owner: `phase=rseq LIBC`, `[library] saw=PREINIT`.
fn owners<'a>(lines: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out = vec![];
    for line in lines {
        let label = match line.strip_prefix("crt0: ") {
            Some(rest) => rest.split(' ').next().unwrap().to_string(),
            None => line.split_whitespace().next().unwrap_or("").to_string(),
        };
        for key in ["owner", "saw"] {
            if let Some(v) = field(line, key) {
                out.push(format!("{label} {key}={v}"));
            }
        }
    }
    out
}

/// The owner states of the trace lines, repeats merged.
fn trace_owner_states(stderr: &str) -> Vec<String> {
    let mut states: Vec<String> = vec![];
    for l in stderr.lines().filter(|l| l.starts_with("crt0: ")) {
        let s = field(l, "owner").expect("every trace line names the owner");
        if states.last() != Some(&s) {
            states.push(s);
        }
    }
    states
}

fn bless() -> bool {
    std::env::var_os("GUIDE_BLESS").is_some_and(|v| v != "0")
}

for_each_config! {
    fn the_guide_shows_what_the_examples_print(cfg: Config) {
        let text = read_guide();
        let lines: Vec<&str> = text.lines().collect();
        let blocks = blocks(&lines);
        for (name, env, _) in REQUIRED {
            let shown = blocks.iter().any(|b| {
                b.example == name && b.env.iter().map(|(k, v)| format!("{k}={v}")).eq(env.iter().map(|s| s.to_string()))
            });
            assert!(shown, "{GUIDE} shows no run of `{} {CARGO_RUN}{name}`", env.join(" "));
        }
        let exact = cfg == Config::X86_64Host;
        let mut blessed: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        // Replaced from the last block up, so earlier line numbers hold.
        for b in blocks.iter().rev() {
            let r = run_block(cfg, b);
            let got: Vec<&str> = r.stderr.lines().collect();
            let shown = &lines[b.output.clone()];
            let what = format!("{} in {GUIDE} (line {}) on {}", b.example, b.output.start + 1, cfg.name());
            if exact && bless() {
                blessed.splice(b.output.clone(), got.iter().map(|l| l.to_string()));
                continue;
            }
            if exact {
                let want: Vec<String> = shown.iter().map(|l| normalise(l)).collect();
                let have: Vec<String> = got.iter().map(|l| normalise(l)).collect();
                assert!(
                    want == have,
                    "{what}: the guide shows\n{}\n\nthe example prints\n{}\n\n(values blanked as compared; \
                     if the change is intended: GUIDE_BLESS=1 cargo test --test guide)",
                    want.join("\n"),
                    have.join("\n")
                );
            } else {
                assert_eq!(owners(shown.iter().copied()), owners(got.iter().copied()), "{what}: owner states\n{}", r.stderr);
            }
        }
        if exact && bless() {
            let mut new_text = blessed.join("\n");
            new_text.push('\n');
            std::fs::write(root().join(GUIDE), new_text).unwrap();
            eprintln!("GUIDE_BLESS: rewrote the output blocks of {GUIDE}");
        }
    }
}

for_each_config! {
    fn the_examples_follow_the_proposals_sequences(cfg: Config) {
        for (name, env, states) in REQUIRED {
            let env: Vec<(&str, &str)> = env.iter().map(|e| e.split_once('=').unwrap()).collect();
            let r = run(cfg, &example(name, cfg), &[], &env);
            r.assert_exit(0);
            assert_eq!(trace_owner_states(&r.stderr), states, "{name} {env:?}:\n{}", r.stderr);
        }
    }
}

#[test]
fn the_guide_has_a_section_for_every_phase() {
    let r = run(Config::X86_64Host, &example("seq_runtime", Config::X86_64Host), &[], &[("CRT0_TRACE", "1")]);
    let phases: Vec<String> =
        r.stderr.lines().filter_map(|l| l.strip_prefix("crt0: phase=")).map(|r| r.split(' ').next().unwrap().to_string()).collect();
    assert!(phases.len() >= 11, "{}", r.stderr);
    let text = read_guide();
    for p in &phases {
        let heading = format!("`{p}`");
        assert!(
            text.lines().any(|l| l.starts_with("### ") && l.contains(&heading)),
            "{GUIDE} has no `### ` heading naming the phase {heading}"
        );
    }
}

#[test]
fn normalising_blanks_only_what_varies() {
    let l = "crt0: phase=rseq cpu=3 len=32 size=28 errno=0 owner=LIBC rseq=registered";
    assert_eq!(normalise(l), "crt0: phase=rseq cpu=N len=* size=* errno=0 owner=LIBC rseq=registered");
    let l = "crt0: phase=rseq cpu=-2 len=0 size=0 errno=38 owner=LIBC rseq=failed";
    assert_eq!(normalise(l), l, "a failed registration is not a CPU number");
    let l = "crt0: phase=relro size=4096 owner=PREINIT rseq=unregistered";
    assert_eq!(normalise(l), l, "only the rseq phase's size is the kernel's");
    let l = "crt0: phase=resolvers count=1 cpuid=4 owner=PREINIT rseq=unregistered";
    assert_eq!(normalise(l), l);
    assert_eq!(normalise("  [main] owner=LIBC cpu_id=1 __rseq_size=28"), "  [main] owner=LIBC cpu_id=N __rseq_size=*");
    assert_eq!(normalise("  [main] owner=OVERRIDE cpu_id=-1 __rseq_size=0"), "  [main] owner=OVERRIDE cpu_id=-1 __rseq_size=0");
}
