//! Conventions every subcommand shares: exit codes, stdout pipes, `--queue`, argument
//! values rejected by the parser.

use std::process::{Command, Stdio};

use assert_cmd::Command as AssertCommand;
use predicates::str::contains;

fn wfm() -> AssertCommand {
    AssertCommand::cargo_bin("wfm").unwrap()
}

/// `wfm erlang ... | head -0`: the reader is gone before wfm writes; wfm ends quietly
/// with 0 instead of panicking on the broken pipe.
#[test]
fn a_closed_stdout_pipe_ends_quietly_with_0() {
    for extra in [&[][..], &["--json"][..]] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let output = Command::new(env!("CARGO_BIN_EXE_wfm"))
            .args(["erlang", "--calls", "100", "--aht", "3m", "--sl", "80/20"])
            .args(extra)
            .stdout(Stdio::from(writer))
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    }
}

/// A full stdout (not a closed pipe) is still an output error, exit 4.
#[test]
fn a_full_stdout_is_an_output_error() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return;
    };
    let output = Command::new(env!("CARGO_BIN_EXE_wfm"))
        .args(["erlang", "--calls", "100", "--aht", "3m", "--sl", "80/20"])
        .stdout(Stdio::from(full))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stderr).starts_with("error: stdout: "));
}
