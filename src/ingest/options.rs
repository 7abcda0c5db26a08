//! What an ingest run is asked to do: the kind of source, the column map, the zone
//! and interval of the output, the outcome codes of call records.

use std::collections::BTreeMap;

use chrono_tz::Tz;

use crate::error::{Error, Result};

/// What the rows of a source are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SourceKind {
    /// Interval reports: one row per queue and interval.
    Intervals,
    /// Call-by-call records: one row per call.
    Calls,
}

/// What a gap (an interval with no source data) becomes in the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Fill {
    /// A row with empty measures: unknown, not zero.
    Missing,
    /// A row with zero calls.
    Zero,
}

/// Canonical keys of interval reports, as a column map names them.
pub const INTERVAL_KEYS: [&str; 8] = [
    "interval_start",
    "queue",
    "offered",
    "handled",
    "abandoned",
    "aht_seconds",
    "asa_seconds",
    "answered_within_target",
];

/// Canonical keys of call-by-call records, as a column map names them.
pub const CALL_KEYS: [&str; 5] = [
    "arrival",
    "queue",
    "wait_seconds",
    "handle_seconds",
    "outcome",
];

/// Options of one ingest run.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    pub kind: SourceKind,
    /// Canonical key -> source header, overriding the default header names.
    pub columns: BTreeMap<String, String>,
    pub time_zone: Tz,
    /// Output interval length in minutes (15, 30 or 60).
    pub interval_minutes: u32,
    /// Queue name for sources without a queue column; with one, only this queue is kept.
    pub queue: Option<String>,
    /// Field delimiter; sniffed from the header line when `None`.
    pub delimiter: Option<u8>,
    pub fill: Fill,
    /// Outcome codes of answered calls (call records), compared case-insensitively.
    pub answered_outcomes: Vec<String>,
    /// Outcome codes of abandoned calls (call records), compared case-insensitively.
    pub abandoned_outcomes: Vec<String>,
    /// Service-level target time in seconds: call records answered within it are
    /// counted in `answered_within_target`.
    pub target_seconds: f64,
    /// A chrono format for timestamps when they are not ISO 8601 (e.g. `%d/%m/%Y %H:%M`).
    pub time_format: Option<String>,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            kind: SourceKind::Intervals,
            columns: BTreeMap::new(),
            time_zone: chrono_tz::UTC,
            interval_minutes: 30,
            queue: None,
            delimiter: None,
            fill: Fill::Missing,
            answered_outcomes: vec!["answered".to_string()],
            abandoned_outcomes: vec!["abandoned".to_string()],
            target_seconds: 20.0,
            time_format: None,
        }
    }
}

pub(super) fn validate_options(options: &IngestOptions) -> Result<()> {
    if ![15, 30, 60].contains(&options.interval_minutes) {
        return Err(Error::input(format!(
            "an output interval of {} minutes is not supported; expected 15, 30 or 60 minutes",
            options.interval_minutes
        )));
    }
    let keys: &[&str] = match options.kind {
        SourceKind::Intervals => &INTERVAL_KEYS,
        SourceKind::Calls => &CALL_KEYS,
    };
    for key in options.columns.keys() {
        if !keys.contains(&key.as_str()) {
            return Err(Error::input(format!(
                "unknown column key \"{key}\" in the column map; expected one of: {}",
                keys.join(", ")
            )));
        }
    }
    if options.target_seconds.is_nan() || options.target_seconds < 0.0 {
        return Err(Error::input(
            "the service-level target time must be zero or more seconds",
        ));
    }
    Ok(())
}

/// Parses a column map: `key=Header,key2="Header, with comma"`.
pub fn parse_column_map(text: &str) -> Result<BTreeMap<String, String>> {
    let mut map = BTreeMap::new();
    let mut pairs = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for ch in text.chars() {
        match ch {
            '"' => quoted = !quoted,
            ',' if !quoted => pairs.push(std::mem::take(&mut current)),
            _ => current.push(ch),
        }
    }
    pairs.push(current);
    for pair in pairs.iter().filter(|p| !p.trim().is_empty()) {
        let (key, header) = pair.split_once('=').ok_or_else(|| {
            Error::input(format!(
                "column map entry \"{pair}\" is not KEY=Header; expected e.g. offered=\"Calls Offered\""
            ))
        })?;
        map.insert(key.trim().to_string(), header.trim().to_string());
    }
    Ok(map)
}
