//! Where a plan is written, safely under cron.
//!
//! A run takes an exclusive lock on `NAME.lock` beside the output directory `NAME`
//! (so two runs never write the same plan; the kernel drops the lock when a process
//! dies, so a killed run never leaves a stale one), builds the whole plan in
//! `.NAME.partial` beside it, and only then swaps it in: the old `NAME` is renamed to
//! `.NAME.old`, `.NAME.partial` to `NAME`, and `.NAME.old` is deleted. Readers thus
//! see the previous plan or the new one, never a mix, and a run killed at any point
//! leaves the previous plan in place (or, killed between the two renames, at
//! `.NAME.old`, from where the next run puts it back before doing anything else).

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

use super::summary::{GENERATOR, SUMMARY_FILE};

/// The output directory being replaced, its lock held until commit or drop.
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    partial: PathBuf,
    old: PathBuf,
    /// Held open for the lock's sake; closing it releases the lock.
    _lock: File,
    committed: bool,
}

/// The lock file of the output directory `target`: `NAME.lock` beside it.
pub fn lock_path(target: &Path) -> Result<PathBuf> {
    sibling(target, "", ".lock")
}

/// The temporary directory a run builds in: `.NAME.partial` beside `target`.
pub fn partial_path(target: &Path) -> Result<PathBuf> {
    sibling(target, ".", ".partial")
}

fn old_path(target: &Path) -> Result<PathBuf> {
    sibling(target, ".", ".old")
}

/// `prefix + NAME + suffix` in the directory of `target`.
fn sibling(target: &Path, prefix: &str, suffix: &str) -> Result<PathBuf> {
    let name = target.file_name().ok_or_else(|| {
        Error::input(format!(
            "output directory {}: expected a directory name such as out/plan",
            target.display()
        ))
    })?;
    let mut file = std::ffi::OsString::from(prefix);
    file.push(name);
    file.push(suffix);
    Ok(parent(target).join(file))
}

fn parent(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

impl Staging {
    /// Locks `target`, tidies what a killed run left, checks that `target` may be
    /// replaced and creates an empty temporary directory to build the plan in.
    pub fn begin(target: &Path) -> Result<Staging> {
        let lock_path = lock_path(target)?;
        std::fs::create_dir_all(parent(target)).map_err(|e| Error::write(target, e))?;
        let lock = lock(&lock_path, target)?;
        let staging = Staging {
            target: target.to_path_buf(),
            partial: partial_path(target)?,
            old: old_path(target)?,
            _lock: lock,
            committed: false,
        };
        staging.recover()?;
        check_replaceable(target)?;
        std::fs::create_dir(&staging.partial).map_err(|e| Error::write(&staging.partial, e))?;
        Ok(staging)
    }

    /// The directory to write the plan's files into.
    pub fn dir(&self) -> &Path {
        &self.partial
    }

    /// Puts what an earlier, killed run left in order: a plan caught between the two
    /// renames goes back in place; leftover temporary directories go.
    fn recover(&self) -> Result<()> {
        if self.old.exists() {
            if self.target.exists() {
                remove_dir(&self.old)?;
            } else {
                tracing::warn!(
                    "putting back {} from {} (an earlier run was stopped while replacing it)",
                    self.target.display(),
                    self.old.display()
                );
                std::fs::rename(&self.old, &self.target)
                    .map_err(|e| Error::write(&self.target, e))?;
            }
        }
        if self.partial.exists() {
            tracing::info!("removing {} left by an earlier run", self.partial.display());
            remove_dir(&self.partial)?;
        }
        Ok(())
    }

    /// Makes the plan durable and swaps it in for the previous one.
    pub fn commit(mut self) -> Result<()> {
        sync_tree(&self.partial)?;
        let had_previous = self.target.exists();
        if had_previous {
            std::fs::rename(&self.target, &self.old).map_err(|e| Error::write(&self.target, e))?;
        }
        std::fs::rename(&self.partial, &self.target).map_err(|e| Error::write(&self.target, e))?;
        self.committed = true;
        sync_dir(&parent(&self.target))?;
        if had_previous {
            remove_dir(&self.old)?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    /// A run that failed leaves no temporary directory (a killed one does; the next
    /// run removes it).
    fn drop(&mut self) {
        if !self.committed && self.partial.exists() {
            if let Err(error) = std::fs::remove_dir_all(&self.partial) {
                tracing::warn!("could not remove {}: {error}", self.partial.display());
            }
        }
    }
}

/// Opens and exclusively locks `path`, failing at once with [`Error::Busy`] (exit
/// code 75, try again later) when another run holds it.
fn lock(path: &Path, target: &Path) -> Result<File> {
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|e| Error::write(path, e))?;
    match fs4::FileExt::try_lock(&file) {
        Ok(()) => Ok(file),
        Err(fs4::TryLockError::WouldBlock) => Err(Error::Busy {
            target: target.to_path_buf(),
            lock: path.to_path_buf(),
        }),
        Err(fs4::TryLockError::Error(e)) => Err(Error::write(path, e)),
    }
}

/// Only an empty directory or an earlier plan (its `summary.json` names wfm plan)
/// may be replaced: a mistyped output directory must never delete someone's files.
fn check_replaceable(target: &Path) -> Result<()> {
    let refuse = |why: &str| {
        Err(Error::Occupied {
            path: target.to_path_buf(),
            why: why.to_string(),
        })
    };
    let metadata = match std::fs::symlink_metadata(target) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::write(target, e)),
    };
    if !metadata.is_dir() {
        return refuse("it is not a directory");
    }
    let mut entries = std::fs::read_dir(target).map_err(|e| Error::write(target, e))?;
    if entries.next().is_none() {
        return Ok(());
    }
    let summary = std::fs::read_to_string(target.join(SUMMARY_FILE)).unwrap_or_default();
    let generator = GENERATOR.split(' ').take(2).collect::<Vec<_>>().join(" ");
    if summary.contains(&format!("\"generator\": \"{generator}")) {
        Ok(())
    } else {
        refuse("it is not empty and is not the output of wfm plan (no summary.json of wfm plan)")
    }
}

