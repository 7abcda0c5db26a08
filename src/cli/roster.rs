//! `wfm roster`: named agents onto shifts over weeks; `wfm roster check`: any roster
//! file against the contracts and availability.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::error::Error;
use crate::forecast::calendar::Calendar;
use crate::output::{check_distinct, Outputs};
use crate::roster::{
    self, check_rows, read_agents, read_availability, read_roster, roster_horizon, Agent,
    AvailabilityRow, Contracts, RuleBook,
};
use crate::schedule::{requirements_in, write_coverage_csv, Cover, ShiftConfig};
use crate::staff::requirements::read_requirements;
use crate::summary::{to_json_text, RosterJson};

use super::args::{Horizon, Rostering, RoutingArgs, ServiceArgs, SolverLimitArgs};
use super::edge::{print_stdout, with_hint, with_spinner, Edge};
use super::values::{self, StartBand};

/// Arguments of `wfm roster` (or of `wfm roster check`).
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
#[command(after_help = "Examples:\n  \
wfm roster --requirements requirements.csv --agents agents.csv --contracts contracts.toml --shifts shifts.toml --start 2026-12-01 --days 28 --tz Europe/London -o roster.csv --summary agents_summary.csv\n  \
wfm roster --requirements requirements.csv --agents agents.csv --availability availability.csv --contracts contracts.toml --shifts shifts.toml --start 2026-12-01 --days 28 --tz Europe/London -o roster.csv --exports published/\n  \
wfm roster check --roster roster.csv --agents agents.csv --contracts contracts.toml --shifts shifts.toml\n\n\
With --json and no -o FILE, only the JSON summary is written to standard output.")]
pub struct RosterArgs {
    #[command(subcommand)]
    pub command: Option<RosterCommand>,
    #[command(flatten)]
    pub build: BuildArgs,
}

/// `wfm roster check`.
#[derive(Debug, clap::Subcommand)]
pub enum RosterCommand {
    /// Check a roster file against the contracts, templates, skills and availability;
    /// lists every violation (exit 1 if any).
    Check(CheckArgs),
}

/// Inputs that describe the people and the rules.
#[derive(Debug, clap::Args)]
pub struct PeopleArgs {
    /// Agents CSV: agent_id, name, contract, skills.
    #[arg(long, required = true)]
    pub agents: Option<PathBuf>,
    /// Availability CSV: agent_id, date, from, to, kind.
    #[arg(long)]
    pub availability: Option<PathBuf>,
    /// Contracts (TOML, see docs/formats.md).
    #[arg(long, required = true)]
    pub contracts: Option<PathBuf>,
    /// Shift templates (TOML, as for wfm schedule).
    #[arg(long, required = true)]
    pub shifts: Option<PathBuf>,
    /// Calendar CSV (date, kind, name, uplift): nobody works a `closed` day.
    #[arg(long)]
    pub calendar: Option<PathBuf>,
}

/// Arguments of `wfm roster`.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// Requirements CSV written by `wfm staff` (one requirement per queue and interval).
    #[arg(long, required = true)]
    pub requirements: Option<PathBuf>,
    #[command(flatten)]
    pub people: PeopleArgs,
    #[command(flatten)]
    pub horizon: Horizon<Rostering>,
    /// Output: the roster, one row per agent activity (CSV; `-`, the default, is
    /// standard output).
    #[arg(short = 'o', long = "output", default_value = "-")]
    pub output: Option<PathBuf>,
    /// Optional output: coverage and projected service level per queue and interval (CSV).
    #[arg(long)]
    pub coverage: Option<PathBuf>,
    /// Optional output: one row per agent with hours, days, weekends and preferences (CSV).
    #[arg(long)]
    pub summary: Option<PathBuf>,
    /// Optional output: a directory (created if missing) for the agent-facing exports:
    /// `schedules/<AGENT_ID>.ics`, `grid.csv` and `roster.xlsx` (docs/formats.md).
    #[arg(long, value_name = "DIR")]
    pub exports: Option<PathBuf>,
    /// Which requirement to cover: scheduled-staff (grossed up for shrinkage) or agents.
    #[arg(long, value_enum, default_value_t = Cover::ScheduledStaff)]
    pub cover: Cover,
    #[command(flatten)]
    pub solver: SolverLimitArgs<Rostering>,
    /// Width of the start-time bands in which agents are interchangeable (`0` for
    /// exact per-agent starts); `auto` picks exact starts for small rosters.
    #[arg(long = "start-band", default_value = "auto", value_parser = values::start_band)]
    pub start_band: StartBand,
    #[command(flatten)]
    pub service: ServiceArgs<Rostering>,
    #[command(flatten)]
    pub routing: RoutingArgs,
    #[command(flatten)]
    pub replan: ReplanArgs,
    /// Print the report (solver, cost, per-agent lines, shortfalls) as one JSON object
    /// on standard output instead of the lines on stderr; with the default `-o -`,
    /// the roster is then not written.
    #[arg(long)]
    pub json: bool,
}

