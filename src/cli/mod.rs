//! Command-line interface: one file per subcommand, each a thin layer that parses
//! arguments into library types, calls the library and writes outputs.

use std::io::Write;

use clap::{Parser, Subcommand};

use crate::error::{Error, INTERNAL_ERROR_EXIT_CODE};

pub mod backtest;
pub mod erlang;
pub mod forecast;
pub mod generate;
pub mod ingest;
pub mod plan;
pub mod roster;
pub mod schedule;
pub mod staff;
mod targets;

/// Contact-center workforce management: ingest ACD history, forecast, staff with
/// Erlang, schedule shifts and roster agents.
#[derive(Debug, Parser)]
#[command(name = "wfm", version, about, long_about = None)]
pub struct Cli {
    /// Only print errors.
    #[arg(long, short = 'q', global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print debug logging (or set RUST_LOG).
    #[arg(long, short = 'v', global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands, one per stage of planning. (Argument structs are parsed once, so
/// their size difference does not matter.)
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read ACD exports (interval reports or call-by-call records) into the canonical interval table.
    Ingest(ingest::IngestArgs),
    /// Write the deterministic synthetic sample history (data/sample/).
    Generate(generate::GenerateArgs),
    /// Forecast half-hourly calls, AHT and prediction intervals per queue.
    Forecast(forecast::ForecastArgs),
    /// Score the forecasting methods per queue by rolling-origin backtest.
    Backtest(backtest::BacktestArgs),
    /// Staffing calculator: agents for a call volume and service targets (Erlang C or A),
    /// the metrics of a given headcount (--agents), or trunk lines (--lines, Erlang B).
    Erlang(erlang::ErlangArgs),
    /// Required agents and scheduled staff for every interval of a forecast.
    Staff(staff::StaffArgs),
    /// Solve the shift schedule (templates, lunches, breaks) that covers the requirements at least cost.
    Schedule(schedule::ScheduleArgs),
    /// Assign named agents to shifts over weeks under their contracts (`wfm roster check`
    /// verifies any roster file).
    Roster(roster::RosterArgs),
    /// The monthly run from one plan.toml: forecast, staffing, shifts (and roster)
    /// with summary.json and an HTML report.
    Plan(plan::PlanArgs),
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Ingest(args) => ingest::run(args, cli.quiet),
        Command::Generate(args) => generate::run(args, cli.quiet),
        Command::Forecast(args) => forecast::run(args, cli.quiet),
        Command::Backtest(args) => backtest::run(args, cli.quiet),
        Command::Erlang(args) => erlang::run(args, cli.quiet),
        Command::Staff(args) => staff::run(args, cli.quiet),
        Command::Schedule(args) => schedule::run(args, cli.quiet),
        Command::Roster(args) => roster::run(args, cli.quiet),
        Command::Plan(args) => plan::run(args, cli.quiet),
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
