//! `forecast.csv`: its row, its one writer (`wfm forecast`, `wfm plan`) and its one
//! reader (`wfm staff --forecast`).

use std::fmt;
use std::path::Path;

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, FixedOffset, NaiveDate, Timelike};
use chrono_tz::Tz;

use crate::csv_rows::{Cells, Table};
use crate::error::{Error, Result};
use crate::interval::format_timestamp;
use crate::output::write_csv_atomic;
use crate::units::{as_printed, format_number};

/// Columns of the forecast CSV, in order.
pub const FORECAST_COLUMNS: [&str; 6] = [
    "queue",
    "interval_start",
    "calls",
    "aht_seconds",
    "calls_lo",
    "calls_hi",
];

/// Columns a forecast must have to be staffed; forecasts from other tools may lack the
/// prediction interval.
const REQUIRED_COLUMNS: [&str; 4] = ["queue", "interval_start", "calls", "aht_seconds"];

/// Decimals of calls and handle times in `forecast.csv`.
const DECIMALS: usize = 3;

/// Expected value of an `interval_start` cell, for error messages.
pub(crate) const EXPECTED_TIMESTAMP: &str =
    "an RFC 3339 timestamp such as 2024-03-04T08:30:00Z, in the years 1900 to 2199";

/// An interval's start as the files write it: an RFC 3339 instant, with its text kept as
/// read so that `requirements.csv` repeats the forecast's `Z` or `+00:00` unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntervalStart {
    instant: DateTime<FixedOffset>,
    text: String,
}

impl IntervalStart {
    /// Parses RFC 3339 text.
    pub fn parse(text: &str) -> Option<Self> {
        let instant = DateTime::parse_from_rfc3339(text).ok()?;
        if !crate::limits::date_in_range(instant.date_naive()) {
            return None;
        }
        Some(IntervalStart {
            instant,
            text: text.to_string(),
        })
    }

    /// The instant written as `wfm` writes it, with the zone's offset.
    pub fn new(instant: &DateTime<Tz>) -> Self {
        IntervalStart {
            instant: instant.fixed_offset(),
            text: format_timestamp(instant),
        }
    }

    /// The instant, at the offset the file gives.
    pub fn instant(&self) -> DateTime<FixedOffset> {
        self.instant
    }

    /// The calendar date at that offset: the site's local day in the files `wfm` writes.
    pub fn local_date(&self) -> NaiveDate {
        self.instant.date_naive()
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for IntervalStart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// One row of `forecast.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastRow {
    pub queue: String,
    pub interval_start: IntervalStart,
    /// Offered calls, ≥ 0.
    pub calls: f64,
    /// Average handle time, > 0; `None` (or 0) only in a zero-call interval.
    pub aht_seconds: Option<f64>,
    /// The prediction interval; `None` when a forecast from another tool has none.
    pub calls_lo: Option<f64>,
    pub calls_hi: Option<f64>,
}

impl ForecastRow {
    /// The row `forecast.csv` holds for these figures: each rounded as the file prints
    /// it ([`as_printed`]), so that what `wfm plan` hands to staffing in memory is what
    /// `wfm staff` reads from the file.
    pub fn as_written(
        queue: &str,
        instant: &DateTime<Tz>,
        calls: f64,
        aht_seconds: Option<f64>,
        (calls_lo, calls_hi): (f64, f64),
    ) -> Self {
        let round = |value: f64| as_printed(value, DECIMALS);
        ForecastRow {
            queue: queue.to_string(),
            interval_start: IntervalStart::new(instant),
            calls: round(calls),
            aht_seconds: aht_seconds.map(round),
            calls_lo: Some(round(calls_lo)),
            calls_hi: Some(round(calls_hi)),
        }
    }

    /// The cells of the row ([`FORECAST_COLUMNS`]).
    pub fn record(&self) -> [String; 6] {
        let number =
            |value: Option<f64>| value.map_or(String::new(), |v| format_number(v, DECIMALS));
        [
            self.queue.clone(),
            self.interval_start.to_string(),
            format_number(self.calls, DECIMALS),
            number(self.aht_seconds),
            number(self.calls_lo),
            number(self.calls_hi),
        ]
    }

