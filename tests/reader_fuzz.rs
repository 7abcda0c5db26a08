//! Random bytes and random mutations of valid files fed to every input reader (issue
//! 17, item 6): each returns a value or a bad-input error (exit code 2), never
//! panics, and writes nothing beside its input.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use wfm::error::Error;

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/sample")
        .join(name)
}

fn sample_text(name: &str) -> String {
    std::fs::read_to_string(sample(name)).unwrap()
}

/// The first `lines` lines of a sample file.
fn head(name: &str, lines: usize) -> String {
    sample_text(name)
        .lines()
        .take(lines)
        .map(|line| format!("{line}\n"))
        .collect()
}

/// A day of half-hour rows of both sample queues with `cells` after the start.
fn day_file(header: &str, cells: &str) -> String {
    let mut text = format!("{header}\n");
    for queue in ["sales", "support"] {
        for slot in 0..48 {
            text.push_str(&format!(
                "{queue},2026-12-01T{:02}:{:02}:00+00:00,{cells}\n",
                slot / 2,
                slot % 2 * 30
            ));
        }
    }
    text
}

type Reader = fn(&Path) -> Result<(), Error>;

fn shifts() -> wfm::schedule::ShiftConfig {
    wfm::schedule::ShiftConfig::from_file(&sample("shifts.toml")).unwrap()
}

fn contracts() -> wfm::roster::Contracts {
    wfm::roster::Contracts::from_file(&sample("contracts.toml"), &shifts()).unwrap()
}

/// Every reader, with a valid input to mutate (small, so that a case runs fast).
fn readers() -> Vec<(&'static str, String, Reader)> {
    vec![
        ("history", head("history.csv", 200), |path| {
            let options = wfm::ingest::IngestOptions {
                time_zone: chrono_tz::Europe::London,
                ..Default::default()
            };
            wfm::ingest::ingest_paths(&[path.to_path_buf()], &options).map(drop)
        }),
        (
            "forecast",
            day_file(
                "queue,interval_start,calls,aht_seconds,calls_lo,calls_hi",
                "12,300,9,15",
            ),
            |path| wfm::forecast::file::read_forecast(path).map(drop),
        ),
        (
            "requirements",
            day_file(
                "queue,interval_start,calls,aht_seconds,agents,scheduled_staff",
                "12,300,4,6",
            ),
            |path| wfm::staff::requirements::read_requirements(path).map(drop),
        ),
        ("calendar", sample_text("calendar.csv"), |path| {
            wfm::forecast::calendar::Calendar::read(path).map(drop)
        }),
        ("shifts", sample_text("shifts.toml"), |path| {
            wfm::schedule::ShiftConfig::from_file(path).map(drop)
        }),
        ("contracts", sample_text("contracts.toml"), |path| {
            wfm::roster::Contracts::from_file(path, &shifts()).map(drop)
        }),
        ("agents", sample_text("agents.csv"), |path| {
            wfm::roster::read_agents(path, &contracts()).map(drop)
        }),
        ("availability", sample_text("availability.csv"), |path| {
            let agents = wfm::roster::read_agents(&sample("agents.csv"), &contracts()).unwrap();
            wfm::roster::read_availability(path, &agents).map(drop)
        }),
        (
            "roster",
            "agent_id,date,activity,start,end,queue\n\
             A001,2026-12-01,shift,09:00,12:00,support\n\
             A001,2026-12-01,lunch,12:00,12:30,\n\
             A001,2026-12-01,shift,12:30,17:30,support\n\
             A002,2026-12-02,off,,,\n"
                .to_string(),
            |path| {
                let rows = wfm::roster::read_roster(path)?;
                wfm::roster::roster_horizon(&rows, "roster.csv").map(drop)
            },
        ),
        ("targets", sample_text("targets.toml"), |path| {
            wfm::staff::TargetsFile::read(path).map(drop)
        }),
        ("plan", plan_text(), |path| {
            wfm::plan::PlanConfig::from_file(path).map(drop)
        }),
    ]
}

/// The sample's plan.toml with its inputs named by absolute path (the fuzzed copy
/// lives in a temporary directory).
fn plan_text() -> String {
    let mut text = sample_text("plan.toml");
    for name in [
        "history.csv",
        "calendar.csv",
        "shifts.toml",
        "agents.csv",
        "contracts.toml",
        "availability.csv",
    ] {
        text = text.replace(
            &format!("\"{name}\""),
            &format!("\"{}\"", sample(name).display()),
        );
    }
    text
}

