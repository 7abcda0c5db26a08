//! Interval reports: one row per queue and source interval, checked for one interval
//! length per file, summed into the output intervals and laid on a complete grid.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration};
use chrono_tz::Tz;

use super::options::{Fill, IngestOptions, INTERVAL_KEYS};
use super::summary::{gap_record, GapRun, IngestSummary};
use super::text::{
    parse_count, parse_seconds, read_text_table, resolve_columns, RowView, Source, TextTable,
};
use super::timestamps::{is_daylight_saving_edge, parse_timestamp, FoldTracker};
use crate::error::{Error, Result};
use crate::interval::{interval_floor, local_minute_of_day, IntervalRecord, IntervalTable};

/// One parsed row of an interval report.
struct ReportRow {
    /// Index into [`QueueNames`].
    queue: u32,
    start: DateTime<Tz>,
    line: u64,
    /// 0-based data row of its table, for the timestamp as written in messages.
    row: usize,
    offered: Option<f64>,
    handled: Option<f64>,
    abandoned: Option<f64>,
    aht_seconds: Option<f64>,
    asa_seconds: Option<f64>,
    answered_within_target: Option<f64>,
}

/// Sums of source intervals falling into one output interval.
#[derive(Default)]
struct Bucket {
    parts: u32,
    /// Source intervals per output interval, from the source's interval length.
    expected_parts: u32,
    offered: Option<f64>,
    handled: Option<f64>,
    abandoned: Option<f64>,
    answered_within_target: Option<f64>,
    aht_weighted: Option<(f64, f64)>,
    asa_weighted: Option<(f64, f64)>,
    /// A measure was missing in some part, so the sum is unknown.
    unknown: [bool; 6],
}

fn add_sum(slot: &mut Option<f64>, unknown: &mut bool, value: Option<f64>) {
    match value {
        Some(v) => *slot = Some(slot.unwrap_or(0.0) + v),
        None => *unknown = true,
    }
}

/// Adds a per-call average weighted by `weight` calls. An average that is missing
/// while calls were handled makes the result unknown; with no calls it adds nothing.
fn add_weighted(
    slot: &mut Option<(f64, f64)>,
    unknown: &mut bool,
    value: Option<f64>,
    weight: f64,
) {
    match value {
        Some(v) if weight > 0.0 => {
            let (sum, total) = slot.unwrap_or((0.0, 0.0));
            *slot = Some((sum + v * weight, total + weight));
        }
        Some(_) => {}
        None if weight > 0.0 => *unknown = true,
        None => {}
    }
}

impl Bucket {
    fn add(&mut self, row: &ReportRow) {
        self.parts += 1;
        add_sum(&mut self.offered, &mut self.unknown[0], row.offered);
        add_sum(&mut self.handled, &mut self.unknown[1], row.handled);
        add_sum(&mut self.abandoned, &mut self.unknown[2], row.abandoned);
        add_sum(
            &mut self.answered_within_target,
            &mut self.unknown[3],
            row.answered_within_target,
        );
        // Handle and answer times are averages over handled calls, so they combine
        // weighted by handled calls (offered when handled is not reported).
        let weight = row.handled.or(row.offered).unwrap_or(1.0);
        add_weighted(
            &mut self.aht_weighted,
            &mut self.unknown[4],
            row.aht_seconds,
            weight,
        );
        add_weighted(
            &mut self.asa_weighted,
            &mut self.unknown[5],
            row.asa_seconds,
            weight,
        );
    }

    fn into_record(self, queue: &str, start: DateTime<Tz>) -> IntervalRecord {
        let known = |value: Option<f64>, unknown: bool| if unknown { None } else { value };
        let average = |weighted: Option<(f64, f64)>, unknown: bool| {
            if unknown {
                None
            } else {
                weighted.map(|(sum, weight)| sum / weight)
            }
        };
        IntervalRecord {
            queue: queue.to_string(),
            interval_start: start,
            offered: known(self.offered, self.unknown[0]),
            handled: known(self.handled, self.unknown[1]),
            abandoned: known(self.abandoned, self.unknown[2]),
            answered_within_target: known(self.answered_within_target, self.unknown[3]),
            aht_seconds: average(self.aht_weighted, self.unknown[4]),
            asa_seconds: average(self.asa_weighted, self.unknown[5]),
        }
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

    fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }
}

