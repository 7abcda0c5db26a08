//! Ingest of ACD exports into the canonical interval table.
//!
//! Two kinds of source are read: interval reports (one row per queue and interval,
//! any headers, mapped onto canonical keys) and call-by-call records (one row per call,
//! aggregated into intervals). Validation is strict: every problem names the file,
//! line, column, the offending value and what was expected, and nothing is written.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Offset};
use chrono_tz::Tz;

use crate::error::{Error, Result};
use crate::interval::{
    format_timestamp, interval_floor, local_day_intervals, local_minute_of_day, resolve_local,
    IntervalRecord, IntervalTable, LocalTime,
};

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

/// Canonical keys of interval reports, as accepted by `--map`.
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

/// Canonical keys of call-by-call records, as accepted by `--map`.
pub const CALL_KEYS: [&str; 5] = [
    "arrival",
    "queue",
    "wait_seconds",
    "handle_seconds",
    "outcome",
];

/// Header names recognised without `--map` (compared case-insensitively).
fn default_headers(key: &str) -> &'static [&'static str] {
    match key {
        "interval_start" => &[
            "interval_start",
            "timestamp",
            "interval",
            "datetime",
            "start",
        ],
        "queue" => &["queue", "skill", "split"],
        "offered" => &["offered", "calls", "calls_offered", "offered_calls"],
        "handled" => &["handled", "answered", "calls_handled", "handled_calls"],
        "abandoned" => &["abandoned", "calls_abandoned", "abandoned_calls"],
        "aht_seconds" => &["aht_seconds", "aht"],
        "asa_seconds" => &["asa_seconds", "asa"],
        "answered_within_target" => &["answered_within_target"],
        "arrival" => &["arrival", "arrival_time", "arrival_ts"],
        "wait_seconds" => &["wait_seconds", "wait", "queue_seconds"],
        "handle_seconds" => &["handle_seconds", "handle_time"],
        "outcome" => &["outcome", "disposition"],
        _ => &[],
    }
}

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

/// One input: a display name (normally the path) and its raw bytes.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl Source {
    /// Reads a file into memory.
    pub fn read(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| Error::read(path, e))?;
        Ok(Source {
            name: path.display().to_string(),
            bytes,
        })
    }
}

/// A run of consecutive intervals of one queue with no source data.
#[derive(Debug, Clone, PartialEq)]
pub struct Gap {
    pub queue: String,
    pub first: DateTime<Tz>,
    pub last: DateTime<Tz>,
    pub intervals: usize,
}

/// What an ingest run saw, for the summary on stderr.
#[derive(Debug, Clone, Default)]
pub struct IngestSummary {
    pub files: usize,
    pub rows_read: u64,
    pub queues: Vec<String>,
    pub intervals_written: usize,
    pub gaps: Vec<Gap>,
    /// Call records skipped because their outcome is neither answered nor abandoned.
    pub skipped_outcomes: BTreeMap<String, u64>,
    /// Output intervals built from fewer source intervals than they span.
    pub partial_intervals: usize,
    /// Detected source interval length (minutes) per file, for interval reports.
    pub source_interval_minutes: BTreeMap<String, u32>,
}

impl IngestSummary {
    /// Total number of output intervals that are gaps.
    pub fn gap_intervals(&self) -> usize {
        self.gaps.iter().map(|gap| gap.intervals).sum()
    }

    /// A few human lines for stderr.
    pub fn render(&self, fill: Fill) -> String {
        let mut lines = vec![format!(
            "read {} rows from {} file(s); wrote {} intervals for {} queue(s): {}",
            self.rows_read,
            self.files,
            self.intervals_written,
            self.queues.len(),
            self.queues.join(", ")
        )];
        for (file, minutes) in &self.source_interval_minutes {
            lines.push(format!("{file}: {minutes}-minute intervals"));
        }
        if !self.skipped_outcomes.is_empty() {
            let skipped: Vec<String> = self
                .skipped_outcomes
                .iter()
                .map(|(outcome, count)| format!("{outcome}: {count}"))
                .collect();
            lines.push(format!(
                "skipped call records with other outcomes ({})",
                skipped.join(", ")
            ));
        }
        if self.partial_intervals > 0 {
            lines.push(format!(
                "{} intervals were built from incomplete source intervals",
                self.partial_intervals
            ));
        }
        if self.gaps.is_empty() {
            lines.push("no gaps".to_string());
        } else {
            let filled = match fill {
                Fill::Missing => "left empty (--fill missing)",
                Fill::Zero => "filled with zero calls (--fill zero)",
            };
            lines.push(format!(
                "{} gap intervals in {} range(s), {filled}:",
                self.gap_intervals(),
                self.gaps.len()
            ));
            const SHOWN: usize = 10;
            for gap in self.gaps.iter().take(SHOWN) {
                lines.push(format!(
                    "  {} {} .. {} ({} intervals)",
                    gap.queue,
                    format_timestamp(&gap.first),
                    format_timestamp(&gap.last),
                    gap.intervals
                ));
            }
            if self.gaps.len() > SHOWN {
                lines.push(format!("  ... and {} more ranges", self.gaps.len() - SHOWN));
            }
        }
        lines.join("\n")
    }
}

