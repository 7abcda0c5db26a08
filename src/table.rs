//! The one reader of CSV inputs (history exports, calendar, people files, rosters,
//! forecasts, requirements): a file or `-` for standard input, a UTF-8 byte-order mark
//! dropped, headers matched by one rule, every record with the line it starts on, and
//! problems reported as `FILE: line L, column "C": found "V"; expected ...`.
//!
//! Headers match when they are equal after trimming, ignoring ASCII case: the rule
//! every reader accepted before they shared this one (`Queue`, ` queue ` and `queue`
//! name the same column). Cells are read trimmed. Records may have fewer or more
//! fields than the header (a missing cell reads as empty); a reader that needs exact
//! widths checks [`Row::len`]. Records whose cells are all blank are skipped.

use std::cell::Cell;
use std::io::{self, Cursor, Read};
use std::path::Path;
use std::rc::Rc;

use crate::error::{Error, Result};

/// What a stream of CSV bytes starts with when it carries a UTF-8 byte-order mark.
const BYTE_ORDER_MARK: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// The input after its byte-order mark: the few bytes peeked at, then the rest.
type Unmarked<R> = io::Chain<Cursor<Vec<u8>>, R>;

/// An open CSV table: its header, then records one at a time (see [`Table::next_row`]).
pub struct Table<R: Read> {
    name: String,
    headers: Vec<String>,
    reader: csv::Reader<Tail<Unmarked<R>>>,
    /// What the reader has taken from the input so far (see [`Tail`]).
    tail: Rc<Cell<TailState>>,
    record: csv::StringRecord,
}

impl Table<Box<dyn Read>> {
    /// Opens `path`, or standard input when `path` is `-`, as a comma-separated table.
    pub fn open(path: &Path) -> Result<Self> {
        if crate::input::is_stdin(path) {
            let bytes = crate::input::stdin_bytes()?;
            return Table::from_reader(crate::input::STDIN_NAME, Box::new(bytes));
        }
        let file = std::fs::File::open(path).map_err(|e| Error::read(path, e))?;
        Table::from_reader(path.display().to_string(), Box::new(file))
    }
}

impl<R: Read> Table<R> {
    /// Reads a comma-separated table from `input`, called `name` in messages.
    pub fn from_reader(name: impl Into<String>, input: R) -> Result<Self> {
        Table::with_delimiter(name, input, b',')
    }

    /// Reads a table whose fields are separated by `delimiter`.
    pub fn with_delimiter(name: impl Into<String>, input: R, delimiter: u8) -> Result<Self> {
        let name = name.into();
        let input = skip_byte_order_mark(input).map_err(|e| Error::read(&name, e))?;
        let tail = Rc::new(Cell::new(TailState::default()));
        let input = Tail {
            inner: input,
            state: Rc::clone(&tail),
        };
        // Only `\n` ends a record, so that a record's terminator is read with it and
        // its line can be counted back from the reader's position (`\r` is trimmed).
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .terminator(csv::Terminator::Any(b'\n'))
            .flexible(true)
            .has_headers(true)
            .from_reader(input);
        let headers = reader
            .headers()
            .map_err(|e| read_error(&name, e))?
            .iter()
            .map(|header| header.trim().to_string())
            .collect();
        Ok(Table {
            name,
            headers,
            reader,
            tail,
            record: csv::StringRecord::new(),
        })
    }

    /// The file's name in messages (its path, or `stdin`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The header cells, trimmed.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The position of the column called `name` (trimmed, any ASCII case).
    pub fn column(&self, name: &str) -> Option<usize> {
        let name = name.trim();
        self.headers
            .iter()
            .position(|header| header.eq_ignore_ascii_case(name))
    }

    /// The positions of `columns`, all of which the header must have.
    pub fn require(&self, columns: &[&str]) -> Result<Vec<usize>> {
        let expected = format!("the columns {}", columns.join(", "));
        columns
            .iter()
            .map(|&column| {
                self.column(column)
                    .ok_or_else(|| self.missing_column(column, &expected))
            })
            .collect()
    }

    /// The error for a header without `column`: `FILE: no column "C"; expected ...`.
    pub fn missing_column(&self, column: &str, expected: &str) -> Error {
        missing_column(&self.name, column, expected)
    }

