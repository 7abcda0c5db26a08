//! Output files: `-` is standard output; a regular file is written to a temporary
//! file beside it and renamed into place, so a failed or killed run never leaves a
//! partial file; a device or FIFO (`/dev/stdout`, a named pipe), or a symlink to one,
//! is written directly: renaming over it would replace the device node or the link
//! with a regular file, and nothing would reach the reader.

use std::fs::{self, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Where the bytes for an output path go.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Destination {
    /// `-`: standard output.
    Stdout,
    /// A device or FIFO, or a link to one: opened by its path and written.
    Special(PathBuf),
    /// A regular file, or none yet (the path after following symlinks): replaced
    /// atomically.
    Regular(PathBuf),
}

impl Destination {
    fn of(path: &Path) -> Result<Self> {
        if path == Path::new("-") {
            return Ok(Destination::Stdout);
        }
        // `metadata` follows every link, the kernel's own (`/dev/stdout` ->
        // `/proc/self/fd/1` -> a pipe) included, so a special file is opened by the path
        // given.
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => Err(Error::write(
                path,
                io::Error::new(io::ErrorKind::IsADirectory, "is a directory"),
            )),
            Ok(meta) if !meta.is_file() => Ok(Destination::Special(path.to_path_buf())),
            Ok(_) => fs::canonicalize(path)
                .map(Destination::Regular)
                .map_err(|e| Error::write(path, e)),
            Err(_) => resolve_links(path).map(Destination::Regular),
        }
    }
}

/// `path` with every symlink followed, for a path that names no file yet (a dangling
/// link gives the path it points to), so that writing it creates what the link names
/// and leaves the link in place.
fn resolve_links(path: &Path) -> Result<PathBuf> {
    let mut current = path.to_path_buf();
    // A cycle of links is cut off as the operating system does (ELOOP after 40).
    for _ in 0..40 {
        let is_link = fs::symlink_metadata(&current).is_ok_and(|m| m.file_type().is_symlink());
        if !is_link {
            return Ok(current);
        }
        let link = fs::read_link(&current).map_err(|e| Error::write(path, e))?;
        current = match current.parent() {
            Some(parent) if link.is_relative() => parent.join(link),
            _ => link,
        };
    }
    Err(Error::write(
        path,
        io::Error::other("too many levels of symbolic links"),
    ))
}

/// Writes `path` with `fill`: standard output for `-`, a device or FIFO directly, and
/// a regular file atomically (a temporary file renamed into place). Errors name `path`.
pub fn write_atomic<F>(path: &Path, fill: F) -> Result<()>
where
    F: FnOnce(&mut dyn Write) -> Result<()>,
{
    let mut outputs = Outputs::default();
    outputs.stage(path, fill)?;
    outputs.commit()
}

/// The outputs of one run, written all or nothing: each is filled first (a regular
/// file into its temporary file, a stream into memory), and only when every one is
/// complete are the files renamed into place and the streams written. An unwritable
/// second output thus leaves the first untouched.
#[derive(Default)]
pub struct Outputs {
    staged: Vec<Staged>,
}

/// One output, filled and waiting for [`Outputs::commit`].
enum Staged {
    Stream {
        path: PathBuf,
        destination: Destination,
        bytes: Vec<u8>,
    },
    File {
        path: PathBuf,
        target: PathBuf,
        temp: tempfile::NamedTempFile,
    },
}

impl Outputs {
    /// Fills the output `path` with `fill`, without publishing it yet.
    pub fn stage<F>(&mut self, path: &Path, fill: F) -> Result<()>
    where
        F: FnOnce(&mut dyn Write) -> Result<()>,
    {
        let staged = match Destination::of(path)? {
            Destination::Regular(target) => {
                let temp = fill_temporary(path, &target, fill)?;
                Staged::File {
                    path: path.to_path_buf(),
                    target,
                    temp,
                }
            }
            destination => {
                let mut bytes = Vec::new();
                fill(&mut bytes)?;
                Staged::Stream {
                    path: path.to_path_buf(),
                    destination,
                    bytes,
                }
            }
        };
        self.staged.push(staged);
        Ok(())
    }

    /// Publishes every staged output, in the order staged.
    pub fn commit(self) -> Result<()> {
        for staged in self.staged {
            match staged {
                Staged::File { path, target, temp } => {
                    temp.persist(&target)
                        .map_err(|e| Error::write(&path, e.error))?;
                }
                Staged::Stream {
                    path,
                    destination,
                    bytes,
                } => write_stream(&path, &destination, &bytes)?,
            }
        }
        Ok(())
    }
}