/// A re-plan of a published roster with minimal change.
#[derive(Debug, clap::Args)]
pub struct ReplanArgs {
    /// The published roster to re-plan (roster.csv as written by wfm roster or wfm
    /// plan): its days before --freeze-until are kept exactly, later changes cost
    /// --change-cost each.
    #[arg(long, requires = "freeze_until")]
    pub published: Option<PathBuf>,
    /// The first day the re-plan may change (YYYY-MM-DD); earlier days are kept as
    /// published.
    #[arg(long, requires = "published", value_parser = values::date)]
    pub freeze_until: Option<chrono::NaiveDate>,
    /// Cost of each agent-day changed from the published roster (a shift moved,
    /// added or removed), in the units of pay and the under-staffing penalty.
    #[arg(long, default_value_t = roster::replan::DEFAULT_CHANGE_COST, value_parser = values::cost)]
    pub change_cost: f64,
    /// Optional output with --published: every changed agent-day (CSV).
    #[arg(long, requires = "published")]
    pub changes: Option<PathBuf>,
    /// The previous period's roster (roster.csv): its last three weeks are kept as
    /// worked so that rest, consecutive days, days off and weekly hours hold across
    /// the horizon's start.
    #[arg(long)]
    pub previous: Option<PathBuf>,
}

/// Arguments of `wfm roster check`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
wfm roster check --roster roster.csv --agents agents.csv --contracts contracts.toml --shifts shifts.toml\n  \
wfm roster check --roster roster.csv --agents agents.csv --availability availability.csv --contracts contracts.toml --shifts shifts.toml --calendar calendar.csv --routing skills")]
pub struct CheckArgs {
    /// The roster to check (CSV as written by wfm roster).
    #[arg(long, required = true)]
    pub roster: Option<PathBuf>,
    #[command(flatten)]
    pub people: PeopleArgs,
    #[command(flatten)]
    pub routing: RoutingArgs,
}

/// The people inputs, read and validated.
struct People {
    calendar: Calendar,
    config: ShiftConfig,
    contracts: Contracts,
    agents: Vec<Agent>,
    availability: Vec<AvailabilityRow>,
}

impl People {
    /// The days of `horizon` the calendar closes.
    fn closed_days(&self, horizon: roster::Horizon) -> Vec<chrono::NaiveDate> {
        self.calendar.closed_days(horizon.start, horizon.days)
    }
}

/// The calendar's window around `horizon` (see [`roster::replan::calendar_window`]).
fn window(horizon: roster::Horizon) -> roster::Horizon {
    let (start, days) = roster::replan::calendar_window(horizon.start, horizon.days);
    roster::Horizon { start, days }
}

fn required(path: &Option<PathBuf>) -> &Path {
    path.as_deref().expect("clap enforces required arguments")
}

fn read_people(args: &PeopleArgs) -> anyhow::Result<People> {
    let config = ShiftConfig::from_file(required(&args.shifts))?;
    let contracts = Contracts::from_file(required(&args.contracts), &config)?;
    let agents = read_agents(required(&args.agents), &contracts)?;
    let availability = match &args.availability {
        Some(path) => read_availability(path, &agents)?,
        None => Vec::new(),
    };
    let calendar = match &args.calendar {
        Some(path) => Calendar::read(path)?,
        None => Calendar::empty(),
    };
    Ok(People {
        calendar,
        config,
        contracts,
        agents,
        availability,
    })
}

/// Runs `wfm roster` or `wfm roster check`.
pub fn run(args: RosterArgs, quiet: bool) -> anyhow::Result<()> {
    match args.command {
        Some(RosterCommand::Check(check)) => run_check(check, quiet),
        None => run_build(args.build, quiet),
    }
}

fn run_check(args: CheckArgs, quiet: bool) -> anyhow::Result<()> {
    let people = read_people(&args.people)?;
    let path = required(&args.roster);
    let rows = read_roster(path)?;
    let horizon = roster_horizon(&rows, &path.display().to_string())?;
    let book = RuleBook::new(
        &people.config,
        &people.contracts,
        &people.agents,
        &people.availability,
        horizon,
    )
    .with_closed_days(&people.closed_days(window(horizon)));
    let file = path.display().to_string();
    let mut violations = check_rows(&rows, &book, &file, args.routing.rules())?;
    violations.extend(crate::roster::check::missing_agents(&rows, &book, &file));
    if violations.is_empty() {
        if !quiet {
            eprintln!(
                "{}: {} agents, {} days from {}: every rule holds",
                path.display(),
                people.agents.len(),
                horizon.days,
                horizon.start
            );
        }
        return Ok(());
    }
    let listing: String = violations.iter().map(|v| format!("{v}\n")).collect();
    print_stdout(&listing)?;
    Err(Error::Shortfall(format!(
        "{}: {} rule violation(s)",
        path.display(),
        violations.len()
    ))
    .into())
}

