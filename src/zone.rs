//! What the timestamps of an input say about the site's time zone.
//!
//! The canonical tables (the history `wfm ingest` writes, forecasts, requirements)
//! write every instant with the UTC offset it had on the site's clock
//! (`2026-12-01T09:00:00+00:00`); many ACD exports do too. An offset does not name a
//! zone (London and Lisbon are both `+00:00` in December, and it says nothing of
//! daylight saving), but it can contradict one: New York is never at `+00:00`. So:
//! - a zone given is checked against every offset written, and a disagreement is an
//!   error naming both ([`Evidence::disagreement`]);
//! - with no zone given, offsets that never change are read as the fixed-offset zone
//!   they imply ([`fixed_zone`]), offsets that change (a zone with daylight saving,
//!   which offsets alone cannot name) and timestamps without an offset are errors.
//!
//! A `Z` (`2026-12-01T09:00:00Z`) is an instant in UTC, the way systems export time,
//! not the site's clock: it is neither checked nor taken as evidence.
//!
//! The scan is a look ahead of the real reader: a file it cannot read, a missing
//! column or a cell it cannot parse is left for that reader to report.

use std::io::Read;
use std::path::Path;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDateTime, Offset};
use chrono_tz::Tz;

use crate::error::{Error, Result};
use crate::table::Table;

/// Naive timestamp forms recognised as such (the ingest's, see
/// `ingest::timestamps`); a cell in none of these forms is left to the reader.
const NAIVE_FORMATS: [&str; 6] = [
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
];

/// One timestamp cell and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub line: u64,
    pub text: String,
}

/// An offset as written, with the first timestamp that carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenOffset {
    pub offset: FixedOffset,
    pub first: Stamp,
}

/// A timestamp whose written offset is not the checked zone's offset at that instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disagreement {
    pub stamp: Stamp,
    pub written: FixedOffset,
    /// The checked zone's offset at the same instant.
    pub zone: FixedOffset,
}

/// What one input's timestamps say about the zone.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Evidence {
    /// The file's name in messages.
    pub file: String,
    /// The first timestamp with no offset (local time in an unnamed zone).
    pub naive: Option<Stamp>,
    /// Each distinct offset written, in order of first appearance.
    pub offsets: Vec<WrittenOffset>,
    /// The first timestamp that contradicts the zone checked, if one was.
    pub disagreement: Option<Disagreement>,
}

impl Evidence {
    /// The error for a timestamp that contradicts `zone`, which came from `source`
    /// (how the caller names where the zone was given, e.g. `[site] time_zone`).
    pub fn contradiction(&self, zone: Tz, source: &str) -> Option<Error> {
        let d = self.disagreement.as_ref()?;
        Some(Error::input(format!(
            "{}: line {}: {} is at UTC offset {}, but the time zone {zone} ({source}) is at {} then; the file was written in another zone: give the zone it was written in",
            self.file, d.stamp.line, d.stamp.text, d.written, d.zone
        )))
    }
}

/// Checks every timestamp of the files `paths` (Parquet tables excepted: they carry
/// their zone) against `zone`, which came from `source`: the first contradiction is
/// an input error naming both.
pub fn check_files(
    paths: &[std::path::PathBuf],
    layout: Layout<'_>,
    zone: Tz,
    source: &str,
) -> Result<()> {
    for path in paths {
        if crate::ingest::is_parquet(path) {
            continue;
        }
        if let Some(error) =
            scan(path, layout, Some(zone)).and_then(|e| e.contradiction(zone, source))
        {
            return Err(error);
        }
    }
    Ok(())
}

/// Where the timestamps are and how they are written.
#[derive(Debug, Clone, Copy)]
pub struct Layout<'a> {
    /// Header names of the timestamp column, first match wins (any ASCII case).
    pub columns: &'a [&'a str],
    /// The field delimiter; sniffed from the header line when `None`.
    pub delimiter: Option<u8>,
    /// A chrono format of the timestamps, when not ISO 8601.
    pub time_format: Option<&'a str>,
}

impl Layout<'static> {
    /// The canonical tables' `interval_start` column, ISO 8601, comma-separated.
    pub const CANONICAL: Layout<'static> = Layout {
        columns: &["interval_start"],
        delimiter: Some(b','),
        time_format: None,
    };

    /// A history: the canonical table or an interval export read without a column
    /// map, its delimiter sniffed.
    pub fn history() -> Layout<'static> {
        Layout {
            columns: crate::ingest::default_headers("interval_start"),
            delimiter: None,
            time_format: None,
        }
    }
}