/// Writes `bytes` to a stream that cannot be replaced (standard output, a device, a
/// FIFO).
fn write_stream(path: &Path, destination: &Destination, bytes: &[u8]) -> Result<()> {
    let written = match destination {
        Destination::Special(target) => OpenOptions::new()
            .write(true)
            .open(target)
            .and_then(|mut file| file.write_all(bytes).and_then(|()| file.flush())),
        _ => {
            let mut out = io::stdout().lock();
            out.write_all(bytes).and_then(|()| out.flush())
        }
    };
    written.map_err(|e| Error::write(path, e))
}

/// The directory a file path lies in (`.` for a bare file name).
fn directory_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Fills a temporary file beside `target` (the regular file `path` names) with
/// `fill`, synced and made an ordinary 0644 file, ready to be renamed over `target`.
/// On any error the temporary file is removed and the message names `path`, never the
/// temporary file.
fn fill_temporary<F>(path: &Path, target: &Path, fill: F) -> Result<tempfile::NamedTempFile>
where
    F: FnOnce(&mut dyn Write) -> Result<()>,
{
    let dir = directory_of(target);
    if !dir.is_dir() {
        let missing = format!("the directory {} does not exist", dir.display());
        return Err(Error::write(
            path,
            io::Error::new(io::ErrorKind::NotFound, missing),
        ));
    }
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
        fs::set_permissions(temp.path(), fs::Permissions::from_mode(0o644))
            .map_err(|e| Error::write(path, e))?;
    }
    Ok(temp)
}

/// Refuses a run whose output would overwrite one of its inputs or another of its
/// outputs (`-o history.csv` for the history read): the atomic rename would replace
/// the input before anyone noticed. Paths are compared as files (links and `..`
/// resolved); standard streams and devices are not files and are not compared, but
/// only one input may be standard input.
pub fn check_distinct(inputs: &[&Path], outputs: &[&Path]) -> Result<()> {
    crate::input::one_standard_input(inputs)?;
    let inputs: Vec<_> = inputs
        .iter()
        .filter_map(|p| file_identity(p).map(|id| (p, id)))
        .collect();
    let mut seen: Vec<(&Path, FileIdentity)> = Vec::new();
    for &output in outputs {
        let Some(id) = file_identity(output) else {
            continue;
        };
        if let Some((input, _)) = inputs.iter().find(|(_, other)| *other == id) {
            return Err(Error::input(format!(
                "{} is both an input and an output ({}); writing it would destroy the input",
                output.display(),
                input.display()
            )));
        }
        if let Some((first, _)) = seen.iter().find(|(_, other)| *other == id) {
            return Err(Error::input(format!(
                "{} and {} name the same output file; one would overwrite the other",
                first.display(),
                output.display()
            )));
        }
        seen.push((output, id));
    }
    Ok(())
}

/// What makes two paths one file: its device and inode when it exists, else the
/// absolute path it would be created at.
#[derive(Debug, Clone, PartialEq, Eq)]
enum FileIdentity {
    Inode(u64, u64),
    Planned(PathBuf),
}

fn file_identity(path: &Path) -> Option<FileIdentity> {
    use std::os::unix::fs::MetadataExt;
    if path == Path::new("-") {
        return None;
    }
    match fs::metadata(path) {
        Ok(meta) if meta.is_file() => Some(FileIdentity::Inode(meta.dev(), meta.ino())),
        Ok(_) => None,
        Err(_) => {
            let target = resolve_links(path).ok()?;
            let parent = directory_of(&target);
            let dir = fs::canonicalize(parent).unwrap_or_else(|_| parent.to_path_buf());
            Some(FileIdentity::Planned(dir.join(target.file_name()?)))
        }
    }
}

/// Writes a CSV table atomically: the header, then every row.
pub fn write_csv_atomic<Rows, Row, Field>(path: &Path, header: &[&str], rows: Rows) -> Result<()>
where
    Rows: IntoIterator<Item = Row>,
    Row: IntoIterator<Item = Field>,
    Field: AsRef<[u8]>,
{
    write_atomic(path, |out| write_csv(out, path, header, rows))
}