/// Reads and ingests files.
pub fn ingest_paths(
    paths: &[PathBuf],
    options: &IngestOptions,
) -> Result<(IntervalTable, IngestSummary)> {
    let sources = paths
        .iter()
        .map(|path| Source::read(path))
        .collect::<Result<Vec<_>>>()?;
    ingest_sources(&sources, options)
}

/// Ingests in-memory sources into one canonical table.
pub fn ingest_sources(
    sources: &[Source],
    options: &IngestOptions,
) -> Result<(IntervalTable, IngestSummary)> {
    validate_options(options)?;
    if sources.is_empty() {
        return Err(Error::input("no input files given"));
    }
    let mut summary = IngestSummary {
        files: sources.len(),
        ..IngestSummary::default()
    };
    let table = match options.kind {
        SourceKind::Intervals => ingest_interval_reports(sources, options, &mut summary)?,
        SourceKind::Calls => ingest_call_records(sources, options, &mut summary)?,
    };
    summary.queues = table.queues();
    summary.intervals_written = table.records.len();
    Ok((table, summary))
}

fn validate_options(options: &IngestOptions) -> Result<()> {
    if ![15, 30, 60].contains(&options.interval_minutes) {
        return Err(Error::input(format!(
            "--interval {}m is not supported; expected 15m, 30m or 60m",
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

// ---------------------------------------------------------------------------------
// Reading delimited text
// ---------------------------------------------------------------------------------

/// A parsed delimited file: headers and rows with their 1-based line numbers.
///
/// The trimmed cells live in one string (`cells`, cut at `ends`), not one `String` per
/// cell: a two-year export of 100 queues has 3.5 million rows, and a heap allocation
/// per cell made reading it several times slower than parsing it.
struct TextTable {
    name: String,
    headers: Vec<String>,
    cells: String,
    /// End of each cell in `cells`, row after row (`headers.len()` cells a row).
    ends: Vec<usize>,
    /// 1-based line of each row.
    lines: Vec<u64>,
}

impl TextTable {
    fn len(&self) -> usize {
        self.lines.len()
    }

    /// The cell of `row` (0-based data row) in `column`.
    fn cell(&self, row: usize, column: usize) -> &str {
        let index = row * self.headers.len() + column;
        let start = if index == 0 { 0 } else { self.ends[index - 1] };
        &self.cells[start..self.ends[index]]
    }
}

/// Checks UTF-8, strips a byte-order mark and splits into header and rows.
fn read_text_table(source: &Source, delimiter: Option<u8>) -> Result<TextTable> {
    let text = match std::str::from_utf8(&source.bytes) {
        Ok(text) => text,
        Err(error) => {
            let offset = error.valid_up_to();
            let before = &source.bytes[..offset];
            let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            let line_start = before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |p| p + 1);
            return Err(Error::input(format!(
                "{}: line {line}, byte {} of the line: invalid UTF-8 byte 0x{:02X}; expected UTF-8 text (re-export the file as UTF-8)",
                source.name,
                offset - line_start + 1,
                source.bytes[offset]
            )));
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(Error::input(format!(
            "{}: the file is empty; expected a header line and data rows",
            source.name
        )));
    }
    let header_line = text.lines().next().unwrap_or("");
    let delimiter = delimiter.unwrap_or_else(|| sniff_delimiter(header_line));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| Error::input(format!("{}: cannot read the header: {e}", source.name)))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut cells = String::with_capacity(text.len());
    let mut ends = Vec::new();
    let mut lines = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let more = reader
            .read_record(&mut record)
            .map_err(|e| Error::input(format!("{}: cannot read the file: {e}", source.name)))?;
        if !more {
            break;
        }
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(|field| field.trim().is_empty()) {
            continue;
        }
        if record.len() != headers.len() {
            return Err(Error::at_line(
                &source.name,
                line,
                &format!(
                    "found {} fields; expected {} like the header (check the delimiter and quoting)",
                    record.len(),
                    headers.len()
                ),
            ));
        }
        for field in record.iter() {
            cells.push_str(field.trim());
            ends.push(cells.len());
        }
        lines.push(line);
    }
    if lines.is_empty() {
        return Err(Error::input(format!(
            "{}: the file has a header but no data rows; expected at least one row",
            source.name
        )));
    }
    Ok(TextTable {
        name: source.name.clone(),
        headers,
        cells,
        ends,
        lines,
    })
}

/// Picks the delimiter that splits the header line into the most fields.
fn sniff_delimiter(header_line: &str) -> u8 {
    [b',', b';', b'\t', b'|']
        .into_iter()
        .max_by_key(|&d| (header_line.bytes().filter(|&b| b == d).count(), d == b','))
        .unwrap_or(b',')
}

/// Maps canonical keys to column indexes: explicit map first, default names second.
fn resolve_columns(
    table: &TextTable,
    keys: &[&'static str],
    required: &[&'static str],
    options: &IngestOptions,
) -> Result<HashMap<&'static str, usize>> {
    let find = |wanted: &str| {
        table
            .headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(wanted.trim()))
    };
    let mut columns = HashMap::new();
    for &key in keys {
        if let Some(header) = options.columns.get(key) {
            let index = find(header).ok_or_else(|| {
                Error::input(format!(
                    "{}: the column map names \"{header}\" for {key}, but the header has no such column; the columns are: {}",
                    table.name,
                    table.headers.join(", ")
                ))
            })?;
            columns.insert(key, index);
        } else if let Some(index) = default_headers(key).iter().find_map(|name| find(name)) {
            columns.insert(key, index);
        }
    }
    for &key in required {
        if !columns.contains_key(key) {
            return Err(Error::input(format!(
                "{}: no column for {key}; expected a header named {} or a mapping such as --map {key}=\"Your Header\" (the columns are: {})",
                table.name,
                default_headers(key).join(" or "),
                table.headers.join(", ")
            )));
        }
    }
    Ok(columns)
}

// ---------------------------------------------------------------------------------
// Field parsing
// ---------------------------------------------------------------------------------

/// Naive timestamp formats tried when no `--time-format` is given.
const NAIVE_FORMATS: [&str; 6] = [
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
];

/// A timestamp as written: either with an explicit offset or a naive local time.
enum Written {
    Instant(DateTime<Tz>),
    Local(NaiveDateTime),
}

fn parse_written_timestamp(text: &str, zone: Tz, format: Option<&str>) -> Option<Written> {
    if let Some(format) = format {
        if let Ok(instant) = DateTime::parse_from_str(text, format) {
            return Some(Written::Instant(instant.with_timezone(&zone)));
        }
        return NaiveDateTime::parse_from_str(text, format)
            .ok()
            .map(Written::Local);
    }
    if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
        return Some(Written::Instant(instant.with_timezone(&zone)));
    }
    if let Ok(instant) = DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%:z") {
        return Some(Written::Instant(instant.with_timezone(&zone)));
    }
    NAIVE_FORMATS
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .map(Written::Local)
}

/// Resolves repeated local times (the fall-back hour) by order of appearance: per
/// queue and day, the first pass through the repeated hour is the earlier offset;
/// once the clock is seen to go back, later rows take the later offset.
#[derive(Default)]
struct FoldTracker {
    latest_first_pass: HashMap<(String, NaiveDate), NaiveDateTime>,
    second_pass: BTreeSet<(String, NaiveDate)>,
}

impl FoldTracker {
    fn resolve(
        &mut self,
        queue: &str,
        local: NaiveDateTime,
        earlier: DateTime<Tz>,
        later: DateTime<Tz>,
    ) -> DateTime<Tz> {
        let key = (queue.to_string(), local.date());
        if self.second_pass.contains(&key) {
            return later;
        }
        match self.latest_first_pass.get(&key) {
            Some(&seen) if local <= seen => {
                self.second_pass.insert(key);
                later
            }
            _ => {
                self.latest_first_pass.insert(key, local);
                earlier
            }
        }
    }
}

/// Context for error messages about one field.
struct Field<'a> {
    file: &'a str,
    line: u64,
    column: &'a str,
    value: &'a str,
}

