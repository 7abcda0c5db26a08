//! The CSV plumbing under the readers of `forecast.csv` and `requirements.csv`: header
//! lookup, each record's line, and cell errors located as
//! `FILE: line L, column "C": found "V"; expected ...`. It is the one place a shared
//! table reader replaces for both files.

use std::fs::File;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A CSV file opened for reading, with the positions of the columns a reader asked for.
pub(crate) struct Table {
    path: PathBuf,
    reader: csv::Reader<File>,
    columns: Vec<(&'static str, Option<usize>)>,
}

impl Table {
    /// Opens `path` and finds its `required` columns and its `optional` ones. A missing
    /// required column is `FILE: no column "C"; expected the columns ...` (listing
    /// `required`, then `source` such as "as written by wfm staff", if any), the form of
    /// the shared table reader. Cells are trimmed; other columns are ignored.
    pub fn open(
        path: &Path,
        required: &[&'static str],
        optional: &[&'static str],
        source: &str,
    ) -> Result<Self> {
        let file = File::open(path).map_err(|e| Error::read(path, e))?;
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(file);
        let header = reader.headers().map_err(|e| csv_error(path, e))?.clone();
        let position = |name: &str| header.iter().position(|column| column == name);
        let mut columns = Vec::new();
        for &name in required {
            let found = position(name).ok_or_else(|| {
                Error::input(format!(
                    "{}: no column \"{name}\"; expected the columns {}{source}",
                    path.display(),
                    required.join(", ")
                ))
            })?;
            columns.push((name, Some(found)));
        }
        columns.extend(optional.iter().map(|&name| (name, position(name))));
        Ok(Table {
            path: path.to_path_buf(),
            reader,
            columns,
        })
    }

    /// Turns every record into a row with `row`, in file order.
    pub fn rows<T>(mut self, mut row: impl FnMut(&Cells) -> Result<T>) -> Result<Vec<T>> {
        let mut rows = Vec::new();
        let mut record = csv::StringRecord::new();
        while self
            .reader
            .read_record(&mut record)
            .map_err(|e| csv_error(&self.path, e))?
        {
            rows.push(row(&Cells {
                path: &self.path,
                line: record.position().map_or(0, |p| p.line()),
                record: &record,
                columns: &self.columns,
            })?);
        }
        Ok(rows)
    }
}

/// One record's cells, looked up by column name.
pub(crate) struct Cells<'a> {
    path: &'a Path,
    line: u64,
    record: &'a csv::StringRecord,
    columns: &'a [(&'static str, Option<usize>)],
}

impl Cells<'_> {
    /// The cell of `column`; empty when an optional column is absent.
    pub fn text(&self, column: &str) -> &str {
        self.columns
            .iter()
            .find(|(name, _)| *name == column)
            .and_then(|(_, position)| *position)
            .and_then(|position| self.record.get(position))
            .unwrap_or("")
    }

    /// The error for the cell of `column`, which should have been `expected`.
    pub fn error(&self, column: &str, expected: &str) -> Error {
        Error::at(self.path, self.line, column, self.text(column), expected)
    }

    /// The cell as a finite number that passes `valid`.
    pub fn number(&self, column: &str, expected: &str, valid: fn(f64) -> bool) -> Result<f64> {
        match self.text(column).parse::<f64>() {
            Ok(value) if value.is_finite() && valid(value) => Ok(value),
            _ => Err(self.error(column, expected)),
        }
    }

    /// Like [`Cells::number`], but an empty cell (or an absent column) is `None`.
    pub fn optional_number(
        &self,
        column: &str,
        expected: &str,
        valid: fn(f64) -> bool,
    ) -> Result<Option<f64>> {
        if self.text(column).is_empty() {
            return Ok(None);
        }
        self.number(column, expected, valid).map(Some)
    }
}

/// A CSV reading error with the file and line in the message.
fn csv_error(path: &Path, error: csv::Error) -> Error {
    let line = error.position().map(|p| p.line());
    match (error.kind(), line) {
        (
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            },
            Some(line),
        ) => Error::at_line(
            path,
            line,
            &format!("found {len} fields; expected {expected_len} like the header"),
        ),
        (csv::ErrorKind::Utf8 { .. }, Some(line)) => {
            Error::at_line(path, line, "not valid UTF-8 text")
        }
        (csv::ErrorKind::Io(_), _) => match error.into_kind() {
            csv::ErrorKind::Io(io) => Error::read(path, io),
            _ => unreachable!("matched an I/O error above"),
        },
        _ => Error::input(format!("{}: {error}", path.display())),
    }
}
