//! The core of `wfm staff`: a forecast CSV in, a requirements CSV out, one row at a
//! time so that memory stays flat however many intervals there are. The output is
//! written through a temporary file and renamed into place, so a bad row anywhere
//! leaves no output file at all.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use crate::erlang::Queue;
use crate::error::{Error, Result};
use crate::output::write_atomic;
use crate::units::format_number;

use super::{required_agents, QueueTargets, Requirement};

/// Columns the forecast must have (others are ignored).
pub const INPUT_COLUMNS: [&str; 4] = ["queue", "interval_start", "calls", "aht_seconds"];

/// Columns of the requirements file, in order.
pub const OUTPUT_COLUMNS: [&str; 10] = [
    "queue",
    "interval_start",
    "calls",
    "aht_seconds",
    "agents",
    "scheduled_staff",
    "service_level",
    "asa_seconds",
    "occupancy",
    "abandon_rate",
];

/// How many unmet intervals are quoted in the summary.
const EXAMPLES: usize = 5;

/// What a run did, for the summary on stderr.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StaffSummary {
    pub intervals: u64,
    /// Intervals where no agent count up to the search limit meets every target.
    pub unmet_intervals: u64,
    /// The first few of those, as `queue interval_start: what fails`.
    pub unmet_examples: Vec<String>,
}

/// Reads `forecast`, staffs every row with the targets of its queue and writes the
/// requirements to `output`. `interval_seconds` is the length of every interval.
pub fn staff_forecast(
    forecast: &Path,
    output: &Path,
    targets: &QueueTargets,
    interval_seconds: f64,
) -> Result<StaffSummary> {
    let file = File::open(forecast).map_err(|e| Error::read(forecast, e))?;
    let mut summary = StaffSummary::default();
    write_atomic(output, |out| {
        let mut writer = csv::Writer::from_writer(out);
        writer
            .write_record(OUTPUT_COLUMNS)
            .map_err(|e| Error::write(output, e.into()))?;
        summary = staff_reader(
            BufReader::new(file),
            forecast,
            targets,
            interval_seconds,
            |staffed| {
                writer
                    .write_record(&staffed.record)
                    .map_err(|e| Error::write(output, e.into()))
            },
        )?;
        writer.flush().map_err(|e| Error::write(output, e))?;
        Ok(())
    })?;
    Ok(summary)
}

/// One staffed forecast interval, as [`staff_reader`] hands it on.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffedInterval<'a> {
    pub queue: &'a str,
    /// The forecast's RFC 3339 timestamp, validated.
    pub interval_start: &'a str,
    pub calls: f64,
    /// Zero for a zero-call interval without a handle time.
    pub aht_seconds: f64,
    pub requirement: Requirement,
    /// The row of the requirements file ([`OUTPUT_COLUMNS`]).
    pub record: [String; 10],
}

/// Staffs every row of a forecast CSV read from `input` (called `name` in messages),
/// handing each staffed interval to `emit` in input order. This is the whole of
/// `wfm staff` but the files, so that `wfm plan` staffs its in-memory forecast with
/// exactly the parsing, validation and rounding of the command.
pub fn staff_reader<R: Read>(
    input: R,
    name: &Path,
    targets: &QueueTargets,
    interval_seconds: f64,
    mut emit: impl FnMut(StaffedInterval<'_>) -> Result<()>,
) -> Result<StaffSummary> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(input);
    let columns = Columns::find(name, &mut reader)?;
    let mut summary = StaffSummary::default();
    let mut record = csv::StringRecord::new();
    while reader
        .read_record(&mut record)
        .map_err(|e| csv_error(name, e))?
    {
        let row = Row::parse(name, &columns, &record)?;
        let requirement = row.staff(name, targets, interval_seconds)?;
        summary.record(&row, &requirement);
        emit(StaffedInterval {
            queue: row.queue,
            interval_start: row.interval_start,
            calls: row.calls,
            aht_seconds: row.aht_seconds,
            record: row.output(&requirement),
            requirement,
        })?;
    }
    Ok(summary)
}

impl StaffSummary {
    fn record(&mut self, row: &Row<'_>, requirement: &Requirement) {
        self.intervals += 1;
        if requirement.unmet.is_empty() {
            return;
        }
        self.unmet_intervals += 1;
        if self.unmet_examples.len() < EXAMPLES {
            let failing: Vec<String> = requirement.unmet.iter().map(|u| u.to_string()).collect();
            self.unmet_examples.push(format!(
                "{} {}: {} at {} agents",
                row.queue,
                row.interval_start,
                failing.join(", "),
                requirement.agents
            ));
        }
    }
}

/// Positions of the needed columns in the header.
struct Columns {
    queue: usize,
    interval_start: usize,
    calls: usize,
    aht_seconds: usize,
}

