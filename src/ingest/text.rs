//! Delimited text sources read row by row, with the canonical keys located among the
//! headers and cells parsed with their location. The table reader of [`crate::table`]
//! splits records; the ingest adds the delimiter sniffing, the header aliases and the
//! checks of the whole text (UTF-8, empty files, record widths) that come before any
//! cell's value, so that a file of millions of rows is read without keeping its rows.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use super::options::IngestOptions;
use crate::error::{Error, Result};
use crate::table::{missing_column, Row, Table};

/// One input: a display name (normally the path) and where its bytes are read from.
/// A regular file is read where it lies, once per pass; anything else (standard
/// input, a pipe) is read into memory once.
#[derive(Debug)]
pub struct Source {
    pub name: String,
    content: Content,
}

#[derive(Debug)]
enum Content {
    Bytes(Vec<u8>),
    Stdin(&'static [u8]),
    File(File),
}

impl Source {
    /// Opens a file, or takes standard input for `-`; a file that is not a regular
    /// one (a pipe) is read into memory, as it cannot be read twice.
    pub fn read(path: &Path) -> Result<Self> {
        let name = crate::input::display_name(path);
        if crate::input::is_stdin(path) {
            let bytes = crate::input::stdin_bytes()?;
            return Ok(Source {
                name,
                content: Content::Stdin(bytes),
            });
        }
        let file = File::open(path).map_err(|e| Error::read(path, e))?;
        let regular = file.metadata().map_err(|e| Error::read(path, e))?.is_file();
        let content = if regular {
            Content::File(file)
        } else {
            Content::Bytes(crate::input::read_bytes(path)?)
        };
        Ok(Source { name, content })
    }

    /// A source held in memory, called `name` in messages.
    pub fn from_bytes(name: impl Into<String>, bytes: Vec<u8>) -> Self {
        Source {
            name: name.into(),
            content: Content::Bytes(bytes),
        }
    }