fn remove_dir(path: &Path) -> Result<()> {
    std::fs::remove_dir_all(path).map_err(|e| Error::write(path, e))
}

/// Flushes a directory's entries (and those of its subdirectories) to disk, so that
/// the renamed plan is complete after a power cut. Files were synced when written.
fn sync_tree(dir: &Path) -> Result<()> {
    for entry in std::fs::read_dir(dir).map_err(|e| Error::write(dir, e))? {
        let entry = entry.map_err(|e| Error::write(dir, e))?;
        if entry
            .file_type()
            .map_err(|e| Error::write(dir, e))?
            .is_dir()
        {
            sync_tree(&entry.path())?;
        }
    }
    sync_dir(dir)
}

fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::write(dir, e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_beside_the_output() {
        let target = Path::new("out/plan");
        assert_eq!(lock_path(target).unwrap(), PathBuf::from("out/plan.lock"));
        assert_eq!(
            partial_path(target).unwrap(),
            PathBuf::from("out/.plan.partial")
        );
        assert_eq!(old_path(target).unwrap(), PathBuf::from("out/.plan.old"));
        assert_eq!(
            lock_path(Path::new("plan")).unwrap(),
            PathBuf::from("./plan.lock")
        );
        assert!(lock_path(Path::new("/")).is_err());
    }

    #[test]
    fn commit_swaps_and_recover_puts_back() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("plan");
        let write_plan = |dir: &Path, marker: &str| {
            std::fs::write(
                dir.join(SUMMARY_FILE),
                format!("{{\n  \"generator\": \"{GENERATOR}\", \"run\": \"{marker}\"\n}}\n"),
            )
            .unwrap();
        };
        let staging = Staging::begin(&target).unwrap();
        write_plan(staging.dir(), "first");
        staging.commit().unwrap();
        assert!(std::fs::read_to_string(target.join(SUMMARY_FILE))
            .unwrap()
            .contains("first"));

        // A second run holds the lock: a third cannot start.
        let second = Staging::begin(&target).unwrap();
        let error = Staging::begin(&target).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "another wfm plan is writing {} (it holds {}); try again later",
                target.display(),
                lock_path(&target).unwrap().display()
            )
        );
        assert_eq!(error.exit_code(), 75);
        write_plan(second.dir(), "second");
        second.commit().unwrap();
        assert!(std::fs::read_to_string(target.join(SUMMARY_FILE))
            .unwrap()
            .contains("second"));
        assert!(!old_path(&target).unwrap().exists());
        assert!(!partial_path(&target).unwrap().exists());

        // Killed between the renames: the plan sits at .plan.old; the next run puts it back.
        std::fs::rename(&target, old_path(&target).unwrap()).unwrap();
        std::fs::create_dir(partial_path(&target).unwrap()).unwrap();
        let third = Staging::begin(&target).unwrap();
        assert!(std::fs::read_to_string(target.join(SUMMARY_FILE))
            .unwrap()
            .contains("second"));
        assert!(third.dir().read_dir().unwrap().next().is_none());
        drop(third);
        assert!(!partial_path(&target).unwrap().exists());
    }

    #[test]
    fn refuses_to_replace_other_directories() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("documents");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("thesis.txt"), "years of work").unwrap();
        let error = Staging::begin(&target).unwrap_err().to_string();
        assert!(error.contains("refusing to replace"), "{error}");
        assert_eq!(
            std::fs::read_to_string(target.join("thesis.txt")).unwrap(),
            "years of work"
        );
        let file = root.path().join("file");
        std::fs::write(&file, "x").unwrap();
        assert!(Staging::begin(&file)
            .unwrap_err()
            .to_string()
            .contains("not a directory"));
        // An empty directory is fine.
        let empty = root.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        Staging::begin(&empty).unwrap().commit().unwrap();
    }
}
