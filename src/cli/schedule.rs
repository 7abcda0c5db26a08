//! `wfm schedule`: requirements in, shifts with lunches and breaks out.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::error::Error;
use crate::output::{check_distinct, Outputs};
use crate::schedule::{
    build_schedule, requirements_in, write_coverage_csv, write_shifts_csv, Cover, Schedule,
    ScheduleOptions, ShiftConfig,
};
use crate::staff::requirements::read_requirements;
use crate::summary::{to_json_text, ScheduleJson};

use super::args::{Horizon, Scheduling, ServiceArgs, SolverLimitArgs, LIST_DELIMITER};
use super::edge::{print_stdout, with_hint, with_spinner, Edge};
use super::values;
use crate::schedule::Routing;

/// Arguments of `wfm schedule`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
wfm schedule --requirements requirements.csv --shifts shifts.toml --start 2026-12-01 --days 28 --tz Europe/London -o shifts.csv --coverage coverage.csv\n  \
wfm schedule --requirements requirements.csv --shifts shifts.toml --start 2026-12-01 --days 7 --tz Europe/London --queue sales --targets targets.toml --strict -o shifts.csv\n  \
wfm schedule --requirements requirements.csv --shifts shifts.toml --start 2026-12-01 --days 7 --tz Europe/London -o shifts.csv --json\n\n\
With --json and no -o FILE, only the JSON summary is written to standard output.")]
pub struct ScheduleArgs {
    /// Requirements CSV written by `wfm staff`.
    #[arg(long)]
    pub requirements: PathBuf,
    /// Shift templates (TOML, see docs/formats.md).
    #[arg(long)]
    pub shifts: PathBuf,
    #[command(flatten)]
    pub horizon: Horizon<Scheduling>,
    /// Output: the shifts (CSV; `-`, the default, is standard output).
    #[arg(short = 'o', long = "output", default_value = "-")]
    pub output: PathBuf,
    /// Optional output: coverage and projected service level per interval (CSV).
    #[arg(long)]
    pub coverage: Option<PathBuf>,
    /// Which requirement to cover: scheduled-staff (grossed up for shrinkage) or agents.
    #[arg(long, value_enum, default_value_t = Cover::ScheduledStaff)]
    pub cover: Cover,
    /// Schedule only these queues (repeat the flag); by default all queues, pooled.
    #[arg(long = "queue", value_delimiter = LIST_DELIMITER)]
    pub queues: Vec<String>,
    #[command(flatten)]
    pub solver: SolverLimitArgs<Scheduling>,
    #[command(flatten)]
    pub service: ServiceArgs<Scheduling>,
    /// Call routing the projected service level of pooled queues assumes: `assigned`
    /// (each queue on its share of the agents) or `skills` (one team answering every
    /// queue, longest-idle agent first).
    #[arg(long, default_value = "assigned", value_parser = values::routing)]
    pub routing: Routing,
    /// Print the summary (solver, shifts, cost, short intervals) as one JSON object on
    /// standard output instead of the lines on stderr; with the default `-o -`, the
    /// shifts are then not written.
    #[arg(long)]
    pub json: bool,
}

/// Runs `wfm schedule`.
pub fn run(args: ScheduleArgs, quiet: bool) -> anyhow::Result<()> {
    let outputs: Vec<&Path> = [Some(args.output.as_path()), args.coverage.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    let inputs: Vec<&Path> = [
        Some(args.requirements.as_path()),
        Some(args.shifts.as_path()),
    ]
    .into_iter()
    .chain([args.service.targets.as_deref()])
    .flatten()
    .collect();
    check_distinct(&inputs, &outputs)?;
    let time_zone = args.horizon.tz(&args.requirements)?;
    let options = ScheduleOptions {
        start: args.horizon.start(),
        days: args.horizon.days(),
        time_zone,
        cover: args.cover,
        limits: args.solver.limits(),
        queues: args.queues.clone(),
        answer_within_seconds: args.service.answer_within.seconds,
        shrinkage: args.service.shrinkage,
        targets: args.service.queue_targets()?,
        routing: args.routing,
    };
    let config = ShiftConfig::from_file(&args.shifts)?;
    let requirements = requirements_in(&read_requirements(&args.requirements)?, time_zone);
    let schedule = with_spinner(quiet, Some("building the model"), |progress| {
        build_schedule(&requirements, &config, &options, progress)
    })
    .map_err(|e| with_hint(e, Edge::Solve))?;
    let mut outputs = Outputs::default();
    if !(args.json && args.output == Path::new("-")) {
        outputs
            .stage(&args.output, |out| write_shifts_csv(&schedule.shifts, out))
            .with_context(|| format!("writing {}", args.output.display()))?;
    }
    if let Some(path) = &args.coverage {
        outputs
            .stage(path, |out| write_coverage_csv(&schedule.coverage, out))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    outputs.commit()?;
    if args.json {
        print_stdout(&to_json_text(&ScheduleJson::new(&schedule, &config))?)?;
    } else if !quiet {
        eprintln!("{}", render_report(&schedule, &config));
    }
    if args.service.strict && schedule.total_shortfall() > 1e-6 {
        return Err(Error::Shortfall(format!(
            "the schedule leaves {} agent-intervals unmet (--strict)",
            format_agents(schedule.total_shortfall())
        ))
        .into());
    }
    Ok(())
}

fn format_agents(value: f64) -> String {
    crate::units::format_number(value, 2)
}

/// The summary on stderr: solver status, cost, bound, gap and unmet intervals.
pub fn render_report(schedule: &Schedule, config: &ShiftConfig) -> String {
    let report = &schedule.report;
    let shifts: u32 = schedule.shifts.iter().map(|row| row.count).sum();
    let mut lines = vec![
        format!(
            "solver: {} in {:.1} s; objective {:.2}, best bound {:.2}, gap {:.2}%",
            report.status,
            report.solve_seconds,
            report.objective,
            report.best_bound,
            report.gap * 100.0
        ),
        format!(
            "model: {} variables ({} integer), {} constraints",
            report.variables, report.integer_variables, report.constraints
        ),
        format!(
            "{} shifts for {}, paid cost {:.2}; shrinkage for projected service level {:.1}%",
            shifts,
            schedule.group,
            schedule.paid_cost(config),
            schedule.shrinkage * 100.0
        ),
    ];
    let unmet: Vec<_> = schedule
        .coverage
        .iter()
        .filter(|row| row.shortfall > 1e-6)
        .collect();
    if unmet.is_empty() {
        lines.push("every interval's requirement is met".to_string());
    } else {
        lines.push(format!(
            "{} intervals short, {} agent-intervals in all:",
            unmet.len(),
            format_agents(schedule.total_shortfall())
        ));
        for row in unmet.iter().take(10) {
            lines.push(format!(
                "  {} short {} (required {}, scheduled {})",
                crate::interval::format_timestamp(&row.interval_start),
                format_agents(row.shortfall),
                format_agents(row.required),
                format_agents(row.scheduled)
            ));
        }
        if unmet.len() > 10 {
            lines.push(format!(
                "  ... and {} more (see the coverage file)",
                unmet.len() - 10
            ));
        }
    }
    lines.join("\n")
}
