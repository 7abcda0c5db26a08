//! Interval reports: one row per queue and source interval, checked for one interval
//! length per file, summed into the output intervals and laid on a complete grid.
//!
//! Rows are not kept: each is summed into its output interval (a [`Bucket`]) as it
//! is read, and only its start and line stay until its file's timing is checked, so
//! a history of millions of rows takes a few times its size in memory, not fifteen.

use std::collections::BTreeMap;
use std::collections::HashMap;

use chrono::{DateTime, Duration, TimeZone};
use chrono_tz::Tz;

use super::options::{Fill, IngestOptions, INTERVAL_KEYS};
use super::summary::{gap_record, Gap, GapRun, IngestSummary};
use super::text::{
    cell_at_line, parse_count, parse_seconds, read_rows, resolve_columns, Columns, RowView, Source,
};
use super::timestamps::{is_daylight_saving_edge, parse_timestamp, FoldTracker};
use crate::error::{Error, Result};
use crate::interval::{interval_floor, local_minute_of_day, IntervalRecord};

const NANOS_PER_SECOND: i64 = 1_000_000_000;

/// The measures of one row as read.
struct Measures {
    offered: Option<f64>,
    handled: Option<f64>,
    abandoned: Option<f64>,
    aht_seconds: Option<f64>,
    asa_seconds: Option<f64>,
    answered_within_target: Option<f64>,
}

/// Where a row of the file being read starts: what its file's timing checks need.
#[derive(Clone, Copy)]
struct RowMark {
    /// Nanoseconds since the epoch (a timestamp may have a fraction of a second).
    at: i64,
    line: u64,
}

impl RowMark {
    /// Whole seconds since the epoch, as `DateTime::timestamp` gives them.
    fn seconds(&self) -> i64 {
        self.at.div_euclid(NANOS_PER_SECOND)
    }

    /// Whole minutes from `earlier` to this row, truncated like `TimeDelta::num_minutes`.
    fn minutes_after(&self, earlier: &RowMark) -> i64 {
        (self.at - earlier.at) / (60 * NANOS_PER_SECOND)
    }
}

/// The instant `seconds` after the epoch, in `zone`.
fn instant(zone: Tz, seconds: i64) -> DateTime<Tz> {
    zone.timestamp_opt(seconds, 0)
        .single()
        .expect("an instant in the years the reader accepts")
}

/// Sums of the source intervals falling into one output interval, kept small: a
/// history has a bucket per queue and interval.
#[derive(Clone, Copy)]
struct Bucket {
    /// The output interval's start, seconds since the epoch.
    start: i64,
    /// Source intervals summed (at most 12 in a valid file: 5-minute rows into
    /// hours; it saturates rather than wraps).
    parts: u16,
    /// Source intervals per output interval, from the sources' interval lengths.
    expected_parts: u8,
    /// Offered, handled, abandoned and answered_within_target calls.
    sums: [f64; 4],
    /// Handle and answer times: the sum of value × weight, and of the weights.
    weighted: [[f64; 2]; 2],
    /// Bit k: measure k (the four sums, then the two averages) has a value.
    known: u8,
    /// Bit k: measure k was missing in some part, so the result is unknown.
    unknown: u8,
}

// A history holds a bucket per queue and interval: 1.8 million for 50 queues × 2 years.
const _: () = assert!(std::mem::size_of::<Bucket>() == 80);

/// Adds a count to sum `k`, or marks it unknown when the count is missing.
fn add_sum(bucket: &mut Bucket, k: usize, value: Option<f64>) {
    match value {
        Some(v) => {
            bucket.sums[k] += v;
            bucket.known |= 1 << k;
        }
        None => bucket.unknown |= 1 << k,
    }
}

/// Adds a per-call average (`k` 0 handle, 1 answer time) weighted by `weight` calls.
/// An average that is missing while calls were handled makes the result unknown;
/// with no calls it adds nothing.
fn add_weighted(bucket: &mut Bucket, k: usize, value: Option<f64>, weight: f64) {
    let bit = 1 << (4 + k);
    match value {
        Some(v) if weight > 0.0 => {
            bucket.weighted[k][0] += v * weight;
            bucket.weighted[k][1] += weight;
            bucket.known |= bit;
        }
        Some(_) => {}
        None if weight > 0.0 => bucket.unknown |= bit,
        None => {}
    }
}

impl Bucket {
    fn new(start: i64) -> Self {
        Bucket {
            start,
            parts: 0,
            expected_parts: 0,
            sums: [0.0; 4],
            weighted: [[0.0; 2]; 2],
            known: 0,
            unknown: 0,
        }
    }