impl Field<'_> {
    fn error(&self, expected: &str) -> Error {
        Error::at(self.file, self.line, self.column, self.value, expected)
    }
}

fn parse_timestamp(
    field: &Field,
    queue: &str,
    options: &IngestOptions,
    folds: &mut FoldTracker,
) -> Result<DateTime<Tz>> {
    let zone = options.time_zone;
    let expected = match &options.time_format {
        Some(format) => format!("a timestamp in the format {format}"),
        None => "an ISO 8601 timestamp such as 2026-03-29T00:30:00 or 2026-03-29T00:30:00+00:00"
            .to_string(),
    };
    match parse_written_timestamp(field.value, zone, options.time_format.as_deref()) {
        None => Err(field.error(&expected)),
        Some(Written::Instant(instant)) => Ok(instant),
        Some(Written::Local(local)) => match resolve_local(&local, zone) {
            LocalTime::Single(instant) => Ok(instant),
            LocalTime::Repeated(earlier, later) => Ok(folds.resolve(queue, local, earlier, later)),
            LocalTime::Skipped => Err(field.error(&format!(
                "a local time that exists in {zone}: clocks spring forward over this time"
            ))),
        },
    }
}

/// A count cell: empty -> `None`, otherwise a whole non-negative number.
fn parse_count(field: &Field) -> Result<Option<f64>> {
    if field.value.is_empty() {
        return Ok(None);
    }
    match field.value.parse::<f64>() {
        Ok(value) if value.is_finite() && value >= 0.0 && value.fract() == 0.0 => Ok(Some(value)),
        Ok(value) if value < 0.0 => Err(field.error("a non-negative count")),
        _ => Err(field.error("a whole number of calls")),
    }
}

