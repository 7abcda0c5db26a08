//! The canonical interval table: one row per (queue, interval start) with offered,
//! handled and abandoned calls and handle time, in the site's time zone.
//!
//! Interval starts are kept as instants in the site's IANA zone, so a daylight-saving
//! day simply has 46 or 50 half-hours: the repeated local hour of a fall-back day is
//! two distinct instants (different UTC offsets), never a duplicated key.

use std::io::Write;
use std::path::Path;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Timelike};
use chrono_tz::Tz;

use crate::error::{Error, Result};
use crate::output::write_atomic;
use crate::units::format_number;

/// Column names of the canonical table, in output order.
pub const CANONICAL_COLUMNS: [&str; 8] = [
    "queue",
    "interval_start",
    "offered",
    "handled",
    "abandoned",
    "aht_seconds",
    "asa_seconds",
    "answered_within_target",
];

/// One queue's traffic in one interval. Measures are `None` where the source had no
/// data for the interval (a gap kept as missing) or did not report that measure.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalRecord {
    pub queue: String,
    pub interval_start: DateTime<Tz>,
    /// Calls offered to the queue, abandoned ones included (they are demand).
    pub offered: Option<f64>,
    /// Calls answered by an agent.
    pub handled: Option<f64>,
    /// Calls that hung up before an agent answered.
    pub abandoned: Option<f64>,
    /// Average handle time of handled calls: talk + hold + after-call work, seconds.
    pub aht_seconds: Option<f64>,
    /// Average speed of answer of handled calls, seconds.
    pub asa_seconds: Option<f64>,
    /// Handled calls answered within the service-level target time.
    pub answered_within_target: Option<f64>,
}

impl IntervalRecord {
    /// A record with every measure missing (a gap in the source).
    pub fn missing(queue: &str, interval_start: DateTime<Tz>) -> Self {
        IntervalRecord {
            queue: queue.to_string(),
            interval_start,
            offered: None,
            handled: None,
            abandoned: None,
            aht_seconds: None,
            asa_seconds: None,
            answered_within_target: None,
        }
    }

    /// A record of an interval with no calls (handle times are undefined, so missing).
    pub fn zero(queue: &str, interval_start: DateTime<Tz>, with_optional: bool) -> Self {
        let optional_zero = if with_optional { Some(0.0) } else { None };
        IntervalRecord {
            offered: Some(0.0),
            handled: Some(0.0),
            abandoned: Some(0.0),
            answered_within_target: optional_zero,
            ..IntervalRecord::missing(queue, interval_start)
        }
    }
}

/// The canonical table: records sorted by queue, then interval start, with no
/// duplicate keys and one fixed interval length.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalTable {
    pub time_zone: Tz,
    pub interval_minutes: u32,
    pub records: Vec<IntervalRecord>,
}

impl IntervalTable {
    /// The distinct queue names in table order.
    pub fn queues(&self) -> Vec<String> {
        let mut queues: Vec<String> = Vec::new();
        for record in &self.records {
            if queues.last() != Some(&record.queue) {
                queues.push(record.queue.clone());
            }
        }
        queues
    }

    /// Writes the table as CSV (see `docs/formats.md`).
    pub fn write_csv(&self, out: &mut dyn Write) -> Result<()> {
        let mut writer = CsvTableWriter::new(out)?;
        writer.write(&self.records)?;
        writer.finish()
    }

    /// Writes the table to `path` atomically, as CSV.
    pub fn write_csv_file(&self, path: &Path) -> Result<()> {
        write_atomic(path, |out| {
            self.write_csv(out).map_err(|error| match error {
                Error::Io { cause, .. } => Error::write(path, cause),
                other => other,
            })
        })
    }
}

/// Writes the canonical CSV a batch of records at a time (`wfm ingest` writes its
/// table queue by queue, never holding all of it).
pub struct CsvTableWriter<'w> {
    writer: csv::Writer<&'w mut dyn Write>,
}

fn csv_error(error: csv::Error) -> Error {
    Error::write("<csv>", error.into())
}

impl<'w> CsvTableWriter<'w> {
    /// Starts the table on `out` with its header.
    pub fn new(out: &'w mut dyn Write) -> Result<Self> {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record(CANONICAL_COLUMNS).map_err(csv_error)?;
        Ok(CsvTableWriter { writer })
    }

    /// Writes `records` after those written before.
    pub fn write(&mut self, records: &[IntervalRecord]) -> Result<()> {
        for record in records {
            self.writer
                .write_record([
                    record.queue.as_str(),
                    &format_timestamp(&record.interval_start),
                    &optional_number(record.offered, 0),
                    &optional_number(record.handled, 0),
                    &optional_number(record.abandoned, 0),
                    &optional_number(record.aht_seconds, 3),
                    &optional_number(record.asa_seconds, 3),
                    &optional_number(record.answered_within_target, 0),
                ])
                .map_err(csv_error)?;
        }
        Ok(())
    }