/// A timestamp read for its offset.
enum Written {
    /// A numeric offset: the site's clock at that instant.
    Offset(DateTime<FixedOffset>),
    /// `Z`: an instant in UTC, not a clock reading.
    Utc,
    /// No offset: a local time.
    Naive,
}

/// What a timestamp cell says about its zone; `None` when it is not a timestamp, or
/// one outside the years wfm reads (the reader reports those with their range).
fn read_written(text: &str, format: Option<&str>) -> Option<Written> {
    let written = read_any_written(text, format)?;
    match written {
        Written::Offset(instant)
            if !(crate::limits::FIRST_YEAR..=crate::limits::LAST_YEAR)
                .contains(&instant.year()) =>
        {
            None
        }
        _ => Some(written),
    }
}

fn read_any_written(text: &str, format: Option<&str>) -> Option<Written> {
    let text = text.trim();
    if text.ends_with(['Z', 'z']) {
        return DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|_| Written::Utc);
    }
    if let Some(format) = format {
        if let Ok(instant) = DateTime::parse_from_str(text, format) {
            return Some(Written::Offset(instant));
        }
        return NaiveDateTime::parse_from_str(text, format)
            .ok()
            .map(|_| Written::Naive);
    }
    if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
        return Some(Written::Offset(instant));
    }
    if let Ok(instant) = DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%:z") {
        return Some(Written::Offset(instant));
    }
    NAIVE_FORMATS
        .iter()
        .any(|format| NaiveDateTime::parse_from_str(text, format).is_ok())
        .then_some(Written::Naive)
}

/// The delimiter of the header line, as the ingest sniffs it.
fn sniff_delimiter(bytes: &[u8]) -> u8 {
    let header = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    crate::ingest::sniff_delimiter(&String::from_utf8_lossy(header))
}

/// The bytes of `path` to scan, and its first line: a regular file is read where it
/// lies (a history can be large), anything else (standard input, a pipe) in memory.
fn open_for_scan(path: &Path) -> Option<(Vec<u8>, Box<dyn Read>)> {
    use std::io::{BufRead, Seek};
    if !crate::input::is_stdin(path) {
        let mut file = std::fs::File::open(path).ok()?;
        if file.metadata().ok()?.is_file() {
            let mut first_line = Vec::new();
            std::io::BufReader::new(&file)
                .read_until(b'\n', &mut first_line)
                .ok()?;
            file.seek(std::io::SeekFrom::Start(0)).ok()?;
            return Some((first_line, Box::new(file)));
        }
    }
    let bytes = crate::input::read_bytes(path).ok()?;
    let first_line = bytes
        .split(|&b| b == b'\n')
        .next()
        .unwrap_or_default()
        .to_vec();
    Some((first_line, Box::new(std::io::Cursor::new(bytes))))
}

/// Reads the timestamps of `path` (`-`: standard input) for their offsets, checking
/// each against `zone` when one is given. `None` when there is nothing to look at:
/// the file cannot be opened, or has no timestamp column (its reader will say so).
pub fn scan(path: &Path, layout: Layout<'_>, zone: Option<Tz>) -> Option<Evidence> {
    let (first_line, input) = open_for_scan(path)?;
    let delimiter = layout
        .delimiter
        .unwrap_or_else(|| sniff_delimiter(&first_line));
    let name = crate::input::display_name(path);
    let mut table = Table::with_delimiter(name.clone(), input, delimiter).ok()?;
    let column = layout.columns.iter().find_map(|c| table.column(c))?;
    let mut evidence = Evidence {
        file: name,
        ..Evidence::default()
    };
    while let Ok(Some(row)) = table.next_row() {
        let text = row.get(column);
        let stamp = || Stamp {
            line: row.line(),
            text: text.to_string(),
        };
        match read_written(text, layout.time_format) {
            Some(Written::Offset(instant)) => {
                let written = *instant.offset();
                if !evidence.offsets.iter().any(|o| o.offset == written) {
                    evidence.offsets.push(WrittenOffset {
                        offset: written,
                        first: stamp(),
                    });
                }
                if let (Some(zone), None) = (zone, &evidence.disagreement) {
                    let theirs = instant.with_timezone(&zone).offset().fix();
                    if theirs != written {
                        evidence.disagreement = Some(Disagreement {
                            stamp: stamp(),
                            written,
                            zone: theirs,
                        });
                    }
                }
            }
            Some(Written::Naive) if evidence.naive.is_none() => evidence.naive = Some(stamp()),
            _ => {}
        }
    }
    Some(evidence)
}