/// A duration cell in seconds: empty -> `None`; a number of seconds or `H:MM:SS`/`M:SS`.
fn parse_seconds(field: &Field) -> Result<Option<f64>> {
    if field.value.is_empty() {
        return Ok(None);
    }
    let parsed = if field.value.contains(':') {
        field.value.split(':').try_fold(0.0, |total, part| {
            part.parse::<f64>()
                .ok()
                .filter(|v| *v >= 0.0)
                .map(|v| total * 60.0 + v)
        })
    } else {
        field.value.parse::<f64>().ok()
    };
    match parsed {
        Some(value) if value.is_finite() && value >= 0.0 => Ok(Some(value)),
        Some(_) => Err(field.error("a non-negative number of seconds")),
        None => Err(field.error("a number of seconds or a duration like 0:03:05")),
    }
}

/// One data row with its file, line and resolved columns, for reading fields with
/// error messages that point at the cell.
struct RowView<'a> {
    table: &'a TextTable,
    columns: &'a HashMap<&'static str, usize>,
    line: u64,
    /// 0-based data row of `table`.
    row: usize,
}

impl<'a> RowView<'a> {
    /// The cell of a canonical key, when the source has that column.
    fn field(&self, key: &str) -> Option<Field<'a>> {
        self.columns.get(key).map(|&index| self.field_at(index))
    }

    /// The cell of a column index (resolved once per file, see [`ReportColumns`]).
    fn field_at(&self, index: usize) -> Field<'a> {
        Field {
            file: &self.table.name,
            line: self.line,
            column: self.table.headers[index].as_str(),
            value: self.table.cell(self.row, index),
        }
    }

    /// The queue of the row: from its queue column, or the `--queue` name. Rows of
    /// other queues are dropped when both exist (`None`).
    fn queue<'b>(&self, options: &'b IngestOptions) -> Result<Option<&'b str>>
    where
        'a: 'b,
    {
        match (self.field("queue"), &options.queue) {
            (Some(field), wanted) => {
                if field.value.is_empty() {
                    return Err(field.error("a queue name"));
                }
                Ok(match wanted {
                    Some(wanted) if wanted != field.value => None,
                    _ => Some(field.value),
                })
            }
            (None, Some(name)) => Ok(Some(name.as_str())),
            (None, None) => Err(Error::input(format!(
                "{}: no queue column; expected a header named queue or --queue NAME for a one-queue file",
                self.table.name
            ))),
        }
    }
}

// ---------------------------------------------------------------------------------
// Interval reports
// ---------------------------------------------------------------------------------

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

fn ingest_interval_reports(
    sources: &[Source],
    options: &IngestOptions,
    summary: &mut IngestSummary,
) -> Result<IntervalTable> {
    let mut buckets: BTreeMap<BucketKey, (DateTime<Tz>, Bucket)> = BTreeMap::new();
    // Duplicates within a file are found by `check_report_timing`; this map finds
    // them across files, so it is only kept when there are several.
    let mut seen: HashMap<(u32, i64), (usize, u64)> = HashMap::new();
    let mut queues = QueueNames::default();
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

/// An output interval next to a clock change may legitimately hold fewer source
/// intervals; it is not counted as partial.
fn is_daylight_saving_edge(start: &DateTime<Tz>, interval_minutes: u32) -> bool {
    let end = *start + Duration::minutes(i64::from(interval_minutes));
    let offset = |instant: &DateTime<Tz>| instant.offset().fix().local_minus_utc();
    offset(start) != offset(&end)
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
    if source_minutes > interval_minutes || interval_minutes % source_minutes != 0 {
        return Err(Error::input(format!(
            "{file}: the rows are {source_minutes} minutes apart, which does not divide the {interval_minutes}-minute output interval; expected source intervals of {} minutes or a matching --interval",
            divisors_text(interval_minutes)
        )));
    }
    Ok(source_minutes)
}

fn divisors_text(interval_minutes: u32) -> String {
    let divisors: Vec<String> = (1..=interval_minutes)
        .filter(|d| interval_minutes % d == 0 && d % 5 == 0)
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
    if seconds == 0 && minute % source_minutes == 0 {
        return Ok(());
    }
    let on_a_clock_grid = seconds == 0 && minute % 5 == 0;
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

/// Builds the complete grid of output intervals per queue from its first to its last
/// interval, turning missing ones into gaps per `--fill`.
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
        let queue = queues.name(id);
        let intervals = std::mem::take(&mut by_queue[id as usize]);
        let (Some(first), Some(last)) = (
            intervals.first().map(|v| v.1),
            intervals.last().map(|v| v.1),
        ) else {
            continue;
        };
        let mut pending = intervals.into_iter().peekable();
        let mut instant = first;
        let mut open_gap: Option<Gap> = None;
        while instant <= last {
            let timestamp = instant.timestamp();
            // Skip source buckets the grid steps over (none on a regular grid).
            while pending.next_if(|v| v.0 < timestamp).is_some() {}
            match pending.next_if(|v| v.0 == timestamp).map(|v| (v.1, v.2)) {
                Some((start, bucket)) => {
                    if let Some(gap) = open_gap.take() {
                        summary.gaps.push(gap);
                    }
                    records.push(bucket.into_record(queue, start));
                }
                None => {
                    records.push(gap_record(queue, instant, options.fill));
                    match &mut open_gap {
                        Some(gap) => {
                            gap.last = instant;
                            gap.intervals += 1;
                        }
                        None => {
                            open_gap = Some(Gap {
                                queue: queue.to_string(),
                                first: instant,
                                last: instant,
                                intervals: 1,
                            })
                        }
                    }
                }
            }
            instant += step;
        }
        if let Some(gap) = open_gap {
            summary.gaps.push(gap);
        }
    }
    records
}

