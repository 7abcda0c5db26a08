//! Inputs named by path, where `-` is standard input.
//!
//! Standard input is read once, when first asked for, and kept: a command that looks at
//! an input before reading it (the time-zone check of [`crate::zone`] reads the
//! timestamps first) sees the same bytes twice, as it would from a file. Only one input
//! of a run can be `-`; [`one_standard_input`] says so before anything is read.

use std::io::Read;
use std::path::Path;
use std::sync::OnceLock;

use crate::error::{Error, Result};

/// What a file called `-` is called in messages.
pub const STDIN_NAME: &str = "stdin";

/// Whether `path` means standard input.
pub fn is_stdin(path: &Path) -> bool {
    path == Path::new("-")
}

/// All of standard input, read on the first call and kept for the run.
pub fn stdin_bytes() -> Result<&'static [u8]> {
    static STDIN: OnceLock<std::result::Result<Vec<u8>, std::io::ErrorKind>> = OnceLock::new();
    let read = STDIN.get_or_init(|| {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map(|_| bytes)
            .map_err(|e| e.kind())
    });
    match read {
        Ok(bytes) => Ok(bytes),
        Err(kind) => Err(Error::read(STDIN_NAME, (*kind).into())),
    }
}

/// The bytes of `path`, or of standard input for `-`.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    if is_stdin(path) {
        return stdin_bytes().map(<[u8]>::to_vec);
    }
    std::fs::read(path).map_err(|e| Error::read(path, e))
}

/// The text of `path` (a TOML file), or of standard input for `-`.
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = read_bytes(path)?;
    String::from_utf8(bytes).map_err(|e| {
        Error::input(format!(
            "{}: not UTF-8 text (byte {}); expected a UTF-8 text file",
            display_name(path),
            e.utf8_error().valid_up_to() + 1
        ))
    })
}

/// `path` as messages name it: `stdin` for `-`.
pub fn display_name(path: &Path) -> String {
    if is_stdin(path) {
        STDIN_NAME.to_string()
    } else {
        path.display().to_string()
    }
}

/// Refuses a run that names standard input (`-`) for more than one input: the first
/// would take all of it and leave the others empty.
pub fn one_standard_input(inputs: &[&Path]) -> Result<()> {
    if inputs.iter().filter(|path| is_stdin(path)).count() > 1 {
        return Err(Error::input(
            "standard input (-) is named for more than one input; only one input can be read from it",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_one_input_reads_standard_input() {
        let stdin = Path::new("-");
        one_standard_input(&[stdin, Path::new("a.csv")]).unwrap();
        let message = one_standard_input(&[stdin, Path::new("a.csv"), stdin])
            .unwrap_err()
            .to_string();
        assert!(message.contains("more than one input"), "{message}");
    }

    #[test]
    fn text_inputs_name_their_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.toml");
        std::fs::write(&path, [b'a', 0xff]).unwrap();
        let message = read_text(&path).unwrap_err().to_string();
        assert!(
            message.contains("x.toml: not UTF-8 text (byte 2)"),
            "{message}"
        );
        assert_eq!(display_name(Path::new("-")), "stdin");
    }
}
