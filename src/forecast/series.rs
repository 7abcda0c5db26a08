//! A queue's history laid out as local days × wall-clock slots, the shape every
//! forecasting method works on.
//!
//! Call-center demand follows the local clock (people call when the office opens, not at a
//! UTC hour), so methods see one row per local date and one column per wall-clock slot
//! (48 half-hours). Daylight saving is resolved here, once: the skipped hour of a
//! spring-forward day is a missing slot, and the repeated hour of a fall-back day is
//! averaged into one per-half-hour rate, which is what a forecast of that wall-clock
//! half-hour means (see [`slot_of`] for the way back to instants).

use chrono::{DateTime, Datelike, Duration, NaiveDate};
use chrono_tz::Tz;
use polars::prelude::{col, Column, DataFrame, IntoLazy, SortMultipleOptions};

use crate::error::{Error, Result};
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
            slots > 0 && values.len() % slots == 0,
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
        self.date(day).weekday().num_days_from_monday() as usize
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

/// Splits the canonical table into one [`QueueHistory`] per queue, in table order.
///
/// One polars group-by over (queue, local day, wall-clock slot) does the daylight-saving
/// work for the whole table: the two instants of a repeated fall-back half-hour fall in
/// one group, where offered calls are averaged (a rate per half-hour) and handled calls
/// and handle seconds summed (the AHT profile weighs by calls).
pub fn queue_histories(table: &IntervalTable) -> Result<Vec<QueueHistory>> {
    let minutes = table.interval_minutes;
    let slots = (1440 / minutes) as usize;
    let records = &table.records;
    let queue: Vec<&str> = records.iter().map(|r| r.queue.as_str()).collect();
    let day: Vec<i32> = records
        .iter()
        .map(|r| day_number(r.interval_start.date_naive()))
        .collect();
    let slot: Vec<i32> = records
        .iter()
        .map(|r| slot_of(&r.interval_start, minutes) as i32)
        .collect();
    let offered: Vec<Option<f64>> = records.iter().map(|r| r.offered).collect();
    // Only calls whose handle time is known weigh in the AHT profile.
    let handled: Vec<Option<f64>> = records
        .iter()
        .map(|r| r.aht_seconds.and(r.handled))
        .collect();
    let seconds: Vec<Option<f64>> = records
        .iter()
        .map(|r| Some(r.aht_seconds? * r.handled?))
        .collect();
    let frame = DataFrame::new(
        records.len(),
        vec![
            Column::new("queue".into(), queue),
            Column::new("day".into(), day),
            Column::new("slot".into(), slot),
            Column::new("offered".into(), offered),
            Column::new("handled".into(), handled),
            Column::new("seconds".into(), seconds),
        ],
    )
    .map_err(polars_error)?;
    let grouped = frame
        .lazy()
        .group_by([col("queue"), col("day"), col("slot")])
        .agg([
            col("offered").mean(),
            col("handled").sum(),
            col("seconds").sum(),
        ])
        .sort(["queue", "day", "slot"], SortMultipleOptions::default())
        .collect()
        .map_err(polars_error)?;
    let column = |name: &str| grouped.column(name).map_err(polars_error);
    let queues = column("queue")?.str().map_err(polars_error)?;
    let days = column("day")?.i32().map_err(polars_error)?;
    let slot_numbers = column("slot")?.i32().map_err(polars_error)?;
    let offered = column("offered")?.f64().map_err(polars_error)?;
    let handled = column("handled")?.f64().map_err(polars_error)?;
    let seconds = column("seconds")?.f64().map_err(polars_error)?;

    let mut histories: Vec<QueueHistory> = Vec::new();
    let mut row = 0;
    let rows = grouped.height();
    while row < rows {
        let name = queues.get(row).unwrap_or_default().to_string();
        let mut end = row;
        while end < rows && queues.get(end) == Some(name.as_str()) {
            end += 1;
        }
        let first = days.get(row).unwrap_or_default();
        let last = days.get(end - 1).unwrap_or_default();
        let span = (last - first + 1) as usize;
        let mut calls = vec![None; span * slots];
        let mut handled_grid = vec![0.0; span * slots];
        let mut seconds_grid = vec![0.0; span * slots];
        for i in row..end {
            let day = (days.get(i).unwrap_or_default() - first) as usize;
            let index = day * slots + slot_numbers.get(i).unwrap_or_default() as usize;
            calls[index] = offered.get(i);
            handled_grid[index] = handled.get(i).unwrap_or(0.0);
            seconds_grid[index] = seconds.get(i).unwrap_or(0.0);
        }
        let first_day = date_of_number(first);
        let skipped = (0..span)
            .map(|day| {
                skipped_slots(
                    first_day + Duration::days(day as i64),
                    table.time_zone,
                    minutes,
                )
            })
            .collect();
        histories.push(QueueHistory {
            queue: name,
            time_zone: table.time_zone,
            interval_minutes: minutes,
            calls: DayGrid::new(first_day, slots, calls).with_skipped_slots(skipped),
            handled: handled_grid,
            handle_seconds: seconds_grid,
        });
        row = end;
    }
    // Keep the table's queue order (polars sorted by name, which is the same for a
    // canonical table, but do not rely on it).
    let order = table.queues();
    histories.sort_by_key(|h| order.iter().position(|q| *q == h.queue));
    Ok(histories)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interval::IntervalRecord;
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
}
