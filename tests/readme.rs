//! The README and the pages of docs/ as a newcomer reads them: the quick
//! start's two commands are the ones that exist and the first prints the
//! start-up order the README draws; the project layout docs/RUST.md shows
//! is examples/user-project's (which tests/user_project.rs builds and
//! tests); every relative link in the README and docs/ leads to a file,
//! and every `#section` link to a heading of that file.

mod common;

use common::*;
use std::collections::BTreeSet;
use std::path::Path;

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The lines of the first fenced block of language `lang` after the line
/// `heading` in `text`.
fn block<'a>(text: &'a str, heading: &str, lang: &str) -> Vec<&'a str> {
    let after = &text[text.find(&format!("\n{heading}\n")).unwrap_or_else(|| panic!("no {heading:?}"))..];
    let start = after.find(&format!("```{lang}\n")).unwrap_or_else(|| panic!("no {lang} block after {heading:?}"));
    let body = &after[start + 4 + lang.len()..];
    body[..body.find("```").unwrap()].lines().collect()
}

/// A shell line without its comment.
fn command(line: &str) -> &str {
    line.split(" #").next().unwrap().trim()
}

#[test]
fn the_quick_start_is_two_commands_and_the_first_shows_the_start_up_order() {
    let readme = read("README.md");
    let commands: Vec<&str> = block(&readme, "## Quick start", "sh").into_iter().map(command).collect();
    let run = "CRT0_TRACE=1 cargo run -q --release -p crt0-examples --bin startup";
    assert_eq!(commands, [run, "./test.sh"]);
    // ./test.sh is the test command.
    let test_sh = read("test.sh");
    assert!(test_sh.lines().any(|l| l.starts_with("exec cargo xtask test")), "test.sh runs cargo xtask test");
    let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(root().join("test.sh")).unwrap().permissions());
    assert!(mode & 0o111 != 0, "test.sh is executable");
    // The demo, as the command runs it: every phase of the trace, in the
    // order the README's figure lists them.
    let r = crate::run(Config::X86_64Host, &example("startup", Config::X86_64Host), &[], &[("CRT0_TRACE", "1")]);
    r.assert_exit(0);
    let phases: Vec<&str> = r.stderr.lines().filter_map(|l| l.strip_prefix("crt0: phase=")?.split(' ').next()).collect();
    let expected = ["args", "tls", "preinit", "irelative", "resolvers", "publish", "relro", "preinit_array", "init_array", "rseq", "main", "exit"];
    assert_eq!(phases, expected, "{}", r.stderr);
    let figure = block(&readme, "## The start-up order", "text").join("\n");
    let mut at = 0;
    for phase in expected {
        let found = figure[at..].find(phase).unwrap_or_else(|| panic!("the README's start-up figure lacks {phase} (after byte {at})"));
        at += found + phase.len();
    }
    // The hooks the program prints, between crt0's phase lines.
    for hook in ["[resolver:", "[.preinit_array]", "[.init_array:", "[main:", "[atexit handler]", "[.fini_array]"] {
        assert!(r.stderr.contains(hook), "startup prints {hook}:\n{}", r.stderr);
    }
}

#[test]
fn the_c_quick_start_names_files_that_exist() {
    let readme = read("README.md");
    for line in block(&readme, "## From C", "sh") {
        for word in command(line).split_whitespace() {
            if word.ends_with(".c") || word.starts_with("crt/") {
                assert!(root().join(word).exists(), "README's From C names {word}, which does not exist");
            }
        }
    }
}

