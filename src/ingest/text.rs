//! Delimited text sources read into one buffer of trimmed cells per file, with the
//! canonical keys located among the headers and cells parsed with their location.
//! The table reader of [`crate::table`] splits records; the ingest adds the
//! delimiter sniffing, the header aliases and the flat cell storage that keep a
//! multi-million-row export fast to read.

use std::collections::HashMap;
use std::path::Path;

use super::options::IngestOptions;
use crate::error::{Error, Result};
use crate::table::{missing_column, Table};

/// One input: a display name (normally the path) and its raw bytes.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl Source {
    /// Reads a file into memory, or standard input for `-`.
    pub fn read(path: &Path) -> Result<Self> {
        Ok(Source {
            name: crate::input::display_name(path),
            bytes: crate::input::read_bytes(path)?,
        })
    }
}

/// Header names recognised without a column map (matched like every header).
pub(crate) fn default_headers(key: &str) -> &'static [&'static str] {
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

/// A parsed delimited file: headers and rows with their 1-based line numbers.
///
/// The trimmed cells live in one string (`cells`, cut at `ends`), not one `String` per
/// cell: a two-year export of 100 queues has 3.5 million rows, and a heap allocation
/// per cell made reading it several times slower than parsing it.
pub(super) struct TextTable {
    pub name: String,
    pub headers: Vec<String>,
    cells: String,
    /// End of each cell in `cells`, row after row (`headers.len()` cells a row).
    ends: Vec<usize>,
    /// 1-based line of each row.
    pub lines: Vec<u64>,
}

impl TextTable {
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// The cell of `row` (0-based data row) in `column`.
    pub fn cell(&self, row: usize, column: usize) -> &str {
        let index = row * self.headers.len() + column;
        let start = if index == 0 { 0 } else { self.ends[index - 1] };
        &self.cells[start..self.ends[index]]
    }
}

/// Checks UTF-8, sniffs the delimiter and reads the rows into one cell buffer.
pub(super) fn read_text_table(source: &Source, delimiter: Option<u8>) -> Result<TextTable> {
    let text = utf8_text(source)?;
    if text.trim_start_matches('\u{feff}').trim().is_empty() {
        return Err(Error::input(format!(
            "{}: the file is empty; expected a header line and data rows",
            source.name
        )));
    }
    let header_line = text.lines().next().unwrap_or("");
    let delimiter = delimiter.unwrap_or_else(|| sniff_delimiter(header_line));
    let mut table = Table::with_delimiter(source.name.as_str(), text.as_bytes(), delimiter)?;
    let headers = table.headers().to_vec();
    let mut cells = String::with_capacity(text.len());
    let mut ends = Vec::new();
    let mut lines = Vec::new();
    while let Some(row) = table.next_row()? {
        if row.len() != headers.len() {
            return Err(row.line_error(&format!(
                "found {} fields; expected {} like the header (check the delimiter and quoting)",
                row.len(),
                headers.len()
            )));
        }
        for cell in row.cells() {
            cells.push_str(cell);
            ends.push(cells.len());
        }
        lines.push(row.line());
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

/// The source as text, or an error locating its first byte that is not UTF-8.
fn utf8_text(source: &Source) -> Result<&str> {
    std::str::from_utf8(&source.bytes).map_err(|error| {
        let offset = error.valid_up_to();
        let before = &source.bytes[..offset];
        let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        Error::input(format!(
            "{}: line {line}, byte {} of the line: invalid UTF-8 byte 0x{:02X}; expected UTF-8 text (re-export the file as UTF-8)",
            source.name,
            offset - line_start + 1,
            source.bytes[offset]
        ))
    })
}

/// Picks the delimiter that splits the header line into the most fields.
pub(crate) fn sniff_delimiter(header_line: &str) -> u8 {
    [b',', b';', b'\t', b'|']
        .into_iter()
        .max_by_key(|&d| (header_line.bytes().filter(|&b| b == d).count(), d == b','))
        .unwrap_or(b',')
}

/// Maps canonical keys to column indexes: explicit map first, default names second.
pub(super) fn resolve_columns(
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
            return Err(missing_column(
                &table.name,
                key,
                &format!(
                    "a header named {}, or one mapped to {key} (the columns are: {})",
                    default_headers(key).join(" or "),
                    table.headers.join(", ")
                ),
            ));
        }
    }
    Ok(columns)
}

/// Context for error messages about one field.
pub(super) struct Field<'a> {
    pub file: &'a str,
    pub line: u64,
    pub column: &'a str,
    pub value: &'a str,
}

impl Field<'_> {
    pub fn error(&self, expected: &str) -> Error {
        Error::at(self.file, self.line, self.column, self.value, expected)
    }
}

/// A count cell: empty -> `None`, otherwise a whole non-negative number.
pub(super) fn parse_count(field: &Field) -> Result<Option<f64>> {
    if field.value.is_empty() {
        return Ok(None);
    }
    match field.value.parse::<f64>() {
        Ok(value) if value > crate::limits::MAX_CALLS => {
            Err(field.error(crate::limits::EXPECTED_CALLS))
        }
        Ok(value) if value.is_finite() && value >= 0.0 && value.fract() == 0.0 => Ok(Some(value)),
        Ok(value) if value < 0.0 => Err(field.error("a non-negative count")),
        _ => Err(field.error("a whole number of calls")),
    }
}

/// A duration cell in seconds: empty -> `None`; a number of seconds or `H:MM:SS`/`M:SS`.
pub(super) fn parse_seconds(field: &Field) -> Result<Option<f64>> {
    if field.value.is_empty() {
        return Ok(None);
    }
    let parsed = if field.value.contains(':') {
        crate::units::clock_seconds(field.value)
    } else {
        field.value.parse::<f64>().ok()
    };
    match parsed {
        Some(value) if (0.0..=crate::limits::MAX_SECONDS).contains(&value) => Ok(Some(value)),
        Some(_) => Err(field.error("a number of seconds from 0 to 86400 (a day)")),
        None => Err(field.error("a number of seconds or a duration like 0:03:05")),
    }
}

/// One data row with its file, line and resolved columns, for reading fields with
/// error messages that point at the cell.
pub(super) struct RowView<'a> {
    pub table: &'a TextTable,
    pub columns: &'a HashMap<&'static str, usize>,
    pub line: u64,
    /// 0-based data row of `table`.
    pub row: usize,
}

impl<'a> RowView<'a> {
    /// The cell of a canonical key, when the source has that column.
    pub fn field(&self, key: &str) -> Option<Field<'a>> {
        self.columns.get(key).map(|&index| self.field_at(index))
    }

    /// The cell of a column index (resolved once per file, see [`ReportColumns`]).
    pub fn field_at(&self, index: usize) -> Field<'a> {
        Field {
            file: &self.table.name,
            line: self.line,
            column: self.table.headers[index].as_str(),
            value: self.table.cell(self.row, index),
        }
    }

    /// The queue of the row: from its queue column, or the one queue's name. Rows of
    /// other queues are dropped when both exist (`None`).
    pub fn queue<'b>(&self, options: &'b IngestOptions) -> Result<Option<&'b str>>
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
            (None, None) => Err(missing_column(
                &self.table.name,
                "queue",
                &format!(
                    "a header named {}, or the queue's name for a one-queue file",
                    default_headers("queue").join(" or ")
                ),
            )),
        }
    }
}