    fn add(&mut self, row: &Measures) {
        self.parts = self.parts.saturating_add(1);
        add_sum(self, 0, row.offered);
        add_sum(self, 1, row.handled);
        add_sum(self, 2, row.abandoned);
        add_sum(self, 3, row.answered_within_target);
        // Handle and answer times are averages over handled calls, so they combine
        // weighted by handled calls (offered when handled is not reported).
        let weight = row.handled.or(row.offered).unwrap_or(1.0);
        add_weighted(self, 0, row.aht_seconds, weight);
        add_weighted(self, 1, row.asa_seconds, weight);
    }

    /// Adds a bucket holding one later row: the same sums, in the same order, as
    /// adding that row itself.
    fn merge(&mut self, later: &Bucket) {
        self.parts = self.parts.saturating_add(later.parts);
        self.expected_parts = self.expected_parts.max(later.expected_parts);
        for k in 0..4 {
            if later.known & (1 << k) != 0 {
                self.sums[k] += later.sums[k];
            }
        }
        for k in 0..2 {
            if later.known & (1 << (4 + k)) != 0 {
                self.weighted[k][0] += later.weighted[k][0];
                self.weighted[k][1] += later.weighted[k][1];
            }
        }
        self.known |= later.known;
        self.unknown |= later.unknown;
    }

    fn into_record(self, queue: &str, start: DateTime<Tz>) -> IntervalRecord {
        let value = |k: usize| {
            let bit = 1 << k;
            (self.known & bit != 0 && self.unknown & bit == 0).then_some(k)
        };
        let sum = |k: usize| value(k).map(|k| self.sums[k]);
        let average = |k: usize| value(4 + k).map(|_| self.weighted[k][0] / self.weighted[k][1]);
        IntervalRecord {
            queue: queue.to_string(),
            interval_start: start,
            offered: sum(0),
            handled: sum(1),
            abandoned: sum(2),
            answered_within_target: sum(3),
            aht_seconds: average(0),
            asa_seconds: average(1),
        }
    }
}

/// One queue's buckets. Rows in time order (as exports list them) are summed into
/// the last bucket or open a new one; a row out of order opens a bucket of its own,
/// and [`QueueBuckets::settle`] later sorts and merges them, in file order, so the
/// sums come out as if every row had been added to its bucket in turn.
#[derive(Default)]
struct QueueBuckets {
    buckets: Vec<Bucket>,
    /// `buckets[..settled]` are in time order, one per interval.
    settled: usize,
}

impl QueueBuckets {
    fn add(&mut self, start: i64, row: &Measures) {
        let in_order = self.settled == self.buckets.len();
        if in_order {
            if let Some(last) = self.buckets.last_mut().filter(|last| last.start == start) {
                last.add(row);
                return;
            }
        }
        let ascending = self.buckets.last().is_none_or(|last| last.start < start);
        let mut bucket = Bucket::new(start);
        bucket.add(row);
        self.buckets.push(bucket);
        if in_order && ascending {
            self.settled += 1;
        } else if self.buckets.len() - self.settled > self.settled.max(1024) {
            self.settle();
        }
    }

    /// Sorts the buckets by start (stably: rows of one interval stay in file order)
    /// and merges those of one interval.
    fn settle(&mut self) {
        if self.settled == self.buckets.len() {
            return;
        }
        self.buckets.sort_by_key(|bucket| bucket.start);
        let mut kept = 0;
        for index in 0..self.buckets.len() {
            let bucket = self.buckets[index];
            if kept > 0 && self.buckets[kept - 1].start == bucket.start {
                self.buckets[kept - 1].merge(&bucket);
            } else {
                self.buckets[kept] = bucket;
                kept += 1;
            }
        }
        self.buckets.truncate(kept);
        self.settled = kept;
    }

    /// The bucket of the interval starting at `start` (once settled).
    fn get_mut(&mut self, start: i64) -> Option<&mut Bucket> {
        let index = self
            .buckets
            .binary_search_by_key(&start, |bucket| bucket.start)
            .ok()?;
        Some(&mut self.buckets[index])
    }
}

/// Queue names seen so far across the input files, each given a number once, so that
/// rows and buckets carry a number instead of a copy of the name.
#[derive(Default)]
struct QueueNames {
    names: Vec<String>,
    index: HashMap<String, u32>,
    /// The last name looked up: exports list a queue's rows together.
    last: Option<u32>,
}