#[test]
fn the_project_layout_docs_show_is_the_example_projects() {
    let rust = read("docs/RUST.md");
    let tree = block(&rust, "## A project's layout, `cargo test`, and the other targets", "text");
    assert_eq!(tree[0], "tally/");
    let project = root().join("examples/user-project");
    // Each line: tree characters, four per level, then a name (a folder
    // ends in /), then two spaces and what it is.
    let mut dirs: Vec<String> = vec![];
    let mut shown = BTreeSet::new();
    for line in &tree[1..] {
        let chars: Vec<char> = line.chars().collect();
        let start = chars.iter().position(|c| c.is_alphanumeric() || *c == '.').unwrap();
        let depth = start / 4;
        let rest: String = chars[start..].iter().collect();
        let (name, about) = rest.split_once("  ").map_or((rest.as_str(), ""), |(n, a)| (n, a.trim()));
        dirs.truncate(depth - 1);
        let path = format!("{}{name}", dirs.concat());
        if name.ends_with('/') {
            assert!(project.join(&path).is_dir(), "docs/RUST.md shows {path}, not in examples/user-project");
            dirs.push(name.to_string());
            continue;
        }
        let text = std::fs::read_to_string(project.join(&path)).unwrap_or_else(|_| panic!("docs/RUST.md shows {path}, not in examples/user-project"));
        // What the tree says a file calls, it calls.
        if let Some(call) = about.find("crt0_build::").map(|i| &about[i..]) {
            assert!(text.contains(call), "{path} does not call {call}");
        }
        shown.insert(path);
    }
    // Every file of the project is shown (not what a build leaves there).
    let mut files = BTreeSet::new();
    fn walk(dir: &Path, prefix: &str, files: &mut BTreeSet<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let name = e.file_name().into_string().unwrap();
            if prefix.is_empty() && ["target", "Cargo.lock", "specs"].contains(&name.as_str()) {
                continue;
            }
            if e.file_type().unwrap().is_dir() {
                walk(&e.path(), &format!("{prefix}{name}/"), files);
            } else {
                files.insert(format!("{prefix}{name}"));
            }
        }
    }
    walk(&project, "", &mut files);
    assert_eq!(shown, files, "docs/RUST.md's tree against examples/user-project");
    // The manifest says what the tree says.
    let manifest = std::fs::read_to_string(project.join("Cargo.toml")).unwrap();
    for line in ["test = false", "bench = false", "panic = \"abort\""] {
        assert!(manifest.contains(line), "examples/user-project/Cargo.toml lacks {line}");
    }
}

/// GitHub's anchor for a heading: lower case, spaces to hyphens, and
/// everything but letters, digits, `-` and `_` dropped.
fn anchor(heading: &str) -> String {
    heading
        .trim_start_matches('#')
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The headings of a Markdown file (outside fenced blocks), as anchors.
fn anchors(text: &str) -> BTreeSet<String> {
    let mut fenced = false;
    let mut found = BTreeSet::new();
    for line in text.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
        } else if !fenced && line.starts_with('#') {
            found.insert(anchor(line));
        }
    }
    found
}

#[test]
fn every_link_in_the_readme_and_docs_leads_somewhere() {
    let mut pages = vec!["README.md".to_string()];
    for e in std::fs::read_dir(root().join("docs")).unwrap() {
        let name = e.unwrap().file_name().into_string().unwrap();
        // README-bench-section.md: a fragment `cargo xtask bench` writes for
        // the README, with the README's links.
        if name.ends_with(".md") && name != "README-bench-section.md" {
            pages.push(format!("docs/{name}"));
        }
    }
    let mut checked = 0;
    for page in &pages {
        let text = read(page);
        let dir = Path::new(page).parent().unwrap();
        let mut fenced = false;
        for line in text.lines() {
            if line.starts_with("```") {
                fenced = !fenced;
            }
            if fenced {
                continue;
            }
            for (i, _) in line.match_indices("](") {
                let target = &line[i + 2..];
                let target = &target[..target.find(')').unwrap_or(target.len())];
                if target.contains("://") || target.starts_with("mailto:") {
                    continue;
                }
                let (file, section) = target.split_once('#').unwrap_or((target, ""));
                let path = if file.is_empty() { Path::new(page).to_path_buf() } else { dir.join(file) };
                assert!(root().join(&path).exists(), "{page}: link to {target}: no {}", path.display());
                if !section.is_empty() {
                    let headings = anchors(&std::fs::read_to_string(root().join(&path)).unwrap());
                    assert!(headings.contains(section), "{page}: link to {target}: no such heading in {}", path.display());
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "only {checked} links found");
}

#[test]
fn anchors_are_githubs() {
    assert_eq!(anchor("## glibc's symbols, for library authors"), "glibcs-symbols-for-library-authors");
    assert_eq!(anchor("## A project's layout, `cargo test`, and the other targets"), "a-projects-layout-cargo-test-and-the-other-targets");
    assert_eq!(anchor("## C++"), "c");
}
