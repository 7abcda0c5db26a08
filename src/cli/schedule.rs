//! `wfm schedule`: requirements in, shifts with lunches and breaks out.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Context;
use chrono::NaiveDate;

use crate::error::Error;
use crate::output::write_atomic;
use crate::schedule::{
    build_schedule, requirements_in, write_coverage_csv, write_shifts_csv, Cover, Schedule,
    ScheduleOptions, ShiftConfig, SolverLimits,
};
use crate::staff::requirements::read_requirements;
use crate::units::{parse_duration_seconds, parse_share, parse_time_zone};

/// Arguments of `wfm schedule`.
#[derive(Debug, clap::Args)]
pub struct ScheduleArgs {
    /// Requirements CSV written by `wfm staff`.
    #[arg(long)]
    pub requirements: PathBuf,
    /// Shift templates (TOML, see docs/formats.md).
    #[arg(long)]
    pub shifts: PathBuf,
    /// First day to schedule (YYYY-MM-DD, local date).
    #[arg(long)]
    pub start: String,
    /// Number of days to schedule.
    #[arg(long)]
    pub days: u32,
    /// The site's IANA time zone.
    #[arg(long, default_value = "UTC")]
    pub tz: String,
    /// Output: the shifts (CSV).
    #[arg(short = 'o', long = "output")]
    pub output: PathBuf,
    /// Optional output: coverage and projected service level per interval (CSV).
    #[arg(long)]
    pub coverage: Option<PathBuf>,
    /// Which requirement to cover: scheduled-staff (grossed up for shrinkage) or agents.
    #[arg(long, value_enum, default_value_t = Cover::ScheduledStaff)]
    pub cover: Cover,
    /// Schedule only these queues (repeat the flag); by default all queues, pooled.
    #[arg(long = "queue")]
    pub queues: Vec<String>,
    /// Stop the solver after this long and keep the best schedule found.
    #[arg(long = "time-limit", default_value = "60s")]
    pub time_limit: String,
    /// Stop once the schedule is proven within this relative gap of the optimum.
    #[arg(long = "mip-gap", default_value = "0.5%")]
    pub mip_gap: String,
    /// Service-level target time for the projected service level in the coverage.
    #[arg(long = "answer-within", default_value = "20s")]
    pub answer_within: String,
    /// Shrinkage for the projected service level; estimated from the requirements by default.
    #[arg(long)]
    pub shrinkage: Option<String>,
    /// Exit with code 1 when the schedule leaves requirements unmet.
    #[arg(long)]
    pub strict: bool,
}

/// Runs `wfm schedule`.
pub fn run(args: ScheduleArgs, quiet: bool) -> anyhow::Result<()> {
    let time_zone = parse_time_zone(&args.tz)?;
    let start = NaiveDate::parse_from_str(&args.start, "%Y-%m-%d").map_err(|_| {
        Error::input(format!(
            "--start \"{}\" is not a date; expected YYYY-MM-DD",
            args.start
        ))
    })?;
    let time_limit_seconds = parse_duration_seconds(&args.time_limit)?;
    if time_limit_seconds <= 0.0 {
        return Err(Error::input("--time-limit must be positive").into());
    }
    let options = ScheduleOptions {
        start,
        days: args.days,
        time_zone,
        cover: args.cover,
        limits: SolverLimits {
            time_limit_seconds,
            mip_gap: parse_share(&args.mip_gap)?,
        },
        queues: args.queues.clone(),
        answer_within_seconds: parse_duration_seconds(&args.answer_within)?,
        shrinkage: args.shrinkage.as_deref().map(parse_share).transpose()?,
    };
    if options.shrinkage.is_some_and(|s| s >= 1.0) {
        return Err(Error::input("--shrinkage must be below 100%").into());
    }
    let config = ShiftConfig::from_file(&args.shifts)?;
    let requirements = requirements_in(&read_requirements(&args.requirements)?, time_zone);
    let show_progress = !quiet && std::io::stderr().is_terminal();
    let schedule = if show_progress {
        let spinner = indicatif::ProgressBar::new_spinner();
        spinner.set_message("building the model");
        spinner.enable_steady_tick(std::time::Duration::from_millis(200));
        let show = |line: &str| spinner.set_message(line.to_string());
        let result = build_schedule(&requirements, &config, &options, Some(&show));
        spinner.finish_and_clear();
        result?
    } else {
        build_schedule(&requirements, &config, &options, None)?
    };
    write_atomic(&args.output, |out| write_shifts_csv(&schedule.shifts, out))
        .with_context(|| format!("writing {}", args.output.display()))?;
    if let Some(path) = &args.coverage {
        write_atomic(path, |out| write_coverage_csv(&schedule.coverage, out))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if !quiet {
        eprintln!("{}", render_report(&schedule, &config));
    }
    if args.strict && schedule.total_shortfall() > 1e-6 {
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