    /// The bytes from the start (a file is rewound for each pass).
    fn reader(&self) -> Result<Box<dyn Read + '_>> {
        Ok(match &self.content {
            Content::Bytes(bytes) => Box::new(bytes.as_slice()),
            Content::Stdin(bytes) => Box::new(*bytes),
            Content::File(file) => {
                let mut handle = file;
                handle
                    .seek(SeekFrom::Start(0))
                    .map_err(|e| Error::read(&self.name, e))?;
                Box::new(handle)
            }
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

/// What one pass over a source read: its data rows and the delimiter of its fields.
pub(super) struct RowsRead {
    pub rows: u64,
    pub delimiter: u8,
}

/// Reads every data row of `source` in file order: `columns` resolves what the
/// header offers, `each` takes the rows. Problems come in the order a reader that
/// held the whole file would find them: invalid UTF-8, an empty file, a record whose
/// width differs from the header's, no data rows, then the first error of `columns`
/// or `each` (which is not called again after an error).
pub(super) fn read_rows<C>(
    source: &Source,
    delimiter: Option<u8>,
    columns: impl FnOnce(&str, &[String]) -> Result<(Columns, C)>,
    mut each: impl FnMut(&C, &RowView) -> Result<()>,
) -> Result<RowsRead> {
    let header_line = check_text(source)?;
    let delimiter = delimiter.unwrap_or_else(|| sniff_delimiter(&header_line));
    let mut table = Table::with_delimiter(source.name.as_str(), source.reader()?, delimiter)?;
    let headers = table.headers().to_vec();
    let columns = columns(&source.name, &headers);
    let mut first_error: Option<Error> = None;
    let mut rows = 0u64;
    while let Some(row) = table.next_row()? {
        if row.len() != headers.len() {
            return Err(row.line_error(&format!(
                "found {} fields; expected {} like the header (check the delimiter and quoting)",
                row.len(),
                headers.len()
            )));
        }
        rows += 1;
        if let (Ok((map, columns)), None) = (&columns, &first_error) {
            let view = RowView {
                file: &source.name,
                headers: &headers,
                columns: map,
                row: &row,
            };
            first_error = each(columns, &view).err();
        }
    }
    if rows == 0 {
        return Err(Error::input(format!(
            "{}: the file has a header but no data rows; expected at least one row",
            source.name
        )));
    }
    columns?;
    match first_error {
        Some(error) => Err(error),
        None => Ok(RowsRead { rows, delimiter }),
    }
}

/// The cell in `column` of the record starting at `line`, read again for a message
/// about that row once the rows are no longer held.
pub(super) fn cell_at_line(
    source: &Source,
    delimiter: u8,
    column: usize,
    line: u64,
) -> Result<String> {
    let mut table = Table::with_delimiter(source.name.as_str(), source.reader()?, delimiter)?;
    while let Some(row) = table.next_row()? {
        if row.line() == line {
            return Ok(row.get(column).to_string());
        }
    }
    Ok(String::new())
}

/// Checks the whole text before any record is read: UTF-8 (an error locating the
/// first byte that is not) and not empty. Returns the first line, to sniff the
/// delimiter from.
fn check_text(source: &Source) -> Result<String> {
    let mut reader = source.reader()?;
    let mut scan = TextScan::default();
    let mut buffer = vec![0u8; 1 << 16];
    let mut carried = 0;
    loop {
        let read = match reader.read(&mut buffer[carried..]) {
            Ok(read) => read,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::read(&source.name, e)),
        };
        let filled = carried + read;
        let at_end = read == 0;
        let (valid, invalid) = match std::str::from_utf8(&buffer[..filled]) {
            Ok(_) => (filled, false),
            // A sequence cut by the end of the buffer continues in the next read.
            Err(e) => (e.valid_up_to(), e.error_len().is_some() || at_end),
        };
        let text = std::str::from_utf8(&buffer[..valid]).expect("checked UTF-8");
        scan.take(text);
        if invalid {
            return Err(scan.invalid_byte(&source.name, buffer[valid]));
        }
        if at_end {
            break;
        }
        buffer.copy_within(valid..filled, 0);
        carried = filled - valid;
    }
    if !scan.nonblank {
        return Err(Error::input(format!(
            "{}: the file is empty; expected a header line and data rows",
            source.name
        )));
    }
    Ok(scan.first_line)
}

/// What [`check_text`] has seen of the text so far.
#[derive(Default)]
struct TextScan {
    /// Bytes before the current chunk.
    offset: u64,
    /// 1-based line of the current position, and the offset where it starts.
    line: u64,
    line_start: u64,
    first_line: String,
    first_line_done: bool,
    /// Past the byte-order marks that may open the file.
    past_marks: bool,
    /// Some character other than white space or an opening mark.
    nonblank: bool,
}

impl TextScan {
    fn take(&mut self, text: &str) {
        if !self.first_line_done {
            match text.find('\n') {
                Some(end) => {
                    self.first_line.push_str(&text[..end]);
                    self.first_line_done = true;
                }
                None => self.first_line.push_str(text),
            }
        }
        if !self.nonblank {
            for c in text.chars() {
                if !self.past_marks && c == '\u{feff}' {
                    continue;
                }
                self.past_marks = true;
                if !c.is_whitespace() {
                    self.nonblank = true;
                    break;
                }
            }
        }
        for (at, _) in text.bytes().enumerate().filter(|(_, b)| *b == b'\n') {
            self.line += 1;
            self.line_start = self.offset + at as u64 + 1;
        }
        self.offset += text.len() as u64;
    }

    /// The error for the byte that is not UTF-8, right after the text taken.
    fn invalid_byte(&self, file: &str, byte: u8) -> Error {
        Error::input(format!(
            "{file}: line {}, byte {} of the line: invalid UTF-8 byte 0x{byte:02X}; expected UTF-8 text (re-export the file as UTF-8)",
            self.line + 1,
            self.offset - self.line_start + 1,
        ))
    }
}

/// Picks the delimiter that splits the header line into the most fields.
pub(crate) fn sniff_delimiter(header_line: &str) -> u8 {
    [b',', b';', b'\t', b'|']
        .into_iter()
        .max_by_key(|&d| (header_line.bytes().filter(|&b| b == d).count(), d == b','))
        .unwrap_or(b',')
}

/// Canonical keys and the columns that hold them.
pub(super) type Columns = HashMap<&'static str, usize>;

/// Maps canonical keys to column indexes: explicit map first, default names second.
pub(super) fn resolve_columns(
    file: &str,
    headers: &[String],
    keys: &[&'static str],
    required: &[&'static str],
    options: &IngestOptions,
) -> Result<Columns> {
    let find = |wanted: &str| {
        headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(wanted.trim()))
    };
    let mut columns = HashMap::new();
    for &key in keys {
        if let Some(header) = options.columns.get(key) {
            let index = find(header).ok_or_else(|| {
                Error::input(format!(
                    "{}: the column map names \"{header}\" for {key}, but the header has no such column; the columns are: {}",
                    file,
                    headers.join(", ")
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
                file,
                key,
                &format!(
                    "a header named {}, or one mapped to {key} (the columns are: {})",
                    default_headers(key).join(" or "),
                    headers.join(", ")
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
    pub file: &'a str,
    pub headers: &'a [String],
    pub columns: &'a Columns,
    pub row: &'a Row<'a>,
}

impl<'a> RowView<'a> {
    /// The 1-based line the row starts on.
    pub fn line(&self) -> u64 {
        self.row.line()
    }

    /// The cell of a canonical key, when the source has that column.
    pub fn field(&self, key: &str) -> Option<Field<'a>> {
        self.columns.get(key).map(|&index| self.field_at(index))
    }

    /// The cell of a column index (resolved once per file).
    pub fn field_at(&self, index: usize) -> Field<'a> {
        Field {
            file: self.file,
            line: self.row.line(),
            column: self.headers[index].as_str(),
            value: self.row.get(index),
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
                self.file,
                "queue",
                &format!(
                    "a header named {}, or the queue's name for a one-queue file",
                    default_headers("queue").join(" or ")
                ),
            )),
        }
    }
}