impl QueueNames {
    fn id(&mut self, name: &str) -> u32 {
        if let Some(last) = self.last.filter(|&id| self.names[id as usize] == name) {
            return last;
        }
        let id = match self.index.get(name) {
            Some(&id) => id,
            None => {
                let id = self.names.len() as u32;
                self.names.push(name.to_string());
                self.index.insert(name.to_string(), id);
                id
            }
        };
        self.last = Some(id);
        id
    }

    fn name(&self, id: usize) -> &str {
        &self.names[id]
    }
}

/// Column indices of an interval report, looked up once per file, not per row.
struct ReportColumns {
    start: usize,
    offered: Option<usize>,
    handled: Option<usize>,
    abandoned: Option<usize>,
    aht: Option<usize>,
    asa: Option<usize>,
    within: Option<usize>,
}

impl ReportColumns {
    fn of(columns: &Columns) -> Self {
        let index = |key: &str| columns.get(key).copied();
        ReportColumns {
            start: columns["interval_start"],
            offered: index("offered"),
            handled: index("handled"),
            abandoned: index("abandoned"),
            aht: index("aht_seconds"),
            asa: index("asa_seconds"),
            within: index("answered_within_target"),
        }
    }
}

/// The first or last row of a queue: its start, file, line and start as written.
struct End {
    seconds: i64,
    source: usize,
    line: u64,
    written: String,
}

/// A row of an earlier file: its start (seconds), file and line.
type SeenRow = (i64, usize, u64);

/// What the files read so far hold, per queue (by number).
struct Reading<'o> {
    options: &'o IngestOptions,
    queues: QueueNames,
    buckets: Vec<QueueBuckets>,
    ends: Vec<[End; 2]>,
    /// Every row of the earlier files, in time order; kept only with several files,
    /// to find a queue and interval given twice.
    seen: Vec<Vec<SeenRow>>,
}

/// What the interval reports hold once read and checked: the sums per queue and
/// interval, to be laid on each queue's grid.
pub(super) struct ReportGrid {
    queues: QueueNames,
    buckets: Vec<QueueBuckets>,
    time_zone: Tz,
    interval_minutes: u32,
    fill: Fill,
}

pub(super) fn ingest_interval_reports(
    sources: &[Source],
    options: &IngestOptions,
    summary: &mut IngestSummary,
) -> Result<ReportGrid> {
    let mut reading = Reading {
        options,
        queues: QueueNames::default(),
        buckets: Vec::new(),
        ends: Vec::new(),
        seen: Vec::new(),
    };
    for (source_index, source) in sources.iter().enumerate() {
        // Per queue: where this file's rows start, in file order.
        let mut marks: Vec<Vec<RowMark>> = Vec::new();
        let mut folds = FoldTracker::default();
        let mut start_column = 0;
        let read = read_rows(
            source,
            options.delimiter,
            |file, headers| {
                let map = resolve_columns(
                    file,
                    headers,
                    &INTERVAL_KEYS,
                    &["interval_start", "offered"],
                    options,
                )?;
                let columns = ReportColumns::of(&map);
                start_column = columns.start;
                Ok((map, columns))
            },
            |columns, view| reading.add_row(source_index, columns, view, &mut folds, &mut marks),
        )?;
        summary.rows_read += read.rows;
        let written = |line: u64| cell_at_line(source, read.delimiter, start_column, line);
        let source_minutes =
            check_report_timing(&source.name, &mut marks, &reading.queues, options, &written)?;
        summary
            .source_interval_minutes
            .insert(source.name.clone(), source_minutes);
        if sources.len() > 1 {
            reading.check_earlier_files(sources, source_index, &marks, &written)?;
        }
        reading.expect_parts(&marks, options.interval_minutes / source_minutes);
    }
    check_spans(&reading.ends, &reading.queues, sources)?;
    let zone = options.time_zone;
    summary.partial_intervals = reading
        .buckets
        .iter()
        .flat_map(|queue| &queue.buckets)
        .filter(|bucket| {
            bucket.parts < u16::from(bucket.expected_parts)
                && !is_daylight_saving_edge(&instant(zone, bucket.start), options.interval_minutes)
        })
        .count();
    Ok(ReportGrid {
        queues: reading.queues,
        buckets: reading.buckets,
        time_zone: zone,
        interval_minutes: options.interval_minutes,
        fill: options.fill,
    })
}

