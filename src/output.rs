//! Atomic output: every file is written to a temporary file beside its target and
//! renamed into place, so a failed or killed run never leaves a partial file.

use std::io::{BufWriter, Write};
use std::path::Path;

use crate::error::{Error, Result};

/// Writes `path` atomically: `fill` writes the whole content to a buffered temporary
/// file in the same directory, which is then renamed over `path`. On any error the
/// temporary file is removed and `path` is untouched.
pub fn write_atomic<F>(path: &Path, fill: F) -> Result<()>
where
    F: FnOnce(&mut dyn Write) -> Result<()>,
{
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let temp = tempfile::Builder::new()
        .prefix(".wfm-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::write(path, e))?;
    {
        let mut writer = BufWriter::new(temp.as_file());
        fill(&mut writer)?;
        writer.flush().map_err(|e| Error::write(path, e))?;
    }
    temp.as_file()
        .sync_all()
        .map_err(|e| Error::write(path, e))?;
    // Temporary files are created private (0600); outputs are ordinary files.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(temp.path(), std::fs::Permissions::from_mode(0o644))
            .map_err(|e| Error::write(path, e))?;
    }
    temp.persist(path)
        .map_err(|e| Error::write(path, e.error))?;
    Ok(())
}

/// Writes a CSV table atomically: the header, then every row.
pub fn write_csv_atomic<Rows, Row, Field>(path: &Path, header: &[&str], rows: Rows) -> Result<()>
where
    Rows: IntoIterator<Item = Row>,
    Row: IntoIterator<Item = Field>,
    Field: AsRef<[u8]>,
{
    write_atomic(path, |out| {
        let mut writer = csv::Writer::from_writer(out);
        writer
            .write_record(header)
            .map_err(|e| Error::write(path, e.into()))?;
        for row in rows {
            writer
                .write_record(row)
                .map_err(|e| Error::write(path, e.into()))?;
        }
        writer.flush().map_err(|e| Error::write(path, e))?;
        Ok(())
    })
}