/// The zone of a fixed UTC offset, as the tz database names it: `UTC` for `+00:00`,
/// `Etc/GMT-1` for `+01:00` (the database's signs are reversed). `None` for an offset
/// that is not whole hours (`+05:30`): the database has no fixed zone for it.
pub fn fixed_zone(offset: FixedOffset) -> Option<Tz> {
    let seconds = offset.local_minus_utc();
    if seconds % 3600 != 0 {
        return None;
    }
    let hours = seconds / 3600;
    let name = match hours {
        0 => "UTC".to_string(),
        _ => format!("Etc/GMT{:+}", -hours),
    };
    name.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_text(text: &str, zone: Option<Tz>) -> Evidence {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("requirements.csv");
        std::fs::write(&path, text).unwrap();
        let mut evidence = scan(&path, Layout::CANONICAL, zone).unwrap();
        evidence.file = "requirements.csv".into();
        evidence
    }

    fn offset(hours: i32) -> FixedOffset {
        FixedOffset::east_opt(hours * 3600).unwrap()
    }

    #[test]
    fn offsets_are_collected_once_each_with_their_first_line() {
        let evidence = scan_text(
            "queue,interval_start\nsales,2026-03-28T09:00:00+00:00\nsales,2026-03-28T09:30:00+00:00\n\nsales,2026-03-30T09:00:00+01:00\n",
            None,
        );
        let offsets: Vec<_> = evidence
            .offsets
            .iter()
            .map(|o| (o.offset, o.first.line))
            .collect();
        assert_eq!(offsets, [(offset(0), 2), (offset(1), 5)]);
        assert_eq!(evidence.naive, None);
    }

    #[test]
    fn a_zone_is_checked_against_every_offset() {
        let text = "queue,interval_start\nsales,2026-12-01T09:00:00+00:00\n";
        assert_eq!(
            scan_text(text, Some(chrono_tz::Europe::London)).disagreement,
            None
        );
        assert_eq!(
            scan_text(text, Some(chrono_tz::Europe::Lisbon)).disagreement,
            None
        );
        let disagreement = scan_text(text, Some(chrono_tz::America::New_York))
            .disagreement
            .unwrap();
        assert_eq!(
            (
                disagreement.stamp.line,
                disagreement.written,
                disagreement.zone
            ),
            (2, offset(0), offset(-5))
        );
        let summer = "queue,interval_start\nsales,2026-07-01T09:00:00+00:00\n";
        assert!(scan_text(summer, Some(chrono_tz::Europe::London))
            .disagreement
            .is_some());
    }

    #[test]
    fn naive_and_utc_timestamps_name_no_offset() {
        let evidence = scan_text(
            "queue,interval_start\nsales,2026-12-01T09:00:00Z\nsales,2026-12-01 09:30\nsales,garbage\n",
            Some(chrono_tz::America::New_York),
        );
        assert_eq!(evidence.offsets, []);
        assert_eq!(evidence.disagreement, None);
        assert_eq!(evidence.naive.unwrap().line, 3);
    }

    #[test]
    fn semicolons_are_sniffed_and_formats_followed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.csv");
        std::fs::write(&path, "Queue;Interval\nsales;01/12/2026 09:00 +0100\n").unwrap();
        let layout = Layout {
            columns: &["interval"],
            delimiter: None,
            time_format: Some("%d/%m/%Y %H:%M %z"),
        };
        let evidence = scan(&path, layout, None).unwrap();
        assert_eq!(evidence.offsets[0].offset, offset(1));
        assert!(scan(&dir.path().join("missing.csv"), layout, None).is_none());
    }

    #[test]
    fn fixed_zones_of_whole_hours() {
        assert_eq!(fixed_zone(offset(0)), Some(chrono_tz::UTC));
        assert_eq!(fixed_zone(offset(1)), Some(chrono_tz::Etc::GMTMinus1));
        assert_eq!(fixed_zone(offset(-5)), Some(chrono_tz::Etc::GMTPlus5));
        assert_eq!(fixed_zone(FixedOffset::east_opt(19800).unwrap()), None);
    }
}
