//! `wfm plan`: the monthly run from one `plan.toml`.

use std::path::PathBuf;

use crate::error::Error;
use crate::plan::config::ReplanConfig;
use crate::plan::{run_plan, Hooks, PlanConfig, PlanOptions, PlanOutcome};

use super::edge::{with_hint, with_spinner, Edge};

/// Arguments of `wfm plan`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  wfm plan --config data/sample/plan.toml --out out/plan\n\n\
Writes forecast.csv, requirements.csv, shifts.csv, coverage.csv, roster.csv (when \
rostering is configured), summary.json and report.html into the output directory. \
See docs/formats.md (\"plan.toml\") and docs/walkthrough.md.\n\n\
Exit codes: 0 ok; 1 plan written but short of requirements (--strict); 2 bad input; \
3 solver failure or time-out without a schedule; 4 output not writable; 5 internal \
error; 75 another run holds the output's lock (nothing done: try again later)."
)]
pub struct PlanArgs {
    /// The plan configuration (TOML, see docs/formats.md).
    #[arg(long, value_name = "FILE")]
    pub config: PathBuf,
    /// Output directory; default plan-out/ beside the config.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Exit with code 1 when the plan is short of requirements beyond `[strict]`
    /// max_shortfall_hours (default 1% of the required agent-hours), has targets no
    /// staffing meets, or, with fail_if_day_below_target, a day below target (the plan
    /// is still written); refuse a history older than `[inputs] max_history_age`
    /// (default 14d) with exit code 2 (without --strict: a warning).
    #[arg(long)]
    pub strict: bool,
    /// Record the run's time and step durations in summary.json (outputs then differ
    /// between runs).
    #[arg(long)]
    pub stamp: bool,
    /// Only validate the config and every input it names (history, calendar, shift
    /// templates, agents, contracts, availability): no forecast, no solve, nothing
    /// written. Exit 0 when all are valid, 2 with the first bad one.
    #[arg(long, conflicts_with_all = ["out", "strict", "stamp"])]
    pub check: bool,
    /// Re-plan a published plan (its directory, or its roster.csv) with minimal
    /// change: days before --freeze-until are kept exactly, later changes cost
    /// --change-cost each; writes changes.csv. Overrides `[replan]`.
    #[arg(long, value_name = "DIR|FILE", requires = "freeze_until")]
    pub published: Option<PathBuf>,
    /// With --published: the first day that may change (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", requires = "published", value_parser = super::values::date)]
    pub freeze_until: Option<chrono::NaiveDate>,
    /// With --published: the cost of each changed agent-day (default 2, or `[replan]
    /// change_cost`).
    #[arg(long, value_name = "COST", requires = "published", value_parser = super::values::cost)]
    pub change_cost: Option<f64>,
    /// The previous period's roster.csv: rest, consecutive days, days off and weekly
    /// hours hold across the horizon's start. Overrides `[inputs] previous_roster`.
    #[arg(long, value_name = "FILE")]
    pub previous: Option<PathBuf>,
}

/// Runs `wfm plan`.
pub fn run(args: PlanArgs, quiet: bool) -> anyhow::Result<()> {
    let mut config = PlanConfig::from_file(&args.config)?;
    if let (Some(published), Some(freeze_until)) = (&args.published, args.freeze_until) {
        let cost = args
            .change_cost
            .or(config.replan.as_ref().map(|r| r.change_cost));
        config.replan =
            Some(ReplanConfig::new(published, freeze_until, cost).map_err(Error::input)?);
    }
    if let Some(previous) = &args.previous {
        match config.people.as_mut() {
            Some(people) => people.previous_roster = Some(previous.clone()),
            None => {
                return Err(Error::input(format!(
                    "{}: --previous needs a roster: [inputs] needs agents and contracts",
                    args.config.display()
                ))
                .into())
            }
        }
    }
    if config.replan.is_some() && config.people.is_none() {
        return Err(Error::input(format!(
            "{}: a re-plan keeps a published roster: [inputs] needs agents and contracts",
            args.config.display()
        ))
        .into());
    }
    if args.check {
        let checked = crate::plan::check::check_inputs(&config)?;
        if !quiet {
            eprintln!("{}", checked.describe(&config));
        }
        return Ok(());
    }
    let options = PlanOptions {
        out: args.out,
        stamp: args.stamp,
        strict: args.strict,
    };
    let edge = Edge::Plan {
        rostering: config.people.is_some(),
    };
    let outcome = with_spinner(quiet, None, |status| {
        run_plan(&config, &options, Hooks { status })
    })
    .map_err(|e| with_hint(e, edge))?;
    if !quiet {
        eprintln!("{}", render(&outcome));
    }
    if args.strict {
        let failures = outcome.strict_failures(&config.strict);
        if !failures.is_empty() {
            return Err(Error::Shortfall(format!(
                "{} (--strict; the plan is written)",
                failures.join("; ")
            ))
            .into());
        }
    }
    Ok(())
}

