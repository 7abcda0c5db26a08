//! What the command line adds at its edge, around the library calls: exit codes,
//! stdout that may be a closed pipe, the spinner, and hints that name a flag.

use std::io::{IsTerminal, Write};

use crate::error::{Error, SolverFailure, SolverFailureKind, INTERNAL_ERROR_EXIT_CODE};

/// A status callback, as the library's long-running steps take it.
pub(crate) type Status<'a> = &'a (dyn Fn(&str) + Sync);

/// Runs `work` with a spinner on stderr that shows the status lines `work` reports,
/// starting with `first`; without one under `--quiet` or when stderr is not a terminal
/// (a log file would fill with spinner frames).
pub(crate) fn with_spinner<T>(
    quiet: bool,
    first: Option<&str>,
    work: impl FnOnce(Option<Status>) -> T,
) -> T {
    if quiet || !std::io::stderr().is_terminal() {
        return work(None);
    }
    let spinner = indicatif::ProgressBar::new_spinner();
    if let Some(first) = first {
        spinner.set_message(first.to_string());
    }
    spinner.enable_steady_tick(std::time::Duration::from_millis(200));
    let show = |line: &str| spinner.set_message(line.to_string());
    let result = work(Some(&show));
    spinner.finish_and_clear();
    result
}

/// The subcommand an error surfaced in: a hint names the flag or key that exists there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    /// `wfm schedule` and `wfm roster`: `--time-limit`.
    Solve,
    /// `wfm plan`: `--out`, and `[solver] time_limit` or, with people,
    /// `[solver] roster_time_limit`.
    Plan { rostering: bool },
}

/// The hint that names what to change for `error` at `edge`, if there is one.
pub fn hint_for(error: &Error, edge: Edge) -> Option<&'static str> {
    let out_of_time = matches!(
        error.solver_kind(),
        Some(SolverFailureKind::OutOfTime { .. })
    );
    match (error, edge) {
        (_, Edge::Solve) if out_of_time => Some("raise --time-limit"),
        (_, Edge::Plan { rostering: false }) if out_of_time => Some("raise [solver] time_limit"),
        (_, Edge::Plan { rostering: true }) if out_of_time => {
            Some("raise [solver] roster_time_limit")
        }
        (Error::Occupied { .. }, Edge::Plan { .. }) => Some("choose another --out"),
        _ => None,
    }
}

/// `error` with the hint of [`hint_for`] appended, keeping its exit code.
pub fn with_hint(error: Error, edge: Edge) -> Error {
    let Some(hint) = hint_for(&error, edge) else {
        return error;
    };
    match error {
        Error::NoSolution(failure) => Error::NoSolution(SolverFailure {
            message: format!("{}; {hint}", failure.message),
            ..failure
        }),
        other => {
            debug_assert_eq!(other.exit_code(), 2, "only input errors get other hints");
            Error::Input(format!("{other}; {hint}"))
        }
    }
}

/// The library error behind `error`, if any (the first in its chain of causes).
fn library_error(error: &anyhow::Error) -> Option<&Error> {
    error
        .chain()
        .find_map(|cause| cause.downcast_ref::<Error>())
}

/// The process exit code of a failed run: the library error's code, or
/// [`INTERNAL_ERROR_EXIT_CODE`] for anything else.
pub fn exit_code(error: &anyhow::Error) -> u8 {
    library_error(error).map_or(INTERNAL_ERROR_EXIT_CODE, Error::exit_code)
}

/// Whether the run failed only because the reader of stdout went away (`| head`).
pub fn stdout_closed(error: &anyhow::Error) -> bool {
    library_error(error).is_some_and(Error::is_broken_pipe)
}

/// Writes `text` to stdout. Unlike `print!`, which panics, a failed write is an output
/// error (a closed pipe included, which [`stdout_closed`] recognises).
pub(crate) fn print_stdout(text: &str) -> crate::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Error::write("stdout", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_error_is_an_internal_error_not_an_output_error() {
        assert_eq!(exit_code(&anyhow::anyhow!("unexpected")), 5);
        let input = anyhow::Error::from(Error::input("bad")).context("reading x");
        assert_eq!(exit_code(&input), 2);
        let unwritable = Error::write("out.csv", std::io::ErrorKind::PermissionDenied.into());
        assert_eq!(exit_code(&unwritable.into()), 4);
    }

    #[test]
    fn a_solver_time_out_names_the_setting_of_the_edge() {
        let fact = "no solution found within the time limit of 60 s";
        let time_out = || Error::NoSolution(SolverFailure::out_of_time(60.0, fact));
        assert_eq!(
            hint_for(&time_out(), Edge::Solve),
            Some("raise --time-limit")
        );
        let plan = with_hint(time_out(), Edge::Plan { rostering: false });
        assert_eq!(plan.exit_code(), 3);
        assert_eq!(
            plan.to_string(),
            format!("solver: {fact}; raise [solver] time_limit")
        );
        assert_eq!(
            with_hint(time_out(), Edge::Plan { rostering: true }).to_string(),
            format!("solver: {fact}; raise [solver] roster_time_limit")
        );
        assert_eq!(
            with_hint(time_out(), Edge::Solve).to_string(),
            format!("solver: {fact}; raise --time-limit")
        );
        let infeasible = Error::NoSolution(SolverFailure::infeasible("no roster exists"));
        assert_eq!(hint_for(&infeasible, Edge::Solve), None);
        assert_eq!(infeasible.exit_code(), 2);
        let failed = Error::Solver("HiGHS returned an error".into());
        assert_eq!(hint_for(&failed, Edge::Solve), None);
        assert_eq!(
            hint_for(&Error::input("x"), Edge::Plan { rostering: true }),
            None
        );
    }

    #[test]
    fn an_occupied_output_directory_names_plan_s_flag() {
        let occupied = || Error::Occupied {
            path: "out/plan".into(),
            why: "it is not a plan directory".into(),
        };
        assert_eq!(hint_for(&occupied(), Edge::Solve), None);
        let hinted = with_hint(occupied(), Edge::Plan { rostering: false });
        assert_eq!(hinted.exit_code(), 2);
        assert_eq!(
            hinted.to_string(),
            "refusing to replace out/plan: it is not a plan directory; choose another --out"
        );
    }

    #[test]
    fn a_closed_pipe_is_recognised_through_context() {
        let closed = anyhow::Error::from(Error::write(
            "stdout",
            std::io::ErrorKind::BrokenPipe.into(),
        ))
        .context("printing");
        assert!(stdout_closed(&closed));
        let full = Error::write("stdout", std::io::ErrorKind::StorageFull.into());
        assert!(!stdout_closed(&full.into()));
        assert!(!stdout_closed(&anyhow::anyhow!("unexpected")));
    }
}