/// The interval timestamp as written in its file.
fn start_text<'t>(
    table: &'t TextTable,
    columns: &HashMap<&'static str, usize>,
    row: &ReportRow,
) -> &'t str {
    table.cell(row.row, columns["interval_start"])
}

type BucketKey = (u32, i64);

pub(super) fn ingest_interval_reports(
    sources: &[Source],
    options: &IngestOptions,
    summary: &mut IngestSummary,
) -> Result<IntervalTable> {
    let mut buckets: BTreeMap<BucketKey, (DateTime<Tz>, Bucket)> = BTreeMap::new();
    // Duplicates within a file are found by `check_report_timing`; this map finds
    // them across files, so it is only kept when there are several.
    let mut seen: HashMap<(u32, i64), (usize, u64)> = HashMap::new();
    let mut queues = QueueNames::default();
    // Per queue: its first and last row (instant, file, line, as written).
    let mut ends: HashMap<u32, [(i64, String, u64, String); 2]> = HashMap::new();
    for (source_index, source) in sources.iter().enumerate() {
        let table = read_text_table(source, options.delimiter)?;
        let columns = resolve_columns(
            &table,
            &INTERVAL_KEYS,
            &["interval_start", "offered"],
            options,
        )?;
        let rows = parse_report_rows(&table, &columns, options, &mut queues)?;
        summary.rows_read += table.len() as u64;
        let source_minutes =
            check_report_timing(&table, &columns, &rows, &queues, options.interval_minutes)?;
        summary
            .source_interval_minutes
            .insert(table.name.clone(), source_minutes);
        for row in &rows {
            let at = || {
                (
                    row.start.timestamp(),
                    table.name.clone(),
                    row.line,
                    start_text(&table, &columns, row).to_string(),
                )
            };
            match ends.get_mut(&row.queue) {
                None => {
                    ends.insert(row.queue, [at(), at()]);
                }
                Some([first, last]) => {
                    if row.start.timestamp() < first.0 {
                        *first = at();
                    }
                    if row.start.timestamp() > last.0 {
                        *last = at();
                    }
                }
            }
            if sources.len() > 1 {
                let key = (row.queue, row.start.timestamp());
                if let Some(&(other_source, other_line)) = seen.get(&key) {
                    return Err(Error::at(
                        &table.name,
                        row.line,
                        "interval_start",
                        start_text(&table, &columns, row),
                        &format!(
                            "each queue and interval once, but queue {} already has this interval at {}:{}",
                            queues.name(row.queue), sources[other_source].name, other_line
                        ),
                    ));
                }
                seen.insert(key, (source_index, row.line));
            }
            let bucket_start = interval_floor(&row.start, options.interval_minutes);
            let bucket = &mut buckets
                .entry((row.queue, bucket_start.timestamp()))
                .or_insert_with(|| (bucket_start, Bucket::default()))
                .1;
            bucket.expected_parts = bucket
                .expected_parts
                .max(options.interval_minutes / source_minutes);
            bucket.add(row);
        }
    }
    check_spans(&ends, &queues)?;
    summary.partial_intervals = buckets
        .values()
        .filter(|(start, bucket)| {
            bucket.parts < bucket.expected_parts
                && !is_daylight_saving_edge(start, options.interval_minutes)
        })
        .count();
    let records = fill_grid(buckets, &queues, options, summary);
    Ok(IntervalTable {
        time_zone: options.time_zone,
        interval_minutes: options.interval_minutes,
        records,
    })
}

