//! Named columns over the one table reader ([`crate::table`]) for the readers of
//! `forecast.csv` and `requirements.csv`: those files have optional columns (the
//! prediction interval, the staffing metrics), so their readers look cells up by name
//! and read an absent optional column as empty. Everything else (path or `-`, the
//! byte-order mark, the header rule, real line numbers, located errors) is the table's.

use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};
use crate::table::{self, Row};

/// A table opened for reading, with the positions of the columns a reader asked for.
pub(crate) struct Table {
    table: table::Table<Box<dyn Read>>,
    columns: Vec<(&'static str, Option<usize>)>,
}

impl Table {
    /// Opens `path` and finds its `required` columns and its `optional` ones. A missing
    /// required column is `FILE: no column "C"; expected the columns ...` (listing
    /// `required`, then `source` such as " as written by wfm staff", if any).
    pub fn open(
        path: &Path,
        required: &[&'static str],
        optional: &[&'static str],
        source: &str,
    ) -> Result<Self> {
        let table = table::Table::open(path)?;
        let expected = format!("the columns {}{source}", required.join(", "));
        let mut columns = Vec::new();
        for &name in required {
            let found = table
                .column(name)
                .ok_or_else(|| table.missing_column(name, &expected))?;
            columns.push((name, Some(found)));
        }
        columns.extend(optional.iter().map(|&name| (name, table.column(name))));
        Ok(Table { table, columns })
    }

    /// Turns every record into a row with `row`, in file order. A record must be as
    /// wide as the header: these files are written by programs, so a stray or missing
    /// field means the columns have shifted.
    pub fn rows<T>(self, mut row: impl FnMut(&Cells) -> Result<T>) -> Result<Vec<T>> {
        let Table { table, columns } = self;
        let file = table.name().to_string();
        let width = table.headers().len();
        table.rows(|record| {
            if record.len() != width {
                let found = record.len();
                return Err(record.line_error(&format!(
                    "found {found} fields; expected {width} like the header"
                )));
            }
            row(&Cells {
                file: &file,
                record,
                columns: &columns,
            })
        })
    }
}

/// One record's cells, looked up by column name.
pub(crate) struct Cells<'a, 'r> {
    file: &'a str,
    record: &'a Row<'r>,
    columns: &'a [(&'static str, Option<usize>)],
}

impl Cells<'_, '_> {
    /// Where `column` is in the record; `None` when an optional column is absent.
    fn position(&self, column: &str) -> Option<usize> {
        self.columns
            .iter()
            .find(|(name, _)| *name == column)
            .and_then(|(_, position)| *position)
    }

    /// The line the record starts on.
    pub fn line(&self) -> u64 {
        self.record.line()
    }

    /// The cell of `column` (trimmed); empty when an optional column is absent.
    pub fn text(&self, column: &str) -> &str {
        self.position(column)
            .map_or("", |position| self.record.get(position))
    }

    /// The error for the cell of `column`, which should have been `expected`.
    pub fn error(&self, column: &str, expected: &str) -> Error {
        let line = self.record.line();
        Error::at(self.file, line, column, self.text(column), expected)
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