fn gap_record(queue: &str, start: DateTime<Tz>, fill: Fill) -> IntervalRecord {
    match fill {
        Fill::Missing => IntervalRecord::missing(queue, start),
        Fill::Zero => IntervalRecord::zero(queue, start, false),
    }
}

// ---------------------------------------------------------------------------------
// Call-by-call records
// ---------------------------------------------------------------------------------

/// Counts and sums of the calls arriving in one output interval.
#[derive(Default, Clone)]
struct CallTally {
    answered: f64,
    abandoned: f64,
    handle_seconds: f64,
    wait_seconds: f64,
    answered_within_target: f64,
}

impl CallTally {
    fn into_record(self, queue: &str, start: DateTime<Tz>, with_waits: bool) -> IntervalRecord {
        let per_answered = |sum: f64| (self.answered > 0.0).then(|| sum / self.answered);
        IntervalRecord {
            queue: queue.to_string(),
            interval_start: start,
            offered: Some(self.answered + self.abandoned),
            handled: Some(self.answered),
            abandoned: Some(self.abandoned),
            aht_seconds: per_answered(self.handle_seconds),
            asa_seconds: if with_waits {
                per_answered(self.wait_seconds)
            } else {
                None
            },
            answered_within_target: with_waits.then_some(self.answered_within_target),
        }
    }
}

enum Outcome {
    Answered,
    Abandoned,
    Other,
}

fn classify_outcome(value: &str, options: &IngestOptions) -> Outcome {
    let matches = |codes: &[String]| codes.iter().any(|code| code.eq_ignore_ascii_case(value));
    if matches(&options.answered_outcomes) {
        Outcome::Answered
    } else if matches(&options.abandoned_outcomes) {
        Outcome::Abandoned
    } else {
        Outcome::Other
    }
}

fn ingest_call_records(
    sources: &[Source],
    options: &IngestOptions,
    summary: &mut IngestSummary,
) -> Result<IntervalTable> {
    let mut tallies: BTreeMap<(String, i64), (DateTime<Tz>, CallTally)> = BTreeMap::new();
    let mut observed_days: BTreeSet<NaiveDate> = BTreeSet::new();
    let mut with_waits = true;
    for source in sources {
        let table = read_text_table(source, options.delimiter)?;
        summary.rows_read += table.len() as u64;
        let columns = resolve_columns(&table, &CALL_KEYS, &["arrival", "outcome"], options)?;
        with_waits &= columns.contains_key("wait_seconds");
        let mut folds = FoldTracker::default();
        for (row, &line) in table.lines.iter().enumerate() {
            let view = RowView {
                table: &table,
                columns: &columns,
                line,
                row,
            };
            let Some(queue) = view.queue(options)? else {
                continue;
            };
            let field = |key: &'static str| view.field(key);
            let arrival_field = field("arrival").expect("required column");
            if arrival_field.value.is_empty() {
                return Err(arrival_field.error("the call's arrival timestamp"));
            }
            let outcome_value = table.cell(row, columns["outcome"]);
            let outcome = classify_outcome(outcome_value, options);
            if let Outcome::Other = outcome {
                *summary
                    .skipped_outcomes
                    .entry(outcome_value.to_string())
                    .or_default() += 1;
                continue;
            }
            let arrival = parse_timestamp(&arrival_field, queue, options, &mut folds)?;
            let start = interval_floor(&arrival, options.interval_minutes);
            observed_days.insert(start.date_naive());
            let tally = &mut tallies
                .entry((queue.to_string(), start.timestamp()))
                .or_insert_with(|| (start, CallTally::default()))
                .1;
            match outcome {
                Outcome::Answered => {
                    let handle = required_seconds(
                        field("handle_seconds"),
                        "an answered call's handle time in seconds",
                    )?;
                    let wait = required_seconds(
                        field("wait_seconds"),
                        "an answered call's wait in seconds",
                    )?;
                    tally.answered += 1.0;
                    tally.handle_seconds += handle.unwrap_or(0.0);
                    if let Some(wait) = wait {
                        tally.wait_seconds += wait;
                        if wait <= options.target_seconds {
                            tally.answered_within_target += 1.0;
                        }
                    }
                }
                Outcome::Abandoned => {
                    if let Some(wait) = field("wait_seconds") {
                        parse_seconds(&wait)?;
                    }
                    tally.abandoned += 1.0;
                }
                Outcome::Other => unreachable!("skipped above"),
            }
        }
    }
    if tallies.is_empty() {
        return Err(Error::input(
            "no answered or abandoned calls in the input; expected outcome codes given by --answered and --abandoned",
        ));
    }
    let records = fill_call_grid(tallies, &observed_days, with_waits, options, summary);
    Ok(IntervalTable {
        time_zone: options.time_zone,
        interval_minutes: options.interval_minutes,
        records,
    })
}