fn run_build(args: BuildArgs, quiet: bool) -> anyhow::Result<()> {
    let people = &args.people;
    let inputs: Vec<&Path> = [
        &args.requirements,
        &people.agents,
        &people.availability,
        &people.contracts,
        &people.shifts,
        &people.calendar,
        &args.service.targets,
        &args.replan.published,
        &args.replan.previous,
    ]
    .into_iter()
    .filter_map(|path| path.as_deref())
    .collect();
    let outputs: Vec<&Path> = [
        &args.output,
        &args.coverage,
        &args.summary,
        &args.replan.changes,
    ]
    .into_iter()
    .filter_map(|path| path.as_deref())
    .collect();
    check_distinct(&inputs, &outputs)?;
    let time_zone = args.horizon.tz(required(&args.requirements))?;
    let options = roster::RosterOptions {
        start: args.horizon.start(),
        days: args.horizon.days(),
        time_zone,
        cover: args.cover,
        limits: args.solver.limits(),
        start_band_minutes: args.start_band.0,
        answer_within_seconds: args.service.answer_within.seconds,
        shrinkage: args.service.shrinkage,
        routing: args.routing.rules(),
        targets: args.service.queue_targets()?,
    };
    let people = read_people(&args.people)?;
    let requirements =
        requirements_in(&read_requirements(required(&args.requirements))?, time_zone);
    let (from, days) = roster::replan::calendar_window(options.start, options.days);
    let closed_days = people.closed_days(roster::Horizon { start: from, days });
    let replan = match (&args.replan.published, args.replan.freeze_until) {
        (Some(path), Some(freeze_until)) => Some(roster::Replan {
            rows: read_roster(path)?,
            file: path.display().to_string(),
            freeze_until,
            change_cost: args.replan.change_cost,
            horizon_start: None,
        }),
        _ => None,
    };
    let previous = match &args.replan.previous {
        Some(path) => Some(roster::Previous {
            rows: read_roster(path)?,
            file: path.display().to_string(),
        }),
        None => None,
    };
    let inputs = roster::RosterInputs {
        config: &people.config,
        contracts: &people.contracts,
        agents: &people.agents,
        availability: &people.availability,
        requirements: &requirements,
        closed_days: &closed_days,
        replan: replan.as_ref(),
        previous: previous.as_ref(),
    };
    let built = with_spinner(quiet, Some("building the model"), |progress| {
        roster::build_roster(&inputs, &options, progress)
    })
    .map_err(|e| with_hint(e, Edge::Solve))?;
    let output = required(&args.output);
    let mut outputs = Outputs::default();
    if !(args.json && output == Path::new("-")) {
        outputs
            .stage(output, |out| roster::write_roster_csv(&built.rows, out))
            .with_context(|| format!("writing {}", output.display()))?;
    }
    if let Some(path) = &args.coverage {
        outputs
            .stage(path, |out| write_coverage_csv(&built.coverage, out))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = &args.summary {
        outputs
            .stage(path, |out| roster::write_summary_csv(&built.summary, out))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = &args.replan.changes {
        outputs
            .stage(path, |out| {
                roster::replan::write_changes_csv(&built.changes, out)
            })
            .with_context(|| format!("writing {}", path.display()))?;
    }
    outputs.commit()?;
    if let Some(dir) = &args.exports {
        std::fs::create_dir_all(dir).map_err(|e| Error::write(dir, e))?;
        let published =
            crate::publish::Published::from_rows(&built.rows, &people.agents, time_zone)?;
        crate::publish::write_exports(dir, &published)
            .with_context(|| format!("writing the exports into {}", dir.display()))?;
    }
    if args.json {
        print_stdout(&to_json_text(&RosterJson::new(&built))?)?;
    } else if !quiet {
        eprintln!("{}", roster::render_report(&built));
    }
    if args.service.strict && built.total_shortfall() > 1e-6 {
        return Err(Error::Shortfall(format!(
            "the roster leaves {} agent-intervals unmet (--strict)",
            crate::units::format_number(built.total_shortfall(), 2)
        ))
        .into());
    }
    Ok(())
}