    /// Reads and checks one record.
    fn parse(cells: &Cells) -> Result<Self> {
        let (queue, interval_start) = queue_and_start(cells)?;
        const EXPECTED: &str = "a number of calls from 0 to 10000000";
        let valid = |c: f64| (0.0..=crate::limits::MAX_CALLS).contains(&c);
        let calls = cells.number("calls", EXPECTED, valid)?;
        let calls_bound = |column| cells.optional_number(column, EXPECTED, valid);
        Ok(ForecastRow {
            queue,
            interval_start,
            calls,
            aht_seconds: parse_aht(cells, calls)?,
            calls_lo: calls_bound("calls_lo")?,
            calls_hi: calls_bound("calls_hi")?,
        })
    }
}

/// A handle time > 0; a zero-call interval needs none (empty or 0).
/// The two cells that key a row of `forecast.csv` and of `requirements.csv`.
pub(crate) fn queue_and_start(cells: &Cells) -> Result<(String, IntervalStart)> {
    let queue = cells.text("queue");
    if queue.is_empty() {
        return Err(cells.error("queue", "a queue name"));
    }
    let interval_start = IntervalStart::parse(cells.text("interval_start"))
        .ok_or_else(|| cells.error("interval_start", EXPECTED_TIMESTAMP))?;
    Ok((queue.to_string(), interval_start))
}

fn parse_aht(cells: &Cells, calls: f64) -> Result<Option<f64>> {
    let expected = "an average handle time in seconds, above 0 and at most 86400";
    let text = cells.text("aht_seconds");
    match text.parse::<f64>() {
        Ok(aht) if aht > 0.0 && aht <= crate::limits::MAX_SECONDS => Ok(Some(aht)),
        Ok(aht) if calls == 0.0 && aht == 0.0 => Ok(Some(aht)),
        Err(_) if calls == 0.0 && text.is_empty() => Ok(None),
        _ => Err(cells.error("aht_seconds", expected)),
    }
}

/// Writes `rows` to `path` (atomically) as `forecast.csv`.
pub fn write_forecast(path: &Path, rows: &[ForecastRow]) -> Result<()> {
    write_csv_atomic(
        path,
        &FORECAST_COLUMNS,
        rows.iter().map(ForecastRow::record),
    )
}

/// Reads a forecast: the columns queue, interval_start, calls and aht_seconds, and
/// calls_lo and calls_hi when present (other columns are ignored). A bad cell is an
/// error naming its file, line and column.
pub fn read_forecast(path: &Path) -> Result<Vec<ForecastRow>> {
    let mut lines = Vec::new();
    let rows =
        Table::open(path, &REQUIRED_COLUMNS, &["calls_lo", "calls_hi"], "")?.rows(|cells| {
            lines.push(cells.line());
            ForecastRow::parse(cells)
        })?;
    check_grid(
        path,
        rows.iter()
            .zip(&lines)
            .map(|(row, &line)| (row.queue.as_str(), &row.interval_start, line)),
    )?;
    Ok(rows)
}

/// The interval length of a forecast or requirements file: the shortest time
/// between two rows of a queue (30 minutes for a file of one row per queue).
pub fn grid_minutes<'a>(rows: impl Iterator<Item = (&'a str, &'a IntervalStart)>) -> u32 {
    let mut by_queue: HashMap<&str, Vec<i64>> = HashMap::new();
    for (queue, start) in rows {
        by_queue
            .entry(queue)
            .or_default()
            .push(start.instant().timestamp());
    }
    by_queue
        .values_mut()
        .filter_map(|starts| {
            starts.sort_unstable();
            starts
                .windows(2)
                .map(|w| w[1] - w[0])
                .filter(|&s| s > 0)
                .min()
        })
        .min()
        .map_or(30, |seconds| (seconds / 60).clamp(1, 1440) as u32)
}

/// Checks the rows of a forecast or requirements file (`path`; each row's queue,
/// start and line) form one interval grid: each queue and interval once; one
/// interval length (the most common step between a queue's rows) that divides the
/// day and is every queue's most common step; every start on it (a whole multiple of
/// the length after local midnight). A row that breaks it is an error at its line:
/// it would be counted twice or staffed for the wrong length.
pub(crate) fn check_grid<'a>(
    path: &Path,
    rows: impl Iterator<Item = (&'a str, &'a IntervalStart, u64)> + Clone,
) -> Result<u32> {
    let column = "interval_start";
    let mut seen: HashMap<(&str, i64), u64> = HashMap::new();
    let mut by_queue: BTreeMap<&str, Vec<(i64, u64)>> = BTreeMap::new();
    for (queue, start, line) in rows.clone() {
        let key = (queue, start.instant().timestamp());
        if let Some(first) = seen.insert(key, line) {
            return Err(Error::at(
                path,
                line,
                column,
                &start.to_string(),
                &format!(
                    "each queue and interval once, but queue {queue} already has this interval at line {first}"
                ),
            ));
        }
        by_queue.entry(queue).or_default().push((key.1, line));
    }
    // Per queue: how often each step between consecutive rows occurs, and the line
    // of a row after one.
    let mut counts: BTreeMap<&str, BTreeMap<i64, (usize, u64)>> = BTreeMap::new();
    for (queue, starts) in &mut by_queue {
        starts.sort_unstable();
        let steps = counts.entry(queue).or_default();
        for pair in starts.windows(2) {
            steps
                .entry(pair[1].0 - pair[0].0)
                .or_insert((0, pair[1].1))
                .0 += 1;
        }
    }
    let usual = |steps: &BTreeMap<i64, (usize, u64)>| {
        steps
            .iter()
            .max_by_key(|(step, (count, _))| (*count, std::cmp::Reverse(**step)))
            .map(|(&step, &(_, line))| (step, line))
    };
    let mut all: BTreeMap<i64, (usize, u64)> = BTreeMap::new();
    for steps in counts.values() {
        for (&step, &(count, line)) in steps {
            all.entry(step).or_insert((0, line)).0 += count;
        }
    }
    let Some((step, line)) = usual(&all) else {
        return Ok(30);
    };
    let text = |line: u64| {
        rows.clone()
            .find(|r| r.2 == line)
            .map_or(String::new(), |r| r.1.to_string())
    };
    let minutes = step / 60;
    if step % 60 != 0 || minutes == 0 || 1440 % minutes != 0 {
        return Err(Error::at(
            path,
            line,
            column,
            &text(line),
            &format!(
                "rows of one interval length that divides the day, but most rows are {step} s apart"
            ),
        ));
    }
    for (queue, steps) in &counts {
        if let Some((other, line)) = usual(steps).filter(|(other, _)| *other != step) {
            return Err(Error::at(
                path,
                line,
                column,
                &text(line),
                &format!(
                    "one interval length in the file, but queue {queue}'s rows are mostly {} minutes apart and the others' {minutes}",
                    other as f64 / 60.0
                ),
            ));
        }
    }
    for (_, start, line) in rows {
        let time = start.instant().time();
        if time.second() != 0 || (time.hour() * 60 + time.minute()) % minutes as u32 != 0 {
            return Err(Error::at(
                path,
                line,
                column,
                &start.to_string(),
                &format!("an interval start on the file's {minutes}-minute grid (a whole number of intervals after local midnight)"),
            ));
        }
    }
    Ok(minutes as u32)
}