fn parse_report_rows(
    table: &TextTable,
    columns: &HashMap<&'static str, usize>,
    options: &IngestOptions,
    queues: &mut QueueNames,
) -> Result<Vec<ReportRow>> {
    // Column indices looked up once, not per row.
    let index = |key: &str| columns.get(key).copied();
    let start_column = columns["interval_start"];
    let (offered, handled, abandoned) = (index("offered"), index("handled"), index("abandoned"));
    let (aht, asa, within) = (
        index("aht_seconds"),
        index("asa_seconds"),
        index("answered_within_target"),
    );
    let mut folds = FoldTracker::default();
    let mut rows = Vec::with_capacity(table.len());
    for (row_index, &line) in table.lines.iter().enumerate() {
        let view = RowView {
            table,
            columns,
            line,
            row: row_index,
        };
        let Some(queue) = view.queue(options)? else {
            continue;
        };
        let start_field = view.field_at(start_column);
        if start_field.value.is_empty() {
            return Err(start_field.error("an interval start timestamp"));
        }
        let start = parse_timestamp(&start_field, queue, options, &mut folds)?;
        let count =
            |column: Option<usize>| column.map_or(Ok(None), |c| parse_count(&view.field_at(c)));
        let seconds =
            |column: Option<usize>| column.map_or(Ok(None), |c| parse_seconds(&view.field_at(c)));
        let parsed = ReportRow {
            queue: queues.id(queue),
            start,
            line,
            row: row_index,
            offered: count(offered)?,
            handled: count(handled)?,
            abandoned: count(abandoned)?,
            aht_seconds: seconds(aht)?,
            asa_seconds: seconds(asa)?,
            answered_within_target: count(within)?,
        };
        check_report_counts(&parsed, &view)?;
        rows.push(parsed);
    }
    Ok(rows)
}

