//! A queue's history laid out as local days × wall-clock slots, the shape every
//! forecasting method works on.
//!
//! Call-center demand follows the local clock (people call when the office opens, not at a
//! UTC hour), so methods see one row per local date and one column per wall-clock slot
//! (48 half-hours). Daylight saving is resolved here, once: the skipped hour of a
//! spring-forward day is a missing slot, and the repeated hour of a fall-back day is
//! averaged into one per-half-hour rate, which is what a forecast of that wall-clock
//! half-hour means (see [`slot_of`] for the way back to instants).

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, Datelike, Duration, NaiveDate};
use chrono_tz::Tz;
use polars::prelude::{
    col, lit, when, DataFrame, DataType, IntoLazy, ParquetReader, SerReader, TimeUnit,
    TimeZone as PolarsZone, NULL,
};

use crate::error::{Error, Result};
use crate::ingest::{is_parquet, read_ingest, IngestOptions};
use crate::interval::{local_day_intervals, local_minute_of_day, IntervalTable};

/// Values of one queue on a grid of consecutive local days × slots. `None` is a slot
/// without data: a gap in the source, a day removed before fitting (a holiday), or a
/// slot that does not exist (the skipped hour of a spring-forward day).
#[derive(Debug, Clone, PartialEq)]
pub struct DayGrid {
    first_day: NaiveDate,
    slots: usize,
    values: Vec<Option<f64>>,
    /// Per day, the number of wall-clock slots that do not exist (spring forward).
    skipped: Vec<u8>,
}

impl DayGrid {
    /// A grid starting on `first_day`; `values` holds whole days of `slots` values.
    pub fn new(first_day: NaiveDate, slots: usize, values: Vec<Option<f64>>) -> Self {
        assert!(
            slots > 0 && values.len().is_multiple_of(slots),
            "whole days of slots"
        );
        DayGrid {
            first_day,
            slots,
            skipped: vec![0; values.len() / slots],
            values,
        }
    }

    /// The grid with the number of non-existent slots of each day (a spring-forward
    /// day's skipped hour), so those days still have a daily total.
    pub fn with_skipped_slots(mut self, skipped: Vec<u8>) -> Self {
        assert_eq!(skipped.len(), self.days(), "one count per day");
        self.skipped = skipped;
        self
    }

    /// Number of days on the grid.
    pub fn days(&self) -> usize {
        self.values.len() / self.slots
    }

    /// Slots per day (48 for half-hours).
    pub fn slots(&self) -> usize {
        self.slots
    }

    /// The local date of the first row.
    pub fn first_day(&self) -> NaiveDate {
        self.first_day
    }

    /// The local date of row `day` (which may lie past the end, for forecast days).
    pub fn date(&self, day: usize) -> NaiveDate {
        self.first_day + Duration::days(day as i64)
    }

    /// The day after the last row: where a forecast from this history starts.
    pub fn end_date(&self) -> NaiveDate {
        self.date(self.days())
    }

    /// Weekday of row `day`, 0 = Monday ... 6 = Sunday (also for days past the end).
    pub fn weekday(&self, day: usize) -> usize {
        (self.first_day.weekday().num_days_from_monday() as usize + day) % 7
    }

    /// The value of one slot.
    pub fn get(&self, day: usize, slot: usize) -> Option<f64> {
        self.values[day * self.slots + slot]
    }

    /// One day's slots.
    pub fn day_values(&self, day: usize) -> &[Option<f64>] {
        &self.values[day * self.slots..(day + 1) * self.slots]
    }

    /// All values, day after day.
    pub fn values(&self) -> &[Option<f64>] {
        &self.values
    }

    /// The first `days` days: the history as it was known at that point.
    pub fn prefix(&self, days: usize) -> DayGrid {
        DayGrid {
            first_day: self.first_day,
            slots: self.slots,
            values: self.values[..days * self.slots].to_vec(),
            skipped: self.skipped[..days].to_vec(),
        }
    }

    /// The grid with every slot of the days `remove` selects set to missing.
    pub fn without_days(&self, mut remove: impl FnMut(NaiveDate) -> bool) -> DayGrid {
        let mut values = self.values.clone();
        for day in 0..self.days() {
            if remove(self.date(day)) {
                values[day * self.slots..(day + 1) * self.slots].fill(None);
            }
        }
        DayGrid {
            values,
            ..self.clone()
        }
    }

