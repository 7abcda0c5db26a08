//! Reading the requirements table that `wfm staff` writes: agents needed per queue
//! and interval.

use std::path::Path;

use chrono::DateTime;
use chrono_tz::Tz;

use crate::error::{Error, Result};

/// One queue's need in one interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Requirement {
    pub queue: String,
    pub interval_start: DateTime<Tz>,
    /// Forecast calls in the interval.
    pub calls: f64,
    pub aht_seconds: f64,
    /// Agents on the phone that Erlang asks for.
    pub agents: f64,
    /// Agents to schedule: `agents / (1 - shrinkage)`, rounded up.
    pub scheduled_staff: f64,
}

/// Which requirement column the schedule covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Cover {
    /// `scheduled_staff`: the Erlang figure grossed up for shrinkage.
    ScheduledStaff,
    /// `agents`: the raw Erlang figure.
    Agents,
}

impl Requirement {
    /// The number the schedule must cover.
    pub fn required(&self, cover: Cover) -> f64 {
        match cover {
            Cover::ScheduledStaff => self.scheduled_staff,
            Cover::Agents => self.agents,
        }
    }
}

const COLUMNS: [&str; 6] = [
    "queue",
    "interval_start",
    "calls",
    "aht_seconds",
    "agents",
    "scheduled_staff",
];

/// Reads a requirements CSV (extra columns are ignored); timestamps are RFC 3339 and
/// are shown in `zone`.
pub fn read_requirements(path: &Path, zone: Tz) -> Result<Vec<Requirement>> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| Error::read(path, e))?;
    let mut reader = csv::ReaderBuilder::new().from_reader(file);
    let headers = reader
        .headers()
        .map_err(|e| Error::input(format!("{name}: cannot read the header: {e}")))?
        .clone();
    let index = |column: &str| {
        headers
            .iter()
            .position(|h| h.trim() == column)
            .ok_or_else(|| {
                Error::input(format!(
                "{name}: no column \"{column}\"; expected the columns {} as written by wfm staff",
                COLUMNS.join(", ")
            ))
            })
    };
    let indexes: Vec<usize> = COLUMNS.iter().map(|c| index(c)).collect::<Result<_>>()?;
    let mut requirements = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| Error::input(format!("{name}: {e}")))?;
        let line = record.position().map_or(0, |p| p.line());
        let field = |i: usize| record.get(indexes[i]).unwrap_or("").trim();
        let number = |i: usize| -> Result<f64> {
            let text = field(i);
            let value = if text.is_empty() {
                Ok(0.0)
            } else {
                text.parse::<f64>()
            };
            match value {
                Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
                _ => Err(Error::at(
                    &name,
                    line,
                    COLUMNS[i],
                    text,
                    "a non-negative number",
                )),
            }
        };
        let start = DateTime::parse_from_rfc3339(field(1)).map_err(|_| {
            Error::at(
                &name,
                line,
                "interval_start",
                field(1),
                "an RFC 3339 timestamp such as 2026-12-01T09:00:00+00:00",
            )
        })?;
        requirements.push(Requirement {
            queue: field(0).to_string(),
            interval_start: start.with_timezone(&zone),
            calls: number(2)?,
            aht_seconds: number(3)?,
            agents: number(4)?,
            scheduled_staff: number(5)?,
        });
    }
    if requirements.is_empty() {
        return Err(Error::input(format!(
            "{name}: no requirement rows; expected one row per queue and interval"
        )));
    }
    Ok(requirements)
}