impl Reading<'_> {
    /// Reads one row: checks its cells and adds it to its queue's bucket.
    fn add_row(
        &mut self,
        source: usize,
        columns: &ReportColumns,
        view: &RowView,
        folds: &mut FoldTracker,
        marks: &mut Vec<Vec<RowMark>>,
    ) -> Result<()> {
        let options = self.options;
        let Some(queue) = view.queue(options)? else {
            return Ok(());
        };
        let start_field = view.field_at(columns.start);
        if start_field.value.is_empty() {
            return Err(start_field.error("an interval start timestamp"));
        }
        let start = parse_timestamp(&start_field, queue, options, folds)?;
        let count =
            |column: Option<usize>| column.map_or(Ok(None), |c| parse_count(&view.field_at(c)));
        let seconds =
            |column: Option<usize>| column.map_or(Ok(None), |c| parse_seconds(&view.field_at(c)));
        let measures = Measures {
            offered: count(columns.offered)?,
            handled: count(columns.handled)?,
            abandoned: count(columns.abandoned)?,
            aht_seconds: seconds(columns.aht)?,
            asa_seconds: seconds(columns.asa)?,
            answered_within_target: count(columns.within)?,
        };
        check_report_counts(&measures, view)?;
        let id = self.queues.id(queue) as usize;
        if marks.len() <= id {
            marks.resize_with(id + 1, Vec::new);
        }
        let line = view.line();
        let at = start
            .timestamp_nanos_opt()
            .expect("an instant in the years the reader accepts");
        marks[id].push(RowMark { at, line });
        let end = || End {
            seconds: start.timestamp(),
            source,
            line,
            written: start_field.value.to_string(),
        };
        match self.ends.get_mut(id) {
            None => {
                self.ends.push([end(), end()]);
                self.buckets.push(QueueBuckets::default());
                self.seen.push(Vec::new());
            }
            Some([first, last]) => {
                if start.timestamp() < first.seconds {
                    *first = end();
                }
                if start.timestamp() > last.seconds {
                    *last = end();
                }
            }
        }
        let bucket_start = interval_floor(&start, options.interval_minutes).timestamp();
        self.buckets[id].add(bucket_start, &measures);
        Ok(())
    }

    /// Refuses a row whose queue and interval an earlier file already had, naming the
    /// first such row of this file (`marks` in time order per queue), then adds this
    /// file's rows to those seen.
    fn check_earlier_files(
        &mut self,
        sources: &[Source],
        source: usize,
        marks: &[Vec<RowMark>],
        written: &dyn Fn(u64) -> Result<String>,
    ) -> Result<()> {
        let mut first: Option<(u64, usize, SeenRow)> = None;
        for (queue, rows) in marks.iter().enumerate() {
            let seen = &self.seen[queue];
            let (mut i, mut j) = (0, 0);
            while i < rows.len() && j < seen.len() {
                match rows[i].seconds().cmp(&seen[j].0) {
                    std::cmp::Ordering::Less => i += 1,
                    std::cmp::Ordering::Greater => j += 1,
                    std::cmp::Ordering::Equal => {
                        if first.is_none_or(|(line, _, _)| rows[i].line < line) {
                            first = Some((rows[i].line, queue, seen[j]));
                        }
                        i += 1;
                        j += 1;
                    }
                }
            }
        }
        if let Some((line, queue, (_, other_source, other_line))) = first {
            return Err(Error::at(
                &sources[source].name,
                line,
                "interval_start",
                &written(line)?,
                &format!(
                    "each queue and interval once, but queue {} already has this interval at {}:{}",
                    self.queues.name(queue),
                    sources[other_source].name,
                    other_line
                ),
            ));
        }
        for (queue, rows) in marks.iter().enumerate() {
            if rows.is_empty() {
                continue;
            }
            let earlier = std::mem::take(&mut self.seen[queue]);
            let mut merged = Vec::with_capacity(earlier.len() + rows.len());
            let mut later = rows
                .iter()
                .map(|row| (row.seconds(), source, row.line))
                .peekable();
            for row in earlier {
                while let Some(next) = later.next_if(|next| next.0 < row.0) {
                    merged.push(next);
                }
                merged.push(row);
            }
            merged.extend(later);
            self.seen[queue] = merged;
        }
        Ok(())
    }

    /// Notes how many source intervals the output intervals of this file's rows span.
    fn expect_parts(&mut self, marks: &[Vec<RowMark>], parts: u32) {
        let parts = u8::try_from(parts).unwrap_or(u8::MAX);
        let zone = self.options.time_zone;
        for (queue, rows) in marks.iter().enumerate() {
            let buckets = &mut self.buckets[queue];
            buckets.settle();
            let mut last_start = None;
            for row in rows {
                let at = zone.timestamp_nanos(row.at);
                let start = interval_floor(&at, self.options.interval_minutes).timestamp();
                if last_start == Some(start) {
                    continue;
                }
                last_start = Some(start);
                if let Some(bucket) = buckets.get_mut(start) {
                    bucket.expected_parts = bucket.expected_parts.max(parts);
                }
            }
        }
    }
}