/// A duration a call must have when its column is mapped.
fn required_seconds(field: Option<Field>, expected: &str) -> Result<Option<f64>> {
    match field {
        None => Ok(None),
        Some(field) if field.value.is_empty() => Err(field.error(expected)),
        Some(field) => parse_seconds(&field),
    }
}

/// Call records show demand by their presence: an interval with no call on a day
/// that has calls had zero calls. A whole day without any call (in any queue) between
/// the first and last day is missing data, a gap filled per `--fill`.
fn fill_call_grid(
    mut tallies: BTreeMap<(String, i64), (DateTime<Tz>, CallTally)>,
    observed_days: &BTreeSet<NaiveDate>,
    with_waits: bool,
    options: &IngestOptions,
    summary: &mut IngestSummary,
) -> Vec<IntervalRecord> {
    let queues: BTreeSet<String> = tallies.keys().map(|(queue, _)| queue.clone()).collect();
    let (Some(&first_day), Some(&last_day)) = (observed_days.first(), observed_days.last()) else {
        return Vec::new();
    };
    let mut records = Vec::new();
    for queue in queues {
        let mut day = first_day;
        let mut open_gap: Option<Gap> = None;
        while day <= last_day {
            let observed = observed_days.contains(&day);
            for start in local_day_intervals(day, options.time_zone, options.interval_minutes) {
                if observed {
                    if let Some(gap) = open_gap.take() {
                        summary.gaps.push(gap);
                    }
                    let tally = tallies
                        .remove(&(queue.clone(), start.timestamp()))
                        .map(|(_, tally)| tally)
                        .unwrap_or_default();
                    records.push(tally.into_record(&queue, start, with_waits));
                } else {
                    records.push(gap_record(&queue, start, options.fill));
                    match &mut open_gap {
                        Some(gap) => {
                            gap.last = start;
                            gap.intervals += 1;
                        }
                        None => {
                            open_gap = Some(Gap {
                                queue: queue.clone(),
                                first: start,
                                last: start,
                                intervals: 1,
                            })
                        }
                    }
                }
            }
            day = day.succ_opt().expect("dates in range");
        }
        if let Some(gap) = open_gap {
            summary.gaps.push(gap);
        }
    }
    records
}