/// A staffing problem in one forecast row (no line number: the row may come from
/// memory), e.g. `forecast.csv: queue "sales", interval_start 2026-12-01T09:00:00Z: ...`.
pub fn row_error(source: &Path, row: &ForecastRow, message: &str) -> Error {
    Error::input(format!(
        "{}: queue \"{}\", interval_start {}: {message}",
        source.display(),
        row.queue,
        row.interval_start
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use chrono_tz::Europe::London;

    fn rows() -> Vec<ForecastRow> {
        // Half-hour intervals: sales at 09:30 and 10:00, support at 09:30.
        let at = |h, m| London.with_ymd_and_hms(2026, 7, 1, h, m, 0).unwrap();
        vec![
            ForecastRow::as_written(
                "sales",
                &at(9, 30),
                12.34567,
                Some(183.4567),
                (10.0004, 15.5),
            ),
            ForecastRow::as_written("sales", &at(10, 0), 0.0, None, (0.0, 0.0)),
            ForecastRow::as_written("support", &at(9, 30), 1e-4, Some(0.9996), (0.0, 2.0)),
        ]
    }

    #[test]
    fn rows_are_rounded_as_the_file_prints_them() {
        let rows = rows();
        assert_eq!(rows[0].calls, 12.346);
        assert_eq!(rows[0].aht_seconds, Some(183.457));
        assert_eq!(rows[0].calls_lo, Some(10.0));
        assert_eq!(rows[2].calls, 0.0);
        assert_eq!(rows[2].aht_seconds, Some(1.0));
        assert_eq!(rows[0].interval_start.as_str(), "2026-07-01T09:30:00+01:00");
    }

    #[test]
    fn written_rows_read_back_equal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("forecast.csv");
        write_forecast(&path, &rows()).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "queue,interval_start,calls,aht_seconds,calls_lo,calls_hi\n\
             sales,2026-07-01T09:30:00+01:00,12.346,183.457,10,15.5\n\
             sales,2026-07-01T10:00:00+01:00,0,,0,0\n\
             support,2026-07-01T09:30:00+01:00,0,1,0,2\n"
        );
        assert_eq!(read_forecast(&path).unwrap(), rows());
    }

    #[test]
    fn a_bad_cell_is_located() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("forecast.csv");
        std::fs::write(
            &path,
            "queue,interval_start,calls,aht_seconds,calls_lo\n\
             q,2026-12-01T09:00:00Z,3,180,1\n\
             q,2026-12-01T09:30:00Z,4,180,x\n",
        )
        .unwrap();
        let message = read_forecast(&path).unwrap_err().to_string();
        assert_eq!(
            message,
            format!(
                "{}: line 3, column \"calls_lo\": found \"x\"; expected a number of calls from 0 to 10000000",
                path.display()
            )
        );
    }

    #[test]
    fn other_tools_forecasts_keep_their_timestamps_and_lack_the_interval() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("forecast.csv");
        std::fs::write(
            &path,
            "queue,interval_start,calls,aht_seconds\nq,2026-12-01T09:00:00Z,3.25,180\n",
        )
        .unwrap();
        let rows = read_forecast(&path).unwrap();
        assert_eq!(rows[0].interval_start.as_str(), "2026-12-01T09:00:00Z");
        assert_eq!(rows[0].calls, 3.25);
        assert_eq!(rows[0].calls_lo, None);
        assert_eq!(rows[0].record()[4], "");
    }
}