    /// The day's total calls, when every slot that exists was observed.
    pub fn daily_total(&self, day: usize) -> Option<f64> {
        let values = self.day_values(day);
        let missing = values.iter().filter(|v| v.is_none()).count();
        if missing > usize::from(self.skipped[day]) || missing == self.slots {
            return None;
        }
        Some(values.iter().flatten().sum())
    }

    /// Days with at least one observed slot.
    pub fn observed_days(&self) -> usize {
        (0..self.days())
            .filter(|&day| self.day_values(day).iter().any(Option::is_some))
            .count()
    }
}

/// The wall-clock slot of an instant: minutes since local midnight over the slot length.
pub fn slot_of(instant: &DateTime<Tz>, interval_minutes: u32) -> usize {
    (local_minute_of_day(instant) / interval_minutes) as usize
}

/// One queue's history as the forecasters and the AHT profile need it.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueHistory {
    pub queue: String,
    pub time_zone: Tz,
    pub interval_minutes: u32,
    /// Offered calls (abandoned included: they are demand) per slot.
    pub calls: DayGrid,
    /// Handled calls with a known handle time, per slot (0 where unknown).
    pub handled: Vec<f64>,
    /// Total handle seconds of those calls (AHT × handled), per slot.
    pub handle_seconds: Vec<f64>,
}

impl QueueHistory {
    /// The history up to (not including) day `days`.
    pub fn prefix(&self, days: usize) -> QueueHistory {
        let slots = self.calls.slots();
        QueueHistory {
            queue: self.queue.clone(),
            time_zone: self.time_zone,
            interval_minutes: self.interval_minutes,
            calls: self.calls.prefix(days),
            handled: self.handled[..days * slots].to_vec(),
            handle_seconds: self.handle_seconds[..days * slots].to_vec(),
        }
    }
}

fn polars_error(error: polars::error::PolarsError) -> Error {
    Error::input(format!("preparing the history: {error}"))
}

/// Wall-clock slots of a local day that do not exist (the skipped hour of a
/// spring-forward day).
fn skipped_slots(date: NaiveDate, zone: Tz, interval_minutes: u32) -> u8 {
    let slots = (1440 / interval_minutes) as usize;
    let mut exists = vec![false; slots];
    for instant in local_day_intervals(date, zone, interval_minutes) {
        exists[slot_of(&instant, interval_minutes)] = true;
    }
    exists.iter().filter(|e| !**e).count() as u8
}