/// Writes a CSV table to `out`, the header then every row; errors name `path`. For
/// [`write_atomic`] and [`Outputs::stage`].
pub fn write_csv<Rows, Row, Field>(
    out: &mut dyn Write,
    path: &Path,
    header: &[&str],
    rows: Rows,
) -> Result<()>
where
    Rows: IntoIterator<Item = Row>,
    Row: IntoIterator<Item = Field>,
    Field: AsRef<[u8]>,
{
    let mut writer = csv::Writer::from_writer(out);
    writer
        .write_record(header)
        .map_err(|e| Error::write(path, e.into()))?;
    for row in rows {
        writer
            .write_record(row)
            .map_err(|e| Error::write(path, e.into()))?;
    }
    writer.flush().map_err(|e| Error::write(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_text(path: &Path, text: &str) -> Result<()> {
        write_atomic(path, |out| {
            out.write_all(text.as_bytes())
                .map_err(|e| Error::write(path, e))
        })
    }

    #[test]
    fn a_regular_file_is_replaced_and_a_link_to_it_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("out.csv");
        write_text(&file, "one\n").unwrap();
        assert_eq!(fs::read_to_string(&file).unwrap(), "one\n");
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink("out.csv", &link).unwrap();
        write_text(&link, "two\n").unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read_to_string(&file).unwrap(), "two\n");
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 2, "no temporary file is left: {names:?}");
    }

    #[test]
    fn a_link_to_a_device_is_written_through_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("null");
        std::os::unix::fs::symlink("/dev/null", &link).unwrap();
        write_text(&link, "discarded\n").unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read_link(&link).unwrap(), Path::new("/dev/null"));
        assert!(!fs::metadata("/dev/null").unwrap().is_file());
    }

    #[test]
    fn a_fifo_is_written_directly_and_stays_a_fifo() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || fs::read_to_string(fifo).unwrap())
        };
        write_text(&fifo, "through the pipe\n").unwrap();
        assert_eq!(reader.join().unwrap(), "through the pipe\n");
        assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo());
    }

    #[test]
    fn a_missing_directory_is_named_without_the_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no/such/dir/out.csv");
        let message = write_text(&path, "x").unwrap_err().to_string();
        assert!(
            message.starts_with(&path.display().to_string()),
            "{message}"
        );
        assert!(message.contains("does not exist"), "{message}");
        assert!(!message.contains(".wfm-"), "{message}");
    }

    #[test]
    fn an_output_over_an_input_or_another_output_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("history.csv");
        fs::write(&input, "queue\n").unwrap();
        let same = dir.path().join("sub/../history.csv");
        fs::create_dir(dir.path().join("sub")).unwrap();
        let message = check_distinct(&[&input], &[&same]).unwrap_err().to_string();
        assert!(
            message.contains("is both an input and an output"),
            "{message}"
        );
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink(&input, &link).unwrap();
        assert!(check_distinct(&[&link], &[&input]).is_err());
        let new = dir.path().join("new.csv");
        let again = dir.path().join("./new.csv");
        let message = check_distinct(&[&input], &[&new, &again])
            .unwrap_err()
            .to_string();
        assert!(message.contains("name the same output file"), "{message}");
        let other = dir.path().join("other.csv");
        check_distinct(&[&input], &[&new, &other]).unwrap();
        let stdout = Path::new("-");
        check_distinct(
            &[stdout],
            &[stdout, Path::new("/dev/null"), Path::new("/dev/null")],
        )
        .unwrap();
        assert_eq!(fs::read_to_string(&input).unwrap(), "queue\n");
    }

    #[test]
    fn outputs_are_written_all_or_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let first = dir.path().join("shifts.csv");
        fs::write(&first, "old\n").unwrap();
        let mut outputs = Outputs::default();
        outputs
            .stage(&first, |out| {
                out.write_all(b"new\n").map_err(|e| Error::write("x", e))
            })
            .unwrap();
        let unwritable = dir.path().join("missing/coverage.csv");
        let staged = outputs.stage(&unwritable, |out| {
            out.write_all(b"x").map_err(|e| Error::write("x", e))
        });
        assert!(staged.is_err());
        drop(outputs);
        assert_eq!(fs::read_to_string(&first).unwrap(), "old\n");
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file is left: {names:?}");
    }

    #[test]
    fn a_directory_is_not_an_output() {
        let dir = tempfile::tempdir().unwrap();
        let error = write_text(dir.path(), "x").unwrap_err();
        assert_eq!(error.exit_code(), 4);
        assert!(dir.path().is_dir());
    }
}