    /// The next record that has a non-blank cell, or `None` at the end of the file.
    pub fn next_row(&mut self) -> Result<Option<Row<'_>>> {
        loop {
            let more = self
                .reader
                .read_record(&mut self.record)
                .map_err(|e| read_error(&self.name, e))?;
            if !more {
                return Ok(None);
            }
            if self.record.iter().any(|cell| !cell.trim().is_empty()) {
                break;
            }
        }
        Ok(Some(Row {
            file: &self.name,
            headers: &self.headers,
            line: self.first_line(),
            record: &self.record,
        }))
    }

    /// Turns every remaining row into a `T` with `row`, in file order.
    pub fn rows<T>(mut self, mut row: impl FnMut(&Row<'_>) -> Result<T>) -> Result<Vec<T>> {
        let mut rows = Vec::new();
        while let Some(next) = self.next_row()? {
            rows.push(row(&next)?);
        }
        Ok(rows)
    }

    /// The line the record just read starts on. The csv crate positions a record
    /// where reading began, before any empty lines it skipped, so the line is
    /// counted back from where the record ended instead: its terminator and the
    /// line breaks inside its quoted fields.
    fn first_line(&self) -> u64 {
        let began = self.record.position().map_or(1, |p| p.line());
        let end = self.reader.position();
        let tail = self.tail.get();
        let terminated = !(end.byte() == tail.bytes && tail.last != b'\n');
        if terminated && end.line() == began + 1 {
            return began; // one line, no empty lines before it: the common case
        }
        let breaks = self
            .record
            .as_byte_record()
            .as_slice()
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        end.line() - breaks - u64::from(terminated)
    }
}

/// How many bytes the csv reader has taken from the input and the last of them:
/// a record that ends where the input does, not on a line break, ended the file.
#[derive(Debug, Clone, Copy, Default)]
struct TailState {
    bytes: u64,
    last: u8,
}

/// The input, noting its [`TailState`] as the csv reader takes bytes.
struct Tail<R> {
    inner: R,
    state: Rc<Cell<TailState>>,
}

impl<R: Read> Read for Tail<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 {
            let before = self.state.get();
            self.state.set(TailState {
                bytes: before.bytes + n as u64,
                last: buf[n - 1],
            });
        }
        Ok(n)
    }
}

/// One record of a [`Table`], with the line it starts on.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    file: &'a str,
    headers: &'a [String],
    line: u64,
    record: &'a csv::StringRecord,
}

impl<'a> Row<'a> {
    /// The 1-based line the record starts on (a quoted field may span lines).
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The number of fields in the record.
    pub fn len(&self) -> usize {
        self.record.len()
    }

    /// Whether the record has no fields (never, for a row [`Table::next_row`] gives).
    pub fn is_empty(&self) -> bool {
        self.record.is_empty()
    }

    /// The trimmed cell in `column`; empty when the record is shorter.
    pub fn get(&self, column: usize) -> &'a str {
        self.record.get(column).unwrap_or("").trim()
    }

    /// The trimmed cells in file order.
    pub fn cells(&self) -> impl Iterator<Item = &'a str> {
        self.record.iter().map(str::trim)
    }

    /// The error for a bad cell in `column`:
    /// `FILE: line L, column "C": found "V"; expected EXPECTED`.
    pub fn error(&self, column: usize, expected: &str) -> Error {
        let header = self.headers.get(column).map_or("", String::as_str);
        Error::at(self.file, self.line, header, self.get(column), expected)
    }

    /// The error for a problem with the whole record: `FILE: line L: MESSAGE`.
    pub fn line_error(&self, message: &str) -> Error {
        Error::at_line(self.file, self.line, message)
    }

    /// The cell in `column` read by `parse`, or the error naming `expected`.
    pub fn parse<T>(
        &self,
        column: usize,
        expected: &str,
        parse: impl FnOnce(&'a str) -> Option<T>,
    ) -> Result<T> {
        parse(self.get(column)).ok_or_else(|| self.error(column, expected))
    }
}

/// The one form of a missing-column error: `FILE: no column "C"; expected ...`.
pub fn missing_column(file: &str, column: &str, expected: &str) -> Error {
    Error::input(format!(
        "{file}: no column \"{column}\"; expected {expected}"
    ))
}

/// Drops a leading UTF-8 byte-order mark (spreadsheets write one).
fn skip_byte_order_mark<R: Read>(mut input: R) -> io::Result<Unmarked<R>> {
    let mut head = Vec::with_capacity(BYTE_ORDER_MARK.len());
    (&mut input)
        .take(BYTE_ORDER_MARK.len() as u64)
        .read_to_end(&mut head)?;
    if head == BYTE_ORDER_MARK {
        head.clear();
    }
    Ok(Cursor::new(head).chain(input))
}