/// Handled and abandoned calls cannot exceed offered calls.
fn check_report_counts(row: &ReportRow, view: &RowView) -> Result<()> {
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
/// consecutive rows per queue; the output interval when no row has a neighbour) and checks every row is aligned to it and fits the output interval.
/// Returns the source interval length in minutes.
fn check_report_timing(
    table: &TextTable,
    columns: &HashMap<&'static str, usize>,
    rows: &[ReportRow],
    queues: &QueueNames,
    interval_minutes: u32,
) -> Result<u32> {
    let file = table.name.as_str();
    let mut by_queue: BTreeMap<u32, Vec<&ReportRow>> = BTreeMap::new();
    for row in rows {
        by_queue.entry(row.queue).or_default().push(row);
    }
    let mut spacing_counts: BTreeMap<i64, usize> = BTreeMap::new();
    for queue_rows in by_queue.values_mut() {
        queue_rows.sort_by_key(|row| (row.start.timestamp(), row.line));
        for pair in queue_rows.windows(2) {
            let minutes = (pair[1].start - pair[0].start).num_minutes();
            if minutes == 0 {
                return Err(Error::at(
                    file,
                    pair[1].line,
                    "interval_start",
                    start_text(table, columns, pair[1]),
                    &format!(
                        "each queue and interval once, but queue {} already has this interval at line {}",
                        queues.name(pair[1].queue), pair[0].line
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
    for queue_rows in by_queue.values() {
        for (index, row) in queue_rows.iter().enumerate() {
            check_row_alignment(
                file,
                start_text(table, columns, row),
                row,
                index,
                queue_rows,
                source_minutes,
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
    written: &str,
    row: &ReportRow,
    index: usize,
    queue_rows: &[&ReportRow],
    source_minutes: u32,
) -> Result<()> {
    let minute = local_minute_of_day(&row.start);
    let seconds = row.start.timestamp() % 60;
    if seconds == 0 && minute.is_multiple_of(source_minutes) {
        return Ok(());
    }
    let on_a_clock_grid = seconds == 0 && minute.is_multiple_of(5);
    if on_a_clock_grid && index > 0 {
        let apart = (row.start - queue_rows[index - 1].start).num_minutes();
        if apart < i64::from(source_minutes) {
            return Err(Error::at(
                file,
                row.line,
                "interval_start",
                written,
                &format!(
                    "one interval length per file, but this row starts {apart} minutes after line {} while most rows are {source_minutes} minutes apart (mixed interval lengths)",
                    queue_rows[index - 1].line
                ),
            ));
        }
    }
    Err(Error::at(
        file,
        row.line,
        "interval_start",
        written,
        &format!("an interval start on a {source_minutes}-minute boundary of the local clock (seconds 00)"),
    ))
}

/// Refuses a queue whose rows span more than [`crate::limits::MAX_HISTORY_DAYS`]: a
/// stray row far from the others (a 1970 date from an empty cell), whose gap would
/// be filled with empty intervals, a table of millions of rows.
fn check_spans(
    ends: &HashMap<u32, [(i64, String, u64, String); 2]>,
    queues: &QueueNames,
) -> Result<()> {
    let most = crate::limits::MAX_HISTORY_DAYS;
    let mut order: Vec<_> = ends.iter().collect();
    order.sort_by_key(|(queue, _)| **queue);
    for (&queue, [first, last]) in order {
        let days = (last.0 - first.0) / 86_400;
        if days > most {
            // The error names the first row (a stray is usually the oldest) and
            // the last.
            return Err(Error::at(
                &first.1,
                first.2,
                "interval_start",
                &first.3,
                &format!(
                    "a history of queue {} spanning at most {most} days (ten years), but its last row ({}:{}, {}) is {days} days later: a stray row?",
                    queues.name(queue),
                    last.1,
                    last.2,
                    last.3
                ),
            ));
        }
    }
    Ok(())
}

/// Builds the complete grid of output intervals per queue from its first to its last
/// interval, turning missing ones into gaps as the options say.
fn fill_grid(
    buckets: BTreeMap<BucketKey, (DateTime<Tz>, Bucket)>,
    queues: &QueueNames,
    options: &IngestOptions,
    summary: &mut IngestSummary,
) -> Vec<IntervalRecord> {
    // Buckets come ordered by queue number, then time; the output is by queue name.
    let mut by_queue: Vec<Vec<(i64, DateTime<Tz>, Bucket)>> =
        (0..queues.names.len()).map(|_| Vec::new()).collect();
    for ((queue, timestamp), (start, bucket)) in buckets {
        by_queue[queue as usize].push((timestamp, start, bucket));
    }
    let mut order: Vec<u32> = (0..queues.names.len() as u32).collect();
    order.sort_by(|a, b| queues.name(*a).cmp(queues.name(*b)));
    let step = Duration::minutes(i64::from(options.interval_minutes));
    let mut records = Vec::with_capacity(by_queue.iter().map(Vec::len).sum());
    for id in order {
        let intervals = std::mem::take(&mut by_queue[id as usize]);
        let queue = queues.name(id);
        fill_queue(queue, intervals, step, options.fill, &mut records, summary);
    }
    records
}

/// Lays one queue's buckets (in time order) on its grid from the first to the last,
/// with a gap record for every interval without one.
fn fill_queue(
    queue: &str,
    intervals: Vec<(i64, DateTime<Tz>, Bucket)>,
    step: Duration,
    fill: Fill,
    records: &mut Vec<IntervalRecord>,
    summary: &mut IngestSummary,
) {
    let (Some(first), Some(last)) = (
        intervals.first().map(|v| v.1),
        intervals.last().map(|v| v.1),
    ) else {
        return;
    };
    let mut pending = intervals.into_iter().peekable();
    let mut instant = first;
    let mut gap = GapRun::default();
    while instant <= last {
        let timestamp = instant.timestamp();
        // Skip source buckets the grid steps over (none on a regular grid).
        while pending.next_if(|v| v.0 < timestamp).is_some() {}
        match pending.next_if(|v| v.0 == timestamp).map(|v| (v.1, v.2)) {
            Some((start, bucket)) => {
                gap.close(&mut summary.gaps);
                records.push(bucket.into_record(queue, start));
            }
            None => {
                records.push(gap_record(queue, instant, fill));
                gap.extend(queue, instant);
            }
        }
        instant += step;
    }
    gap.close(&mut summary.gaps);
}