/// Days since 1970-01-01 of a local date: a compact integer key for group-bys.
fn day_number(date: NaiveDate) -> i32 {
    (date - NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date")).num_days() as i32
}

fn date_of_number(number: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date") + Duration::days(i64::from(number))
}

/// One history per queue from a history file: a Parquet table read in bulk with
/// [`parquet_histories`] (its own zone applies), anything else ingested with `options`.
pub fn read_queue_histories(path: &Path, options: &IngestOptions) -> Result<Vec<QueueHistory>> {
    if is_parquet(path) {
        return parquet_histories(path);
    }
    // Exports are laid out a queue at a time, never holding the whole table.
    let ingest = read_ingest(&[path.to_path_buf()], options)?;
    let (time_zone, interval_minutes) = (ingest.time_zone(), ingest.interval_minutes());
    let mut histories = Vec::new();
    ingest.for_each_queue(|records| {
        let table = IntervalTable {
            time_zone,
            interval_minutes,
            records,
        };
        histories.extend(queue_histories(&table)?);
        Ok(())
    })?;
    Ok(histories)
}

/// Splits the canonical table into one [`QueueHistory`] per queue, in table order.
pub fn queue_histories(table: &IntervalTable) -> Result<Vec<QueueHistory>> {
    let minutes = table.interval_minutes;
    let records = &table.records;
    let rows = Rows {
        queue: records.iter().map(|r| r.queue.as_str()).collect(),
        day: records
            .iter()
            .map(|r| day_number(r.interval_start.date_naive()))
            .collect(),
        slot: records
            .iter()
            .map(|r| slot_of(&r.interval_start, minutes) as i32)
            .collect(),
        offered: records.iter().map(|r| r.offered).collect(),
        // Only calls whose handle time is known weigh in the AHT profile.
        handled: records
            .iter()
            .map(|r| r.aht_seconds.and(r.handled))
            .collect(),
        seconds: records
            .iter()
            .map(|r| Some(r.aht_seconds? * r.handled?))
            .collect(),
    };
    Ok(lay_out(&rows, table.time_zone, minutes))
}

/// Reads the canonical table from Parquet (as `wfm ingest -o history.parquet` writes
/// it) straight into queue histories.
///
/// For a large history this is the fast path: polars reads the columns and derives
/// each row's local day and slot in the site's zone (taken from the file's
/// `interval_start` type) in bulk, where the CSV path parses and validates every
/// timestamp one by one.
pub fn parquet_histories(path: &Path) -> Result<Vec<QueueHistory>> {
    let file = std::fs::File::open(path).map_err(|e| Error::read(path, e))?;
    let bad = |what: String| Error::input(format!("{}: {what}", path.display()));
    let frame = ParquetReader::new(file)
        .finish()
        .map_err(|e| bad(format!("not a readable Parquet file ({e})")))?;
    for name in ["queue", "interval_start", "offered"] {
        if frame.column(name).is_err() {
            return Err(bad(format!(
                "no column \"{name}\"; expected the canonical table written by wfm ingest"
            )));
        }
    }
    let start = frame.column("interval_start").map_err(polars_error)?;
    let (unit, zone) = match start.dtype() {
        DataType::Datetime(unit, Some(zone)) => (*unit, zone.to_chrono().map_err(polars_error)?),
        other => {
            return Err(bad(format!(
                "interval_start is {other}; expected a datetime with a time zone, as written by wfm ingest"
            )))
        }
    };
    let minutes = interval_minutes_of(&frame, unit).map_err(|e| bad(e.to_string()))?;
    let optional = |name: &str| {
        if frame.column(name).is_ok() {
            col(name).cast(DataType::Float64)
        } else {
            lit(NULL).cast(DataType::Float64)
        }
    };
    let local = col("interval_start")
        .dt()
        .convert_time_zone(PolarsZone::from_chrono(&zone));
    let minute_of_day = local.clone().dt().hour().cast(DataType::Int32) * lit(60)
        + local.clone().dt().minute().cast(DataType::Int32);
    let aht = optional("aht_seconds");
    let handled = optional("handled");
    let local_rows = frame
        .lazy()
        .select([
            col("queue").cast(DataType::String),
            local.dt().date().cast(DataType::Int32).alias("day"),
            (minute_of_day.cast(DataType::Float64) / lit(f64::from(minutes)))
                .cast(DataType::Int32)
                .alias("slot"),
            col("offered").cast(DataType::Float64),
            // Only calls whose handle time is known weigh in the AHT profile.
            when(aht.clone().is_null())
                .then(lit(NULL).cast(DataType::Float64))
                .otherwise(handled.clone())
                .alias("handled"),
            (aht * handled).alias("seconds"),
        ])
        .collect()
        .map_err(polars_error)?;
    let column = |name: &str| local_rows.column(name).map_err(polars_error);
    let floats = |name: &str| -> Result<Vec<Option<f64>>> {
        Ok(column(name)?.f64().map_err(polars_error)?.iter().collect())
    };
    let integers = |name: &str| -> Result<Vec<i32>> {
        Ok(column(name)?
            .i32()
            .map_err(polars_error)?
            .iter()
            .map(|v| v.unwrap_or(-1))
            .collect())
    };
    let rows = Rows {
        queue: column("queue")?
            .str()
            .map_err(polars_error)?
            .iter()
            .map(Option::unwrap_or_default)
            .collect(),
        day: integers("day")?,
        slot: integers("slot")?,
        offered: floats("offered")?,
        handled: floats("handled")?,
        seconds: floats("seconds")?,
    };
    Ok(lay_out(&rows, zone, minutes))
}

/// The interval length of a table: the most common step between consecutive starts of
/// one queue, in whole minutes (15, 30 or 60).
fn interval_minutes_of(frame: &DataFrame, unit: TimeUnit) -> crate::Result<u32> {
    let per_minute: i64 = match unit {
        TimeUnit::Milliseconds => 60_000,
        TimeUnit::Microseconds => 60_000_000,
        TimeUnit::Nanoseconds => 60_000_000_000,
    };
    let starts = frame
        .column("interval_start")
        .and_then(|c| c.cast(&DataType::Int64))
        .map_err(polars_error)?;
    let starts: Vec<Option<i64>> = starts.i64().map_err(polars_error)?.iter().collect();
    let queues = frame
        .column("queue")
        .and_then(|c| c.cast(&DataType::String))
        .map_err(polars_error)?;
    let queues: Vec<Option<&str>> = queues.str().map_err(polars_error)?.iter().collect();
    let mut counts = [0usize; 3];
    for i in 1..starts.len() {
        if queues[i] != queues[i - 1] {
            continue;
        }
        if let (Some(a), Some(b)) = (starts[i - 1], starts[i]) {
            if let Some(k) = [15, 30, 60].iter().position(|m| b - a == m * per_minute) {
                counts[k] += 1;
            }
        }
    }
    let best = (0..3).max_by_key(|&k| counts[k]).unwrap_or(1);
    if counts[best] == 0 {
        return Err(Error::input(
            "cannot tell the interval length: no two consecutive 15, 30 or 60 minute intervals",
        ));
    }
    Ok([15, 30, 60][best])
}

/// A canonical table as columns: per row its queue, local day (days since 1970-01-01),
/// wall-clock slot, offered calls, handled calls with a known handle time, and their
/// handle seconds.
struct Rows<'a> {
    queue: Vec<&'a str>,
    day: Vec<i32>,
    slot: Vec<i32>,
    offered: Vec<Option<f64>>,
    handled: Vec<Option<f64>>,
    seconds: Vec<Option<f64>>,
}

