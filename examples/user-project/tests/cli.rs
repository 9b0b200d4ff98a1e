//! Runs the crt0 program cargo built for these tests (std test harness).
use std::process::Command;

fn tally(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tally")).args(args).output().expect("tally runs")
}

#[test]
fn counts_its_arguments() {
    let out = tally(&["to", "be", "or", "not", "to", "be"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "2 be\n2 to\n1 not\n1 or\n");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn usage_without_arguments() {
    let out = tally(&[]);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "usage: tally WORD...\n");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn started_by_crt0() {
    // CRT0_TRACE=1 makes crt0's start-up print its phases on stderr.
    let out = Command::new(env!("CARGO_BIN_EXE_tally")).arg("x").env("CRT0_TRACE", "1").output().unwrap();
    let trace = String::from_utf8_lossy(&out.stderr);
    assert!(trace.contains("crt0: phase=main"), "{trace}");
}