/// Handled and abandoned calls cannot exceed offered calls.
fn check_report_counts(row: &Measures, view: &RowView) -> Result<()> {
    let field = |key: &str| view.field(key);
    let Some(offered) = row.offered else {
        return Ok(());
    };
    for (key, value) in [("handled", row.handled), ("abandoned", row.abandoned)] {
        if let (Some(value), Some(field)) = (value, field(key)) {
            if value > offered {
                return Err(field.error(&format!(
                    "at most the {} offered calls of this interval",
                    crate::units::format_number(offered, 0)
                )));
            }
        }
    }
    if let (Some(within), Some(handled), Some(field)) = (
        row.answered_within_target,
        row.handled,
        field("answered_within_target"),
    ) {
        if within > handled {
            return Err(field.error(&format!(
                "at most the {} handled calls of this interval",
                crate::units::format_number(handled, 0)
            )));
        }
    }
    Ok(())
}

/// Interval lengths ACD reports use; other spacings between rows are gaps or errors.
const STANDARD_INTERVAL_MINUTES: [i64; 6] = [5, 10, 15, 20, 30, 60];

/// Detects the source interval length (the most common standard spacing of
/// consecutive rows per queue; the output interval when no row has a neighbour) and
/// checks every row is aligned to it and fits the output interval. `marks` (per
/// queue, in file order) are left in time order. Returns the source interval length
/// in minutes.
fn check_report_timing(
    file: &str,
    marks: &mut [Vec<RowMark>],
    queues: &QueueNames,
    options: &IngestOptions,
    written: &dyn Fn(u64) -> Result<String>,
) -> Result<u32> {
    let interval_minutes = options.interval_minutes;
    let mut spacing_counts: BTreeMap<i64, usize> = BTreeMap::new();
    for (queue, rows) in marks.iter_mut().enumerate() {
        // Stable: rows of one second stay in line order.
        rows.sort_by_key(RowMark::seconds);
        for pair in rows.windows(2) {
            let minutes = pair[1].minutes_after(&pair[0]);
            if minutes == 0 {
                return Err(Error::at(
                    file,
                    pair[1].line,
                    "interval_start",
                    &written(pair[1].line)?,
                    &format!(
                        "each queue and interval once, but queue {} already has this interval at line {}",
                        queues.name(queue), pair[0].line
                    ),
                ));
            }
            if STANDARD_INTERVAL_MINUTES.contains(&minutes) {
                *spacing_counts.entry(minutes).or_default() += 1;
            }
        }
    }
    // Most common spacing; ties go to the shorter one.
    let source_minutes = spacing_counts
        .iter()
        .max_by_key(|(minutes, count)| (**count, -**minutes))
        .map_or(i64::from(interval_minutes), |(minutes, _)| *minutes);
    let source_minutes = u32::try_from(source_minutes).unwrap_or(u32::MAX);
    for rows in marks.iter() {
        for index in 0..rows.len() {
            check_row_alignment(
                file,
                rows,
                index,
                source_minutes,
                options.time_zone,
                written,
            )?;
        }
    }
    if source_minutes > interval_minutes || !interval_minutes.is_multiple_of(source_minutes) {
        return Err(Error::input(format!(
            "{file}: the rows are {source_minutes} minutes apart, which does not divide the {interval_minutes}-minute output interval; expected source intervals of {} minutes, or an output interval they divide",
            divisors_text(interval_minutes)
        )));
    }
    Ok(source_minutes)
}

fn divisors_text(interval_minutes: u32) -> String {
    let divisors: Vec<String> = (1..=interval_minutes)
        .filter(|d| interval_minutes.is_multiple_of(*d) && d % 5 == 0)
        .map(|d| d.to_string())
        .collect();
    divisors.join(", ")
}