/// Sums of one queue's rows per (day, slot) cell, from its first to its last day.
struct Cells {
    first: i32,
    last: i32,
    calls: Vec<f64>,
    observed: Vec<u32>,
    handled: Vec<f64>,
    seconds: Vec<f64>,
}

/// Lays each queue's rows out on its [`DayGrid`], queues in order of first appearance.
///
/// The two instants of a repeated fall-back half-hour land in one cell, where offered
/// calls are averaged (a rate per half-hour, like every other cell) and handled calls
/// and handle seconds summed (the AHT profile weighs by calls). Rows are accumulated in
/// two linear passes (day range, then sums), so a table of millions of rows needs no
/// sort or hash group-by over its string keys.
fn lay_out(rows: &Rows, zone: Tz, minutes: u32) -> Vec<QueueHistory> {
    let slots = (1440 / minutes) as usize;
    let mut order: Vec<&str> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut queue_of = vec![0usize; rows.queue.len()];
    let mut ranges: Vec<(i32, i32)> = Vec::new();
    for (row, name) in rows.queue.iter().enumerate() {
        let q = *index.entry(name).or_insert_with(|| {
            order.push(name);
            ranges.push((i32::MAX, i32::MIN));
            order.len() - 1
        });
        queue_of[row] = q;
        let day = rows.day[row];
        ranges[q] = (ranges[q].0.min(day), ranges[q].1.max(day));
    }
    let mut cells: Vec<Cells> = ranges
        .iter()
        .map(|&(first, last)| {
            let size = (last - first + 1).max(0) as usize * slots;
            Cells {
                first,
                last,
                calls: vec![0.0; size],
                observed: vec![0; size],
                handled: vec![0.0; size],
                seconds: vec![0.0; size],
            }
        })
        .collect();
    for (row, &q) in queue_of.iter().enumerate() {
        let slot = rows.slot[row];
        if slot < 0 || slot as usize >= slots {
            continue;
        }
        let queue = &mut cells[q];
        let cell = (rows.day[row] - queue.first) as usize * slots + slot as usize;
        if let Some(calls) = rows.offered[row] {
            queue.calls[cell] += calls;
            queue.observed[cell] += 1;
        }
        queue.handled[cell] += rows.handled[row].unwrap_or(0.0);
        queue.seconds[cell] += rows.seconds[row].unwrap_or(0.0);
    }
    let first_day = ranges.iter().map(|r| r.0).min().unwrap_or(0);
    let last_day = ranges.iter().map(|r| r.1).max().unwrap_or(0);
    let skipped: Vec<u8> = (first_day..=last_day)
        .map(|day| skipped_slots(date_of_number(day), zone, minutes))
        .collect();
    order
        .iter()
        .zip(cells)
        .map(|(name, queue)| {
            let calls = queue
                .calls
                .iter()
                .zip(&queue.observed)
                .map(|(sum, count)| (*count > 0).then(|| sum / f64::from(*count)))
                .collect();
            let from = (queue.first - first_day) as usize;
            let to = (queue.last - first_day) as usize;
            QueueHistory {
                queue: name.to_string(),
                time_zone: zone,
                interval_minutes: minutes,
                calls: DayGrid::new(date_of_number(queue.first), slots, calls)
                    .with_skipped_slots(skipped[from..=to].to_vec()),
                handled: queue.handled,
                handle_seconds: queue.seconds,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interval::{local_day_intervals, IntervalRecord};
    use chrono_tz::Europe::London;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn fall_back_hour_is_averaged_and_spring_forward_hour_is_missing() {
        let mut records = Vec::new();
        for day in ["2026-03-29", "2026-10-25"] {
            for instant in local_day_intervals(date(day), London, 30) {
                let mut record = IntervalRecord::zero("q", instant, false);
                // 10 calls in the first pass of 01:00, 20 in the second.
                let offset = instant.format("%z").to_string();
                record.offered = Some(if offset == "+0000" { 20.0 } else { 10.0 });
                record.handled = Some(4.0);
                record.aht_seconds = Some(100.0);
                records.push(record);
            }
        }
        let table = IntervalTable {
            time_zone: London,
            interval_minutes: 30,
            records,
        };
        let histories = queue_histories(&table).unwrap();
        assert_eq!(histories.len(), 1);
        let calls = &histories[0].calls;
        assert_eq!(calls.first_day(), date("2026-03-29"));
        assert_eq!(calls.days(), 211);
        // Spring forward: 01:00 and 01:30 do not exist.
        assert_eq!(calls.get(0, 2), None);
        assert_eq!(calls.get(0, 3), None);
        assert_eq!(calls.get(0, 4), Some(10.0));
        assert_eq!(calls.daily_total(0), Some(480.0));
        // A gap in the day (not the skipped hour): no daily total.
        let mut gappy = calls.clone().with_skipped_slots(vec![0; calls.days()]);
        assert_eq!(gappy.daily_total(0), None);
        gappy = gappy.prefix(1);
        assert_eq!(gappy.days(), 1);
        // Days in between are absent from the table: missing.
        assert_eq!(calls.get(100, 20), None);
        assert_eq!(calls.daily_total(100), None);
        // Fall back: 01:00 occurs at +01:00 (10 calls) and +00:00 (20 calls).
        let last = calls.days() - 1;
        assert_eq!(calls.date(last), date("2026-10-25"));
        assert_eq!(calls.get(last, 2), Some(15.0));
        assert_eq!(calls.get(last, 1), Some(10.0));
        assert_eq!(calls.get(last, 47), Some(20.0));
        // Handled calls of both passes add up for the AHT profile.
        assert_eq!(histories[0].handled[last * 48 + 2], 8.0);
        assert_eq!(histories[0].handle_seconds[last * 48 + 2], 800.0);
        assert_eq!(calls.weekday(last), 6);
    }

    #[test]
    fn parquet_history_gives_the_same_grids_as_the_table() {
        let mut records = Vec::new();
        for (queue, scale) in [("b", 2.0), ("a", 1.0)] {
            for day in 0..40 {
                let date = date("2026-10-01") + Duration::days(day);
                for instant in local_day_intervals(date, London, 30) {
                    let minute = local_minute_of_day(&instant);
                    let mut record = IntervalRecord::zero(queue, instant, false);
                    record.offered = (day != 5).then_some(scale * f64::from(minute % 97));
                    record.handled = record.offered;
                    record.aht_seconds =
                        (!minute.is_multiple_of(5)).then_some(200.0 + f64::from(minute % 7));
                    records.push(record);
                }
            }
        }
        let table = IntervalTable {
            time_zone: London,
            interval_minutes: 30,
            records,
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.parquet");
        crate::interval::write_parquet_file(&table, &path).unwrap();
        let mut from_parquet = parquet_histories(&path).unwrap();
        from_parquet.sort_by(|x, y| y.queue.cmp(&x.queue));
        let from_table = queue_histories(&table).unwrap();
        assert_eq!(from_parquet.len(), 2);
        assert_eq!(from_parquet, from_table);
        assert_eq!(from_table[0].queue, "b");
        // 2026-10-25 falls back: its 01:00 slot is the mean of both passes (equal here).
        assert_eq!(from_table[1].calls.get(24, 2), Some(60.0));
    }
}