/// Parses `--map` text: `key=Header,key2="Header, with comma"`.
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
                "--map entry \"{pair}\" is not KEY=Header; expected e.g. offered=\"Calls Offered\""
            ))
        })?;
        map.insert(key.trim().to_string(), header.trim().to_string());
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(name: &str, text: &str) -> Source {
        Source {
            name: name.to_string(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    fn csv_of(table: &IntervalTable) -> String {
        let mut out = Vec::new();
        table.write_csv(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn ingest(text: &str, options: &IngestOptions) -> Result<(IntervalTable, IngestSummary)> {
        ingest_sources(&[source("in.csv", text)], options)
    }

    fn london() -> IngestOptions {
        IngestOptions {
            time_zone: chrono_tz::Europe::London,
            ..IngestOptions::default()
        }
    }

    #[test]
    fn fifteen_minute_reports_aggregate_with_handle_time_weighted_by_handled_calls() {
        let text = "queue,interval_start,offered,handled,abandoned,aht_seconds,asa_seconds,answered_within_target\n\
                    sales,2026-01-05 09:00,10,9,1,200,10,8\n\
                    sales,2026-01-05 09:15,4,3,1,100,30,1\n\
                    sales,2026-01-05 09:30,0,0,0,,,0\n\
                    sales,2026-01-05 09:45,2,2,0,150,,2\n";
        let (table, summary) = ingest(text, &IngestOptions::default()).unwrap();
        // 09:00: handled 12, AHT (9*200 + 3*100)/12 = 175, ASA (9*10 + 3*30)/12 = 15.
        // 09:30: AHT from 09:45 alone = 150; ASA unknown because 09:45 did not report it.
        assert_eq!(
            csv_of(&table),
            "queue,interval_start,offered,handled,abandoned,aht_seconds,asa_seconds,answered_within_target\n\
             sales,2026-01-05T09:00:00+00:00,14,12,2,175,15,9\n\
             sales,2026-01-05T09:30:00+00:00,2,2,0,150,,2\n"
        );
        assert_eq!(summary.source_interval_minutes["in.csv"], 15);
        assert_eq!(summary.partial_intervals, 0);
        assert!(summary.gaps.is_empty());
    }

    #[test]
    fn gaps_are_reported_and_filled_as_asked() {
        let text =
            "queue,interval_start,offered\nq,2026-01-05T09:00:00Z,5\nq,2026-01-05T10:30:00Z,7\n";
        let (table, summary) = ingest(text, &IngestOptions::default()).unwrap();
        assert_eq!(table.records.len(), 4);
        assert_eq!(summary.gaps.len(), 1);
        assert_eq!(summary.gap_intervals(), 2);
        assert_eq!(table.records[1].offered, None);
        let zero = IngestOptions {
            fill: Fill::Zero,
            ..IngestOptions::default()
        };
        let (table, _) = ingest(text, &zero).unwrap();
        assert_eq!(table.records[1].offered, Some(0.0));
        assert_eq!(table.records[2].offered, Some(0.0));
    }

    #[test]
    fn fall_back_day_resolves_the_repeated_hour_by_order_of_appearance() {
        let mut text = String::from("queue,interval_start,offered\n");
        for (time, calls) in [
            ("00:30", 1),
            ("01:00", 2),
            ("01:30", 3),
            ("01:00", 4),
            ("01:30", 5),
            ("02:00", 6),
        ] {
            text.push_str(&format!("q,2026-10-25 {time},{calls}\n"));
        }
        let (table, summary) = ingest(&text, &london()).unwrap();
        let lines: Vec<String> = table
            .records
            .iter()
            .map(|r| {
                format!(
                    "{} {}",
                    format_timestamp(&r.interval_start),
                    r.offered.unwrap()
                )
            })
            .collect();
        assert_eq!(
            lines,
            [
                "2026-10-25T00:30:00+01:00 1",
                "2026-10-25T01:00:00+01:00 2",
                "2026-10-25T01:30:00+01:00 3",
                "2026-10-25T01:00:00+00:00 4",
                "2026-10-25T01:30:00+00:00 5",
                "2026-10-25T02:00:00+00:00 6",
            ]
        );
        assert!(summary.gaps.is_empty());
    }

    #[test]
    fn spring_forward_day_has_no_gap_and_rejects_the_skipped_hour() {
        let text = "queue,interval_start,offered\nq,2026-03-29 00:30,1\nq,2026-03-29 02:00,2\n";
        let (table, summary) = ingest(text, &london()).unwrap();
        assert_eq!(table.records.len(), 2);
        assert!(summary.gaps.is_empty());
        let bad = "queue,interval_start,offered\nq,2026-03-29 00:30,1\nq,2026-03-29 01:30,2\n";
        let message = ingest(bad, &london()).unwrap_err().to_string();
        assert_eq!(
            message,
            "in.csv: line 3, column \"interval_start\": found \"2026-03-29 01:30\"; expected a local time that exists in Europe/London: clocks spring forward over this time"
        );
    }

    #[test]
    fn call_records_give_service_level_and_speed_of_answer() {
        let text = "arrival,queue,wait_seconds,handle_seconds,outcome\n\
                    2026-01-05T09:01:00,q,5,100,answered\n\
                    2026-01-05T09:10:00,q,25,200,answered\n\
                    2026-01-05T09:20:00,q,40,,abandoned\n\
                    2026-01-05T09:29:59,q,20,300,answered\n\
                    2026-01-05T09:31:00,q,0,60,answered\n\
                    2026-01-05T09:40:00,q,3,,transfer\n";
        let options = IngestOptions {
            kind: SourceKind::Calls,
            ..IngestOptions::default()
        };
        let (table, summary) = ingest(text, &options).unwrap();
        assert_eq!(table.records.len(), 48);
        let at = |hour_minute: &str| {
            table
                .records
                .iter()
                .find(|r| format_timestamp(&r.interval_start).contains(hour_minute))
                .unwrap()
        };
        let nine = at("T09:00");
        assert_eq!(nine.offered, Some(4.0));
        assert_eq!(nine.handled, Some(3.0));
        assert_eq!(nine.abandoned, Some(1.0));
        assert_eq!(nine.aht_seconds, Some(200.0));
        assert_eq!(nine.asa_seconds, Some(50.0 / 3.0));
        // Waits of 5 s and 20 s are within 20 s; 25 s is not.
        assert_eq!(nine.answered_within_target, Some(2.0));
        let half_past = at("T09:30");
        assert_eq!(half_past.offered, Some(1.0));
        assert_eq!(half_past.asa_seconds, Some(0.0));
        let ten = at("T10:00");
        assert_eq!(ten.offered, Some(0.0));
        assert_eq!(ten.aht_seconds, None);
        assert_eq!(summary.skipped_outcomes["transfer"], 1);
    }

    #[test]
    fn validation_names_file_line_column_and_expectation() {
        let cases = [
            (
                "queue,interval_start,offered,handled\nq,2026-01-05T09:00:00Z,-3,0\n",
                "in.csv: line 2, column \"offered\": found \"-3\"; expected a non-negative count",
            ),
            (
                "queue,interval_start,offered,handled\nq,2026-01-05T09:00:00Z,3,4\n",
                "in.csv: line 2, column \"handled\": found \"4\"; expected at most the 3 offered calls of this interval",
            ),
            (
                "queue,interval_start,offered\nq,2026-01-05T09:00:00Z,3\nq,2026-01-05T09:07:00Z,3\n",
                "in.csv: line 3, column \"interval_start\": found \"2026-01-05T09:07:00Z\"; expected an interval start on a 30-minute boundary of the local clock (seconds 00)",
            ),
            (
                "queue,interval_start,offered\nq,yesterday,3\n",
                "in.csv: line 2, column \"interval_start\": found \"yesterday\"; expected an ISO 8601 timestamp such as 2026-03-29T00:30:00 or 2026-03-29T00:30:00+00:00",
            ),
            (
                "queue,interval_start,offered\nq,2026-01-05T09:00:00Z,3\nq,2026-01-05T09:00:00Z,4\n",
                "in.csv: line 3, column \"interval_start\": found \"2026-01-05T09:00:00Z\"; expected each queue and interval once, but queue q already has this interval at line 2",
            ),
            ("", "in.csv: the file is empty; expected a header line and data rows"),
            (
                "queue,interval_start,offered\n",
                "in.csv: the file has a header but no data rows; expected at least one row",
            ),
            (
                "queue,interval_start,offered\nq,2026-01-05T09:00:00Z\n",
                "in.csv: line 2: found 2 fields; expected 3 like the header (check the delimiter and quoting)",
            ),
        ];
        for (text, expected) in cases {
            let error = ingest(text, &IngestOptions::default()).unwrap_err();
            assert_eq!(error.to_string(), expected);
            assert_eq!(error.exit_code(), 2);
        }
    }

    #[test]
    fn mixed_interval_lengths_are_rejected() {
        let text = "queue,interval_start,offered\n\
                    q,2026-01-05T09:00:00Z,1\nq,2026-01-05T09:30:00Z,1\nq,2026-01-05T10:00:00Z,1\n\
                    q,2026-01-05T10:15:00Z,1\nq,2026-01-05T10:30:00Z,1\nq,2026-01-05T11:00:00Z,1\n";
        let message = ingest(text, &IngestOptions::default())
            .unwrap_err()
            .to_string();
        assert_eq!(
            message,
            "in.csv: line 5, column \"interval_start\": found \"2026-01-05T10:15:00Z\"; expected one interval length per file, but this row starts 15 minutes after line 4 while most rows are 30 minutes apart (mixed interval lengths)"
        );
    }

    #[test]
    fn non_utf8_bytes_are_located() {
        let mut bytes = b"queue,interval_start,offered\nq\xe9,2026-01-05T09:00:00Z,1\n".to_vec();
        bytes.truncate(bytes.len());
        let error = ingest_sources(
            &[Source {
                name: "in.csv".into(),
                bytes,
            }],
            &IngestOptions::default(),
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "in.csv: line 2, byte 2 of the line: invalid UTF-8 byte 0xE9; expected UTF-8 text (re-export the file as UTF-8)"
        );
    }

    #[test]
    fn mapped_headers_semicolons_and_clock_durations() {
        let text = "Skill;Start;Calls Offered;Calls Handled;Abandons;Avg Handle\n\
                    A;2026-01-05 09:00;10;8;2;0:03:00\n\
                    B;2026-01-05 09:00;4;4;0;2:30\n";
        let options = IngestOptions {
            columns: parse_column_map(
                "queue=Skill,interval_start=Start,offered=\"Calls Offered\",handled=Calls Handled,abandoned=Abandons,aht_seconds=Avg Handle",
            )
            .unwrap(),
            ..IngestOptions::default()
        };
        let (table, _) = ingest(text, &options).unwrap();
        assert_eq!(
            csv_of(&table),
            "queue,interval_start,offered,handled,abandoned,aht_seconds,asa_seconds,answered_within_target\n\
             A,2026-01-05T09:00:00+00:00,10,8,2,180,,\n\
             B,2026-01-05T09:00:00+00:00,4,4,0,150,,\n"
        );
    }

    #[test]
    fn duplicate_intervals_across_files_name_both_places() {
        let a = source(
            "a.csv",
            "queue,interval_start,offered\nq,2026-01-05T09:00:00Z,1\n",
        );
        let b = source(
            "b.csv",
            "queue,interval_start,offered\nq,2026-01-05T09:00:00Z,2\n",
        );
        let error = ingest_sources(&[a, b], &IngestOptions::default()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "b.csv: line 2, column \"interval_start\": found \"2026-01-05T09:00:00Z\"; expected each queue and interval once, but queue q already has this interval at a.csv:2"
        );
    }
}
