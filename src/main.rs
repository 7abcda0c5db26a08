//! `wfm` binary: parses arguments, sets up logging and maps errors to exit codes.
//! Exit codes: 0 ok, 1 plan produced with shortfall under `--strict`, 2 bad input,
//! 3 solver failure, 4 output could not be written, 5 internal error (a failure that is
//! not a library error), 75 another run holds the output's lock (`EX_TEMPFAIL`: try
//! again later). A closed stdout pipe (`wfm erlang ... | head -1`) ends quietly
//! with 0.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let cli = wfm::cli::Cli::parse();
    // HiGHS reports a time limit as a warning of its own; wfm reports the outcome itself.
    let default_level = match (cli.quiet, cli.verbose) {
        (true, _) => "error",
        (false, 0) => "warn,highs=error",
        (false, 1) => "info,highs=error,good_lp=warn",
        (false, _) => "debug,highs=warn,good_lp=warn",
    };
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_level));
    let timestamps = cli.log_timestamps || wfm::cli::timestamps_from_env();
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false);
    if timestamps {
        logs.init();
    } else {
        logs.without_time().init();
    }
    match wfm::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if wfm::cli::stdout_closed(&error) => ExitCode::SUCCESS,
        Err(error) => {
            let time = timestamps.then(wfm::cli::log_time).unwrap_or_default();
            eprintln!("{time}error: {error:#}");
            ExitCode::from(wfm::cli::exit_code(&error))
        }
    }
}
