//! Command-line interface: one file per subcommand, each a thin layer that parses
//! arguments into library types, calls the library and writes outputs.

use clap::{Parser, Subcommand};

pub use edge::{exit_code, stdout_closed};

pub mod args;
pub mod backtest;
pub mod capacity;
pub mod completions;
mod edge;
pub mod erlang;
pub mod forecast;
pub mod generate;
pub mod ingest;
pub mod plan;
pub mod roster;
pub mod schedule;
pub mod simulate;
pub mod staff;
mod targets;
pub mod values;

/// `wfm --version`: the package version, the commit and the build profile
/// (`0.1.0 (commit 54b1004abc, release build)`).
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("WFM_BUILD"), ")");

/// Contact-center workforce management: ingest ACD history, forecast, staff with
/// Erlang, schedule shifts and roster agents.
#[derive(Debug, Parser)]
#[command(name = "wfm", version = VERSION, about, long_about = None)]
pub struct Cli {
    /// Only print errors.
    #[arg(long, short = 'q', global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// `-v`: each step and its duration; `-vv`: debug logging. The solver's own log
    /// only on request: --solver-log FILE (RUST_LOG overrides the levels).
    #[arg(long, short = 'v', global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Write the solver's own log (HiGHS: presolve, branch and bound) to FILE, for
    /// `schedule`, `roster` and `plan`; it never goes to the terminal. Also WFM_HIGHS_LOG.
    #[arg(long, global = true, value_name = "FILE", env = "WFM_HIGHS_LOG")]
    pub solver_log: Option<std::path::PathBuf>,
    /// Start every log line (warnings, -v steps, the final error) with its UTC time,
    /// RFC 3339 (`2026-12-07T05:30:01.123456Z`), for cron logs. Also WFM_LOG_TIMESTAMPS=1.
    #[arg(long, global = true)]
    pub log_timestamps: bool,
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
    /// Capacity plan: weekly required FTE over months, headcount with attrition, the
    /// hiring classes that cover it at least cost, and what-if scenarios side by side.
    Capacity(capacity::CapacityArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(completions::CompletionsArgs),
    /// Print the manual page (roff), e.g. `wfm man > /usr/local/share/man/man1/wfm.1`.
    #[command(after_help = "Examples:\n  \
wfm man > /usr/local/share/man/man1/wfm.1\n  \
wfm man | man -l -")]
    Man,
    /// Simulate a roster (or a schedule's shifts) against a forecast (discrete events,
    /// replications): service level, ASA, abandon rate and occupancy with 95% intervals
    /// per queue and interval.
    Simulate(simulate::SimulateArgs),
}

/// Whether `WFM_LOG_TIMESTAMPS` asks for timestamped log lines (`1`, `true`, `yes`),
/// as `--log-timestamps` does.
pub fn timestamps_from_env() -> bool {
    std::env::var("WFM_LOG_TIMESTAMPS").is_ok_and(|value| {
        matches!(
            value.trim().to_ascii_lowercase().as_str(),
            "1" | "true" | "yes" | "on"
        )
    })
}

/// The prefix of a timestamped line written outside the log (the final `error:`):
/// the UTC time as the log's lines carry it, and a space.
pub fn log_time() -> String {
    format!(
        "{} ",
        chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
    )
}

impl Command {
    /// The subcommand's name, as typed.
    fn name(&self) -> &'static str {
        match self {
            Command::Ingest(_) => "ingest",
            Command::Generate(_) => "generate",
            Command::Forecast(_) => "forecast",
            Command::Backtest(_) => "backtest",
            Command::Erlang(_) => "erlang",
            Command::Staff(_) => "staff",
            Command::Capacity(_) => "capacity",
            Command::Schedule(_) => "schedule",
            Command::Roster(_) => "roster",
            Command::Plan(_) => "plan",
            Command::Completions(_) => "completions",
            Command::Man => "man",
            Command::Simulate(_) => "simulate",
        }
    }
}

/// Runs the parsed command line; under `-v` its duration is logged at the end (`wfm
/// plan` logs each of its steps too), whether it succeeded or not.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    if let Some(path) = &cli.solver_log {
        // The solver reads its log file from the environment (see `mip::set_log`); set
        // before any solver thread starts.
        std::env::set_var("WFM_HIGHS_LOG", path);
    }
    let name = cli.command.name();
    let started = std::time::Instant::now();
    let result = run_command(cli);
    let seconds = started.elapsed().as_secs_f64();
    match &result {
        Ok(()) => tracing::info!("wfm {name}: done in {seconds:.2} s"),
        Err(_) => tracing::info!("wfm {name}: failed after {seconds:.2} s"),
    }
    result
}

fn run_command(cli: Cli) -> anyhow::Result<()> {
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
        Command::Capacity(args) => capacity::run(args, cli.quiet),
        Command::Completions(args) => completions::run_completions(args),
        Command::Man => completions::run_man(),
        Command::Simulate(args) => simulate::run(args, cli.quiet),
    }
}