fn check_row_alignment(
    file: &str,
    rows: &[RowMark],
    index: usize,
    source_minutes: u32,
    zone: Tz,
    written: &dyn Fn(u64) -> Result<String>,
) -> Result<()> {
    let row = &rows[index];
    let minute = local_minute_of_day(&zone.timestamp_nanos(row.at));
    let seconds = row.seconds() % 60;
    if seconds == 0 && minute.is_multiple_of(source_minutes) {
        return Ok(());
    }
    let on_a_clock_grid = seconds == 0 && minute.is_multiple_of(5);
    if on_a_clock_grid && index > 0 {
        let apart = row.minutes_after(&rows[index - 1]);
        if apart < i64::from(source_minutes) {
            return Err(Error::at(
                file,
                row.line,
                "interval_start",
                &written(row.line)?,
                &format!(
                    "one interval length per file, but this row starts {apart} minutes after line {} while most rows are {source_minutes} minutes apart (mixed interval lengths)",
                    rows[index - 1].line
                ),
            ));
        }
    }
    Err(Error::at(
        file,
        row.line,
        "interval_start",
        &written(row.line)?,
        &format!("an interval start on a {source_minutes}-minute boundary of the local clock (seconds 00)"),
    ))
}

/// Refuses a queue whose rows span more than [`crate::limits::MAX_HISTORY_DAYS`]: a
/// stray row far from the others (a 1970 date from an empty cell), whose gap would
/// be filled with empty intervals, a table of millions of rows.
fn check_spans(ends: &[[End; 2]], queues: &QueueNames, sources: &[Source]) -> Result<()> {
    let most = crate::limits::MAX_HISTORY_DAYS;
    for (queue, [first, last]) in ends.iter().enumerate() {
        let days = (last.seconds - first.seconds) / 86_400;
        if days > most {
            // The error names the first row (a stray is usually the oldest) and
            // the last.
            return Err(Error::at(
                &sources[first.source].name,
                first.line,
                "interval_start",
                &first.written,
                &format!(
                    "a history of queue {} spanning at most {most} days (ten years), but its last row ({}:{}, {}) is {days} days later: a stray row?",
                    queues.name(queue),
                    sources[last.source].name,
                    last.line,
                    last.written
                ),
            ));
        }
    }
    Ok(())
}

impl ReportGrid {
    /// Whether no row was kept (all of other queues than `--queue`).
    pub fn is_empty(&self) -> bool {
        self.buckets.is_empty()
    }

    /// Lays each queue (by name) on its complete grid of output intervals from its
    /// first to its last, turning missing ones into gaps as the options say, and
    /// hands its records to `each`.
    pub fn lay_out(
        self,
        summary: &mut IngestSummary,
        each: &mut dyn FnMut(Vec<IntervalRecord>) -> Result<()>,
    ) -> Result<()> {
        let ReportGrid {
            queues,
            mut buckets,
            time_zone,
            interval_minutes,
            fill,
        } = self;
        let mut order: Vec<usize> = (0..queues.names.len()).collect();
        order.sort_by(|a, b| queues.name(*a).cmp(queues.name(*b)));
        let step = Duration::minutes(i64::from(interval_minutes));
        for id in order {
            let mut queue_buckets = std::mem::take(&mut buckets[id]);
            queue_buckets.settle();
            let queue = queues.name(id);
            let records = fill_queue(
                queue,
                queue_buckets.buckets,
                time_zone,
                step,
                fill,
                &mut summary.gaps,
            );
            each(records)?;
        }
        Ok(())
    }
}

/// Lays one queue's buckets (in time order) on its grid from the first to the last,
/// with a gap record for every interval without one.
fn fill_queue(
    queue: &str,
    buckets: Vec<Bucket>,
    zone: Tz,
    step: Duration,
    fill: Fill,
    gaps: &mut Vec<Gap>,
) -> Vec<IntervalRecord> {
    let (Some(first), Some(last)) = (buckets.first(), buckets.last()) else {
        return Vec::new();
    };
    let (first, last) = (instant(zone, first.start), instant(zone, last.start));
    let mut records = Vec::new();
    let mut pending = buckets.into_iter().peekable();
    let mut instant = first;
    let mut gap = GapRun::default();
    while instant <= last {
        let timestamp = instant.timestamp();
        // Skip source buckets the grid steps over (none on a regular grid).
        while pending.next_if(|b| b.start < timestamp).is_some() {}
        match pending.next_if(|b| b.start == timestamp) {
            Some(bucket) => {
                gap.close(gaps);
                records.push(bucket.into_record(queue, instant));
            }
            None => {
                records.push(gap_record(queue, instant, fill));
                gap.extend(queue, instant);
            }
        }
        instant += step;
    }
    gap.close(gaps);
    records
}