    /// Flushes what is buffered.
    pub fn finish(mut self) -> Result<()> {
        self.writer.flush().map_err(|e| Error::write("<csv>", e))
    }
}

/// Writes the table to `path` atomically as Parquet: `interval_start` as a
/// millisecond datetime in the site's zone, measures as nullable floats.
pub fn write_parquet_file(table: &IntervalTable, path: &Path) -> Result<()> {
    let records = &table.records;
    let queues: Vec<&str> = records.iter().map(|r| r.queue.as_str()).collect();
    let starts: Vec<i64> = records
        .iter()
        .map(|r| r.interval_start.timestamp_millis())
        .collect();
    let measures =
        |k: usize| -> Vec<Option<f64>> { records.iter().map(|r| MEASURES[k](r)).collect() };
    write_parquet_columns(path, table.time_zone, queues, starts, measures)
}

/// The measures of a record in the canonical column order.
const MEASURES: [fn(&IntervalRecord) -> Option<f64>; 6] = [
    |r| r.offered,
    |r| r.handled,
    |r| r.abandoned,
    |r| r.aht_seconds,
    |r| r.asa_seconds,
    |r| r.answered_within_target,
];

/// The canonical table as plain columns, gathered a batch of records at a time for a
/// Parquet file (`wfm ingest -o FILE.parquet` lays out one queue at a time): about a
/// third of the records' size.
pub struct ParquetColumns {
    time_zone: Tz,
    /// Each queue with its number of rows, in table order.
    queues: Vec<(String, usize)>,
    /// Interval starts, milliseconds since the epoch.
    starts: Vec<i64>,
    /// The six measures in column order; NaN where missing (no measure is NaN).
    measures: [Vec<f64>; 6],
}

impl ParquetColumns {
    pub fn new(time_zone: Tz) -> Self {
        ParquetColumns {
            time_zone,
            queues: Vec::new(),
            starts: Vec::new(),
            measures: Default::default(),
        }
    }

    /// Adds `records` after those added before.
    pub fn push(&mut self, records: &[IntervalRecord]) {
        for record in records {
            match self.queues.last_mut() {
                Some((queue, rows)) if *queue == record.queue => *rows += 1,
                _ => self.queues.push((record.queue.clone(), 1)),
            }
            self.starts.push(record.interval_start.timestamp_millis());
            for (k, column) in self.measures.iter_mut().enumerate() {
                column.push(MEASURES[k](record).unwrap_or(f64::NAN));
            }
        }
    }

    /// Writes the columns to `path` atomically, as [`write_parquet_file`] does.
    pub fn write(self, path: &Path) -> Result<()> {
        let queues: Vec<&str> = self
            .queues
            .iter()
            .flat_map(|(queue, rows)| std::iter::repeat_n(queue.as_str(), *rows))
            .collect();
        let measures = &self.measures;
        let column = |k: usize| -> Vec<Option<f64>> {
            measures[k]
                .iter()
                .map(|&v| (!v.is_nan()).then_some(v))
                .collect()
        };
        write_parquet_columns(path, self.time_zone, queues, self.starts, column)
    }
}

/// Writes the canonical columns to `path` atomically as Parquet; `measure(k)` gives
/// the k-th of [`MEASURES`], asked for one at a time.
fn write_parquet_columns(
    path: &Path,
    zone: Tz,
    queues: Vec<&str>,
    starts: Vec<i64>,
    measure: impl Fn(usize) -> Vec<Option<f64>>,
) -> Result<()> {
    use polars::prelude::{
        Column, DataFrame, DataType, ParquetWriter, TimeUnit, TimeZone as PolarsZone,
    };
    let polars_error = |e: polars::error::PolarsError| Error::write(path, std::io::Error::other(e));
    let height = queues.len();
    let zone = PolarsZone::from_chrono(&zone);
    let interval_start = Column::new("interval_start".into(), starts)
        .cast(&DataType::Datetime(TimeUnit::Milliseconds, Some(zone)))
        .map_err(polars_error)?;
    let mut columns = vec![Column::new("queue".into(), queues), interval_start];
    for (k, name) in CANONICAL_COLUMNS[2..].iter().enumerate() {
        columns.push(Column::new((*name).into(), measure(k)));
    }
    let mut frame = DataFrame::new(height, columns).map_err(polars_error)?;
    write_atomic(path, |out| {
        ParquetWriter::new(out)
            .finish(&mut frame)
            .map(|_| ())
            .map_err(polars_error)
    })
}