/// A record that cannot be read: the line and cause, or the I/O failure.
fn read_error(file: &str, error: csv::Error) -> Error {
    let line = error.position().map(|p| p.line());
    match error.into_kind() {
        csv::ErrorKind::Io(cause) => Error::read(file, cause),
        csv::ErrorKind::Utf8 { err, .. } => Error::at_line(
            file,
            line.unwrap_or(1),
            &format!(
                "invalid UTF-8 in field {}; expected UTF-8 text (re-export the file as UTF-8)",
                err.field() + 1
            ),
        ),
        other => Error::input(format!("{file}: cannot read the file: {other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table<&[u8]> {
        Table::from_reader("in.csv", text.as_bytes()).unwrap()
    }

    fn rows(text: &str) -> Vec<(u64, Vec<String>)> {
        let mut table = table(text);
        let mut rows = Vec::new();
        while let Some(row) = table.next_row().unwrap() {
            rows.push((row.line(), row.cells().map(String::from).collect()));
        }
        rows
    }

    #[test]
    fn byte_order_mark_is_dropped() {
        let marked = table("\u{feff}Date,kind\n2026-12-25,closed\n");
        assert_eq!(marked.headers(), ["Date", "kind"]);
        assert_eq!(marked.column("date"), Some(0));
        // A file shorter than a mark still reads.
        assert_eq!(table("a\n").headers(), ["a"]);
    }

    #[test]
    fn headers_match_trimmed_in_any_ascii_case() {
        let table = table(" Queue ,INTERVAL_START,calls\n");
        assert_eq!(table.column("queue"), Some(0));
        assert_eq!(table.column(" interval_start"), Some(1));
        assert_eq!(table.column("aht_seconds"), None);
        assert_eq!(table.require(&["calls", "queue"]).unwrap(), [2, 0]);
        assert_eq!(
            table
                .require(&["queue", "aht_seconds"])
                .unwrap_err()
                .to_string(),
            "in.csv: no column \"aht_seconds\"; expected the columns queue, aht_seconds"
        );
    }

    #[test]
    fn rows_start_on_their_real_lines() {
        let text = "id,note\na,\"two\nlines\"\n\nb, x \n , \nc,\"three\n\nlines\"\n\n\nd,\"e\nf\"";
        let lines: Vec<u64> = rows(text).iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, [2, 5, 7, 12]);
        assert_eq!(rows(text)[1].1, ["b", "x"]);
        // Windows line ends: the same lines, cells without the carriage return.
        let crlf = text.replace('\n', "\r\n");
        let lines: Vec<u64> = rows(&crlf).iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, [2, 5, 7, 12]);
        assert_eq!(rows(&crlf)[0].1, ["a", "two\r\nlines"]);
        assert_eq!(rows("a\n\n\nx\n")[0].0, 4);
    }

    #[test]
    fn rows_maps_every_record() {
        let table = table("n\n1\n\n2\n");
        let numbers = table.rows(|row| row.parse(0, "a number", |t| t.parse::<u32>().ok()));
        assert_eq!(numbers.unwrap(), [1, 2]);
        let table = super::Table::from_reader("in.csv", "n\n1\nx\n".as_bytes()).unwrap();
        let error = table
            .rows(|row| row.parse(0, "a number", |t| t.parse::<u32>().ok()))
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "in.csv: line 3, column \"n\": found \"x\"; expected a number"
        );
    }

    #[test]
    fn short_records_read_empty_cells() {
        let mut table = table("a,b,c\n1,2\n");
        let row = table.next_row().unwrap().unwrap();
        assert_eq!((row.len(), row.get(1), row.get(2)), (2, "2", ""));
    }

    #[test]
    fn cell_errors_carry_their_location() {
        let mut table = table("id,Date\nx,\"long\nago\"\ny, 2026-13-01 \n");
        table.next_row().unwrap();
        let row = table.next_row().unwrap().unwrap();
        let error = row
            .parse(1, "a date YYYY-MM-DD", |text| {
                chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
            })
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "in.csv: line 4, column \"Date\": found \"2026-13-01\"; expected a date YYYY-MM-DD"
        );
        let location = error.location().unwrap();
        assert_eq!(
            (
                location.file.as_str(),
                location.line,
                location.column.as_str()
            ),
            ("in.csv", 4, "Date")
        );
        assert_eq!(
            (location.found.as_str(), location.expected.as_str()),
            ("2026-13-01", "a date YYYY-MM-DD")
        );
        assert_eq!(error.exit_code(), 2);
    }

    #[test]
    fn invalid_utf8_names_the_line() {
        let bytes = b"a,b\n1,2\n3,\xe9\n";
        let mut table = Table::from_reader("in.csv", &bytes[..]).unwrap();
        table.next_row().unwrap();
        assert_eq!(
            table.next_row().unwrap_err().to_string(),
            "in.csv: line 3: invalid UTF-8 in field 2; expected UTF-8 text (re-export the file as UTF-8)"
        );
    }
}