/// Notes printed on stderr; all of them are kept in `summary.json`.
const NOTES_SHOWN: usize = 8;

/// The few lines a planner reads on stderr: notes, the headline figures and where the
/// report is.
fn render(outcome: &PlanOutcome) -> String {
    let summary = &outcome.summary;
    let totals = &summary.totals;
    let mut lines: Vec<String> = summary
        .notes
        .iter()
        .skip(outcome.warned)
        .take(NOTES_SHOWN)
        .map(|n| format!("note: {n}"))
        .collect();
    let notes = summary.notes.len() - outcome.warned;
    if notes > NOTES_SHOWN {
        lines.push(format!(
            "note: {} more notes in {}",
            notes - NOTES_SHOWN,
            outcome
                .out
                .join(crate::plan::summary::SUMMARY_FILE)
                .display()
        ));
    }
    if let Some(replan) = &summary.replan {
        lines.push(format!(
            "re-plan of {}: days before {} kept as published; {} of {} agent-days from then changed (changes.csv)",
            replan.published,
            replan.freeze_until,
            replan.changed_agent_days,
            replan.agent_days_after_freeze
        ));
    }
    lines.push(format!(
        "plan {} to {}: {:.0} calls forecast, {} shifts, {:.1} paid hours, cost {:.2}",
        summary.horizon.start,
        summary.horizon.end,
        totals.forecast_calls,
        totals.shifts,
        totals.paid_hours,
        totals.cost
    ));
    lines.push(format!(
        "solver: {}, gap {:.2}%; {} intervals short ({} agent-hours)",
        summary.solver.status,
        summary.solver.gap * 100.0,
        totals.short_intervals,
        totals.shortfall_agent_hours
    ));
    for queue in &summary.service_level {
        lines.push(format!(
            "  {}: projected service level {} (target {}), {} days below target",
            queue.queue,
            percent(queue.projected),
            percent(queue.target),
            queue.days_below_target
        ));
        if let Some(simulated) = &queue.simulated {
            let level = simulated.service_level.map_or("-".to_string(), |s| {
                format!(
                    "{} (95% interval {}-{})",
                    percent(Some(s.mean)),
                    percent(Some(s.low)),
                    percent(Some(s.high))
                )
            });
            lines.push(format!(
                "  {}: simulated service level {level}, {} days and {} intervals below target",
                queue.queue, simulated.days_below_target, simulated.intervals_below_target
            ));
        }
    }
    for round in &summary.correction {
        let queues: Vec<String> = round
            .queues
            .iter()
            .map(|q| {
                format!(
                    "{} {} ({} intervals below target)",
                    q.queue,
                    percent(q.simulated),
                    q.intervals_below_target
                )
            })
            .collect();
        lines.push(format!(
            "  correction round {}: cost {:.2}, {} paid hours; simulated {}; {} intervals raised",
            round.round,
            round.cost,
            round.paid_hours,
            queues.join(", "),
            round.raised_intervals
        ));
    }
    lines.push(format!(
        "wrote {}; report: {}",
        outcome.out.display(),
        outcome.out.join(crate::plan::report::REPORT_FILE).display()
    ));
    lines.join("\n")
}

/// A share as a percentage with one decimal, `-` when undefined.
fn percent(share: Option<f64>) -> String {
    share.map_or("-".to_string(), |v| format!("{:.1}%", v * 100.0))
}