/// Reads a table [`write_parquet_file`] wrote, its instants shown in `zone`; the
/// interval length is the most common spacing of a queue's consecutive rows.
pub fn read_parquet_file(path: &Path, zone: Tz) -> Result<IntervalTable> {
    use polars::prelude::{DataType, ParquetReader, SerReader};
    let file = std::fs::File::open(path).map_err(|e| Error::read(path, e))?;
    let bad = |what: String| Error::input(format!("{}: {what}", path.display()));
    let frame = ParquetReader::new(file)
        .finish()
        .map_err(|e| bad(format!("not a readable Parquet file ({e})")))?;
    let column = |name: &str, dtype: DataType| {
        frame
            .column(name)
            .map_err(|_| {
                bad(format!(
                    "no column \"{name}\"; expected the canonical table written by wfm ingest"
                ))
            })?
            .cast(&dtype)
            .map_err(|e| bad(format!("column \"{name}\": {e}")))
    };
    let queues = column("queue", DataType::String)?;
    let starts = parquet_instants(&frame, zone).map_err(bad)?;
    let measure = |name: &str| -> Result<Vec<Option<f64>>> {
        if frame.column(name).is_err() {
            return Ok(vec![None; frame.height()]);
        }
        let values = column(name, DataType::Float64)?;
        let values = values.f64().map_err(|e| bad(e.to_string()))?;
        Ok(values.iter().collect())
    };
    let measures = [
        measure("offered")?,
        measure("handled")?,
        measure("abandoned")?,
        measure("aht_seconds")?,
        measure("asa_seconds")?,
        measure("answered_within_target")?,
    ];
    let queues = queues.str().map_err(|e| bad(e.to_string()))?;
    let mut records = Vec::with_capacity(frame.height());
    for (row, (queue, start)) in queues.iter().zip(starts).enumerate() {
        let (Some(queue), Some(interval_start)) = (queue, start) else {
            return Err(bad(format!("row {}: no queue or interval_start", row + 1)));
        };
        records.push(IntervalRecord {
            queue: queue.to_string(),
            interval_start,
            offered: measures[0][row],
            handled: measures[1][row],
            abandoned: measures[2][row],
            aht_seconds: measures[3][row],
            asa_seconds: measures[4][row],
            answered_within_target: measures[5][row],
        });
    }
    let order = |a: &IntervalRecord, b: &IntervalRecord| {
        (&a.queue, a.interval_start).cmp(&(&b.queue, b.interval_start))
    };
    if records
        .windows(2)
        .any(|pair| order(&pair[0], &pair[1]).is_gt())
    {
        records.sort_by(order);
    }
    let interval_minutes = most_common_spacing(&records)
        .ok_or_else(|| bad("no two consecutive intervals 15, 30 or 60 minutes apart".into()))?;
    Ok(IntervalTable {
        time_zone: zone,
        interval_minutes,
        records,
    })
}

/// The `interval_start` column of a Parquet table as instants in `zone`.
fn parquet_instants(
    frame: &polars::prelude::DataFrame,
    zone: Tz,
) -> std::result::Result<Vec<Option<DateTime<Tz>>>, String> {
    use polars::prelude::{DataType, TimeUnit};
    let column = frame
        .column("interval_start")
        .map_err(|_| "no column \"interval_start\"".to_string())?;
    let unit = match column.dtype() {
        DataType::Datetime(unit, _) => *unit,
        other => return Err(format!("interval_start is {other}; expected a datetime")),
    };
    let values = column.cast(&DataType::Int64).map_err(|e| e.to_string())?;
    let values = values.i64().map_err(|e| e.to_string())?;
    let instant = |value: i64| match unit {
        TimeUnit::Milliseconds => DateTime::from_timestamp_millis(value),
        TimeUnit::Microseconds => DateTime::from_timestamp_micros(value),
        TimeUnit::Nanoseconds => Some(DateTime::from_timestamp_nanos(value)),
    };
    Ok(values
        .iter()
        .map(|value| value.and_then(instant).map(|utc| utc.with_timezone(&zone)))
        .collect())
}

/// The most common spacing of consecutive rows of one queue among 15, 30 and 60
/// minutes (ties to the shorter), `None` when no rows are so spaced.
fn most_common_spacing(records: &[IntervalRecord]) -> Option<u32> {
    let mut counts = [0usize; 3];
    for pair in records.windows(2) {
        if pair[0].queue != pair[1].queue {
            continue;
        }
        let minutes = (pair[1].interval_start - pair[0].interval_start).num_minutes();
        if let Some(k) = [15, 30, 60].iter().position(|&m| m == minutes) {
            counts[k] += 1;
        }
    }
    let best = (0..3).rev().max_by_key(|&k| counts[k])?;
    (counts[best] > 0).then_some([15, 30, 60][best])
}

