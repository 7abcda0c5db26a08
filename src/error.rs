//! Typed errors of the library, each mapped to one documented exit code.

use std::path::{Path, PathBuf};

/// Everything the library reports as failure. The variant decides the exit code
/// (see [`Error::exit_code`]); the message is written for a planner to act on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input data, configuration or arguments (exit code 2).
    #[error("{0}")]
    Input(String),
    /// A bad value at a known place in an input file (exit code 2).
    #[error("{0}")]
    InputAt(Box<InputLocation>),
    /// A file could not be read (exit code 2) or written (exit code 4).
    /// (The I/O error is part of the message rather than a `source`, so `{:#}` at the
    /// edge does not print it twice.)
    #[error("{path}: {cause}")]
    Io {
        path: PathBuf,
        cause: std::io::Error,
        writing: bool,
    },
    /// The optimiser failed or ran out of time without any solution (exit code 3).
    #[error("solver: {0}")]
    Solver(String),
    /// An existing output that a run must not replace, as it is not an earlier output of
    /// the same command (exit code 2). The edge says how to choose another.
    #[error("refusing to replace {}: {why}", path.display())]
    Occupied { path: PathBuf, why: String },
    /// A solver ended without a plan: the inputs admit none (exit code 2), the time
    /// limit passed before any was found, or the solver failed (exit code 3). The
    /// message states the fact; the edge adds what to change (see
    /// [`Error::solver_kind`]).
    #[error("{0}")]
    NoSolution(SolverFailure),
    /// A plan was produced but leaves requirements unmet and `--strict` was given (exit code 1).
    #[error("{0}")]
    Shortfall(String),
    /// Another run holds the lock on the output (exit code [`BUSY_EXIT_CODE`], 75:
    /// try again later). Nothing was read or written.
    #[error(
        "another wfm plan is writing {} (it holds {}); try again later",
        target.display(),
        lock.display()
    )]
    Busy { target: PathBuf, lock: PathBuf },
}

/// Exit code of a run that found its output locked by another run: 75, `EX_TEMPFAIL`
/// of `sysexits.h` ("try again later"), which cron wrappers and mail agents know.
pub const BUSY_EXIT_CODE: u8 = 75;

/// Where in an input file a bad value sits and what was expected there, so that
/// callers and tests can read the place rather than parse the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputLocation {
    pub file: String,
    /// 1-based line where the record starts.
    pub line: u64,
    /// The column's header as written in the file.
    pub column: String,
    pub found: String,
    /// What the column should hold, e.g. "a date YYYY-MM-DD".
    pub expected: String,
}

impl std::fmt::Display for InputLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: line {}, column \"{}\": found \"{}\"; expected {}",
            self.file, self.line, self.column, self.found, self.expected
        )
    }
}

/// Result alias used throughout the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A bad value at a known place in an input file:
    /// `FILE: line L, column "C": found "V"; expected WHAT`.
    pub fn at(
        file: impl AsRef<Path>,
        line: u64,
        column: &str,
        value: &str,
        expected: &str,
    ) -> Self {
        Error::InputAt(Box::new(InputLocation {
            file: file.as_ref().display().to_string(),
            line,
            column: column.to_string(),
            found: value.to_string(),
            expected: expected.to_string(),
        }))
    }

    /// The location of a bad value, when the error has one.
    pub fn location(&self) -> Option<&InputLocation> {
        match self {
            Error::InputAt(location) => Some(location),
            _ => None,
        }
    }

    /// A problem with a whole line of an input file (no single column to blame).
    pub fn at_line(file: impl AsRef<Path>, line: u64, message: &str) -> Self {
        Error::Input(format!(
            "{}: line {line}: {message}",
            file.as_ref().display()
        ))
    }

    /// Bad input that has no file position (arguments, configuration values).
    pub fn input(message: impl Into<String>) -> Self {
        Error::Input(message.into())
    }

    /// Reading `path` failed.
    pub fn read(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.as_ref().to_path_buf(),
            cause: source,
            writing: false,
        }
    }

    /// Writing `path` failed.
    pub fn write(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.as_ref().to_path_buf(),
            cause: source,
            writing: true,
        }
    }

    /// Why a solver gave no plan, for an error that is a solver failure: the edge names
    /// its own setting for [`SolverFailureKind::OutOfTime`] (`--time-limit`,
    /// `[solver] time_limit`).
    pub fn solver_kind(&self) -> Option<SolverFailureKind> {
        match self {
            Error::NoSolution(failure) => Some(failure.kind),
            Error::Solver(_) => Some(SolverFailureKind::Failed),
            _ => None,
        }
    }

    /// Process exit code: 1 shortfall under `--strict`, 2 bad input, 3 solver failure,
    /// 4 output could not be written, 75 another run holds the output's lock. (An error
    /// that is not a library error is an internal error, [`INTERNAL_ERROR_EXIT_CODE`].)
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Input(_) | Error::InputAt(_) => 2,
            Error::Io { writing: false, .. } => 2,
            Error::Io { writing: true, .. } => 4,
            Error::Occupied { .. } => 2,
            Error::Solver(_) => 3,
            Error::NoSolution(failure) => failure.exit_code(),
            Error::Shortfall(_) => 1,
            Error::Busy { .. } => BUSY_EXIT_CODE,
        }
    }

    /// A write that failed because the reader closed the pipe (`wfm ... | head`): the
    /// reader has all it wanted, so this ends the run quietly rather than as a failure.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Io { cause, writing: true, .. }
            if cause.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

/// Exit code of a failure that is not an [`Error`]: a bug rather than bad input or an
/// unwritable output.
pub const INTERNAL_ERROR_EXIT_CODE: u8 = 5;

/// Why a solver ended without a plan.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SolverFailureKind {
    /// The model admits no solution: the inputs contradict each other.
    Infeasible,
    /// The time limit passed before any solution was found.
    OutOfTime { time_limit_seconds: f64 },
    /// The solver could not build or run the model, or returned an unusable result.
    Failed,
}

/// A solver that ended without a plan: its kind and the fact, worded for a planner.
#[derive(Debug, Clone, PartialEq)]
pub struct SolverFailure {
    pub kind: SolverFailureKind,
    pub message: String,
}

impl SolverFailure {
    /// The inputs admit no plan; `message` says which rules contradict each other.
    pub fn infeasible(message: impl Into<String>) -> Self {
        SolverFailure {
            kind: SolverFailureKind::Infeasible,
            message: message.into(),
        }
    }

    /// No plan found within `time_limit_seconds`; `message` states it.
    pub fn out_of_time(time_limit_seconds: f64, message: impl Into<String>) -> Self {
        SolverFailure {
            kind: SolverFailureKind::OutOfTime { time_limit_seconds },
            message: message.into(),
        }
    }

    /// 2 when the inputs admit no plan (as any bad input), else 3.
    pub fn exit_code(&self) -> u8 {
        match self.kind {
            SolverFailureKind::Infeasible => 2,
            _ => 3,
        }
    }
}

/// An infeasible model reads as the input problem it is; the others as a solver's.
impl std::fmt::Display for SolverFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.kind {
            SolverFailureKind::Infeasible => f.write_str(&self.message),
            _ => write!(f, "solver: {}", self.message),
        }
    }
}