impl Columns {
    fn find<R: Read>(path: &Path, reader: &mut csv::Reader<R>) -> Result<Self> {
        let header = reader.headers().map_err(|e| csv_error(path, e))?.clone();
        let position = |name: &str| {
            header
                .iter()
                .position(|column| column == name)
                .ok_or_else(|| {
                    Error::at_line(
                        path,
                        1,
                        &format!(
                            "missing column \"{name}\"; a forecast needs the columns {}",
                            INPUT_COLUMNS.join(", ")
                        ),
                    )
                })
        };
        Ok(Columns {
            queue: position("queue")?,
            interval_start: position("interval_start")?,
            calls: position("calls")?,
            aht_seconds: position("aht_seconds")?,
        })
    }
}

/// One validated forecast row, borrowing its text from the record.
struct Row<'a> {
    line: u64,
    queue: &'a str,
    interval_start: &'a str,
    calls_text: &'a str,
    aht_text: &'a str,
    calls: f64,
    aht_seconds: f64,
}

impl<'a> Row<'a> {
    fn parse(path: &Path, columns: &Columns, record: &'a csv::StringRecord) -> Result<Self> {
        let line = record.position().map_or(0, |p| p.line());
        let field = |index: usize| record.get(index).unwrap_or("");
        let queue = field(columns.queue);
        if queue.is_empty() {
            return Err(Error::at(path, line, "queue", queue, "a queue name"));
        }
        let interval_start = field(columns.interval_start);
        if chrono::DateTime::parse_from_rfc3339(interval_start).is_err() {
            return Err(Error::at(
                path,
                line,
                "interval_start",
                interval_start,
                "an RFC 3339 timestamp such as 2024-03-04T08:30:00Z",
            ));
        }
        let calls_text = field(columns.calls);
        let calls = match calls_text.parse::<f64>() {
            Ok(calls) if calls.is_finite() && calls >= 0.0 => calls,
            _ => {
                return Err(Error::at(
                    path,
                    line,
                    "calls",
                    calls_text,
                    "a number of calls >= 0",
                ))
            }
        };
        let aht_text = field(columns.aht_seconds);
        let aht_seconds = match aht_text.parse::<f64>() {
            Ok(aht) if aht.is_finite() && aht > 0.0 => aht,
            // A zero-call interval needs no handle time.
            Ok(aht) if calls == 0.0 && aht == 0.0 => 0.0,
            Err(_) if calls == 0.0 && aht_text.is_empty() => 0.0,
            _ => {
                return Err(Error::at(
                    path,
                    line,
                    "aht_seconds",
                    aht_text,
                    "an average handle time in seconds > 0",
                ))
            }
        };
        Ok(Row {
            line,
            queue,
            interval_start,
            calls_text,
            aht_text,
            calls,
            aht_seconds,
        })
    }

    fn staff(
        &self,
        path: &Path,
        targets: &QueueTargets,
        interval_seconds: f64,
    ) -> Result<Requirement> {
        let targets = targets.for_queue(self.queue);
        let queue = if self.calls == 0.0 {
            // No calls: the handle time is irrelevant (and may be missing).
            Queue::with_load(targets.model, 0.0, 1.0)
        } else {
            Queue::new(
                targets.model,
                self.calls,
                interval_seconds,
                self.aht_seconds,
            )
        }
        .map_err(|e| Error::at_line(path, self.line, &e.to_string()))?;
        Ok(required_agents(&queue, targets))
    }

    fn output(&self, requirement: &Requirement) -> [String; 10] {
        let metrics = &requirement.metrics;
        let share = |value: Option<f64>| value.map_or(String::new(), |v| format_number(v, 4));
        let erlang_a = metrics.abandon_rate.is_some();
        [
            self.queue.to_string(),
            self.interval_start.to_string(),
            self.calls_text.to_string(),
            self.aht_text.to_string(),
            requirement.agents.to_string(),
            requirement.scheduled_staff.to_string(),
            share(metrics.service_level),
            metrics
                .asa_seconds
                .map_or(String::new(), |asa| format_number(asa, 2)),
            format_number(metrics.occupancy, 4),
            if erlang_a {
                share(metrics.abandon_rate)
            } else {
                String::new()
            },
        ]
    }
}

/// A CSV reading error with the file and line in the message.
fn csv_error(path: &Path, error: csv::Error) -> Error {
    let line = error.position().map(|p| p.line());
    match (error.kind(), line) {
        (
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            },
            Some(line),
        ) => Error::at_line(
            path,
            line,
            &format!("found {len} fields; expected {expected_len} like the header"),
        ),
        (csv::ErrorKind::Utf8 { .. }, Some(line)) => {
            Error::at_line(path, line, "not valid UTF-8 text")
        }
        (csv::ErrorKind::Io(_), _) => match error.into_kind() {
            csv::ErrorKind::Io(io) => Error::read(path, io),
            _ => unreachable!("matched an I/O error above"),
        },
        _ => Error::input(format!("{}: {error}", path.display())),
    }
}