/// RFC 3339 with the UTC offset and no fraction: `2026-03-29T00:30:00+00:00`.
pub fn format_timestamp(instant: &DateTime<Tz>) -> String {
    instant.format("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

fn optional_number(value: Option<f64>, decimals: usize) -> String {
    value
        .map(|v| format_number(v, decimals))
        .unwrap_or_default()
}

/// The first instant of a local calendar day. Where local midnight does not exist
/// (zones that spring forward at 00:00) it is the first valid minute after it.
pub fn local_day_start(date: NaiveDate, zone: Tz) -> DateTime<Tz> {
    let midnight = date.and_hms_opt(0, 0, 0).expect("midnight is a valid time");
    for minute in 0..=180 {
        let local = midnight + Duration::minutes(minute);
        if let Some(instant) = zone.from_local_datetime(&local).earliest() {
            return instant;
        }
    }
    // No zone has a gap longer than three hours; fall back to reading midnight as UTC.
    zone.from_utc_datetime(&midnight)
}

/// Every interval start of a local day: 48 half-hours normally, 46 on a spring-forward
/// day and 50 on a fall-back day (in zones with one-hour shifts).
pub fn local_day_intervals(date: NaiveDate, zone: Tz, interval_minutes: u32) -> Vec<DateTime<Tz>> {
    let start = local_day_start(date, zone);
    let end = local_day_start(date + Duration::days(1), zone);
    let step = Duration::minutes(i64::from(interval_minutes));
    let mut instants = Vec::new();
    let mut instant = start;
    while instant < end {
        instants.push(instant);
        instant += step;
    }
    instants
}

/// Minutes since local midnight of the wall-clock time of `instant`.
pub fn local_minute_of_day(instant: &DateTime<Tz>) -> u32 {
    instant.hour() * 60 + instant.minute()
}

/// The start of the `interval_minutes` interval that contains `instant`, aligned on the
/// local wall clock (so 30-minute intervals start at :00 and :30 local time).
pub fn interval_floor(instant: &DateTime<Tz>, interval_minutes: u32) -> DateTime<Tz> {
    let into_interval = local_minute_of_day(instant) % interval_minutes;
    // Subtract on the instant, never by setting local fields: in the repeated hour of
    // a fall-back day a local time has two instants and would be ambiguous.
    let nanoseconds = (i64::from(into_interval) * 60 + i64::from(instant.second())) * 1_000_000_000
        + i64::from(instant.nanosecond());
    *instant - Duration::nanoseconds(nanoseconds)
}

/// How a naive local time maps to the site's zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalTime {
    /// The time exists once.
    Single(DateTime<Tz>),
    /// The time occurs twice (fall back): the earlier and the later instant.
    Repeated(DateTime<Tz>, DateTime<Tz>),
    /// The time is skipped (spring forward).
    Skipped,
}

/// Resolves a naive local time in `zone`.
pub fn resolve_local(local: &NaiveDateTime, zone: Tz) -> LocalTime {
    match zone.from_local_datetime(local) {
        chrono::LocalResult::Single(instant) => LocalTime::Single(instant),
        chrono::LocalResult::Ambiguous(earlier, later) => LocalTime::Repeated(earlier, later),
        chrono::LocalResult::None => LocalTime::Skipped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::London;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn daylight_saving_days_have_46_and_50_half_hours() {
        assert_eq!(
            local_day_intervals(date("2026-03-28"), London, 30).len(),
            48
        );
        let spring = local_day_intervals(date("2026-03-29"), London, 30);
        assert_eq!(spring.len(), 46);
        assert_eq!(format_timestamp(&spring[2]), "2026-03-29T02:00:00+01:00");
        let autumn = local_day_intervals(date("2026-10-25"), London, 30);
        assert_eq!(autumn.len(), 50);
        assert_eq!(format_timestamp(&autumn[2]), "2026-10-25T01:00:00+01:00");
        assert_eq!(format_timestamp(&autumn[4]), "2026-10-25T01:00:00+00:00");
        assert_eq!(
            local_day_intervals(date("2026-10-25"), London, 15).len(),
            100
        );
        assert_eq!(
            local_day_intervals(date("2026-10-25"), chrono_tz::UTC, 60).len(),
            24
        );
    }

    #[test]
    fn floors_on_the_local_clock() {
        let instant = London
            .from_local_datetime(&date("2026-07-01").and_hms_opt(9, 44, 10).unwrap())
            .unwrap();
        assert_eq!(
            format_timestamp(&interval_floor(&instant, 30)),
            "2026-07-01T09:30:00+01:00"
        );
        assert_eq!(
            format_timestamp(&interval_floor(&instant, 15)),
            "2026-07-01T09:30:00+01:00"
        );
        assert_eq!(
            format_timestamp(&interval_floor(&instant, 60)),
            "2026-07-01T09:00:00+01:00"
        );
    }
}