/// Values that broke readers before: far dates, huge and non-finite numbers.
const NASTY: &[&str] = &[
    "1e308",
    "-1e308",
    "NaN",
    "inf",
    "-1",
    "0",
    "1e9",
    "4000000000",
    "0000-01-01",
    "9999-12-31",
    "1970-01-01T00:00:00+00:00",
    "9999-12-01T00:00:00Z",
    "7m",
    "0.001",
    "\"",
    ",",
    "\n",
    "",
    "\u{feff}",
    "é",
    "24:00",
    "99:99",
];

/// One mutation of `text` chosen by `pick`.
#[derive(Debug, Clone)]
enum Mutation {
    /// Replace a token (between separators) with a nasty value.
    Token(usize, usize),
    /// Replace one byte.
    Byte(usize, u8),
    /// Duplicate one line.
    DuplicateLine(usize),
    /// Delete one line.
    DeleteLine(usize),
    /// Cut the text at a point.
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<usize>(), 0..NASTY.len()).prop_map(|(at, value)| Mutation::Token(at, value)),
        2 => (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Byte(at, byte)),
        1 => any::<usize>().prop_map(Mutation::DuplicateLine),
        1 => any::<usize>().prop_map(Mutation::DeleteLine),
        1 => any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(text: &[u8], mutation: &Mutation) -> Vec<u8> {
    let mut bytes = text.to_vec();
    if bytes.is_empty() {
        return bytes;
    }
    let lines: Vec<&[u8]> = text.split_inclusive(|&b| b == b'\n').collect();
    match *mutation {
        Mutation::Token(at, value) => {
            let separators = |b: &u8| matches!(b, b',' | b'\n' | b'"' | b'=' | b' ' | b';');
            let at = at % bytes.len();
            let start = bytes[..at]
                .iter()
                .rposition(separators)
                .map_or(0, |p| p + 1);
            let end = bytes[at..]
                .iter()
                .position(separators)
                .map_or(bytes.len(), |p| at + p);
            bytes.splice(start..end, NASTY[value].bytes());
        }
        Mutation::Byte(at, byte) => {
            let at = at % bytes.len();
            bytes[at] = byte;
        }
        Mutation::DuplicateLine(at) => {
            let line = lines[at % lines.len()];
            bytes = lines
                .iter()
                .flat_map(|l| {
                    if std::ptr::eq(*l, line) {
                        [*l, *l].concat()
                    } else {
                        l.to_vec()
                    }
                })
                .collect();
        }
        Mutation::DeleteLine(at) => {
            let skip = at % lines.len();
            bytes = lines
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .flat_map(|(_, l)| l.to_vec())
                .collect();
        }
        Mutation::Truncate(at) => bytes.truncate(at % bytes.len()),
    }
    bytes
}

/// Runs `reader` on `bytes` in a fresh directory: a value or a bad-input error, and
/// nothing but the input in the directory afterwards.
fn check(name: &str, reader: Reader, bytes: &[u8]) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let file = if name == "plan" {
        "plan.toml"
    } else {
        "input.csv"
    };
    let path = dir.path().join(file);
    std::fs::write(&path, bytes).unwrap();
    if let Err(error) = reader(&path) {
        prop_assert_eq!(error.exit_code(), 2, "{}: {}", name, error);
        prop_assert!(!error.to_string().is_empty());
    }
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    prop_assert_eq!(
        left,
        vec![std::ffi::OsString::from(file)],
        "{} wrote a file",
        name
    );
    Ok(())
}

#[test]
fn the_valid_inputs_read() {
    for (name, text, reader) in readers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(if name == "plan" {
            "plan.toml"
        } else {
            "input.csv"
        });
        std::fs::write(&path, &text).unwrap();
        reader(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_are_read_or_refused(
        reader in 0..11usize,
        bytes in proptest::collection::vec(any::<u8>(), 0..600),
    ) {
        let (name, _, read) = readers().swap_remove(reader);
        check(name, read, &bytes)?;
    }

    #[test]
    fn mutated_valid_files_are_read_or_refused(
        reader in 0..11usize,
        mutations in proptest::collection::vec(mutation(), 1..4),
    ) {
        let (name, text, read) = readers().swap_remove(reader);
        let bytes = mutations
            .iter()
            .fold(text.into_bytes(), |bytes, m| apply(&bytes, m));
        check(name, read, &bytes)?;
    }
}
