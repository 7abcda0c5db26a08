//! `wfm plan`: the monthly run end to end — ingest, forecast, staff, schedule and
//! roster — from one `plan.toml`, into one directory of outputs with a report.
//!
//! - [`config`] reads `plan.toml`, validated up front;
//! - [`pipeline`] runs the steps in memory, each writing its file;
//! - [`service`] projects the service level per queue;
//! - [`summary`] writes `summary.json`;
//! - [`report`] writes `report.html` with the [`plots`];
//! - [`roster`] rosters named agents when `plan.toml` names them (the roster then
//!   replaces the anonymous schedule in every output);
//! - [`outdir`] builds the plan beside its directory and swaps it in, under a lock.

pub mod check;
pub mod config;
pub mod guards;
pub mod notes;
pub mod outdir;
pub mod pipeline;
pub mod plots;
pub mod report;
pub mod roster;
pub mod service;
pub mod simulation;
pub mod strict;
pub mod summary;

use std::path::{Path, PathBuf};

use crate::erlang::transient::AbsencePattern;
use crate::error::Result;
use crate::roster::Routing;
use crate::simulate::Absence;
pub use config::PlanConfig;
pub use pipeline::{Hooks, Plan};
use summary::{Stamp, Summary, SUMMARY_FILE};

/// How to run a plan, besides its config.
#[derive(Debug, Clone, Default)]
pub struct PlanOptions {
    /// The output directory; `plan-out/` beside the config when `None`.
    pub out: Option<PathBuf>,
    /// Add the run's time and step durations to `summary.json` (outputs then differ
    /// from run to run).
    pub stamp: bool,
    /// `--strict`: a stale history (see [`guards`]) is an error rather than a warning.
    pub strict: bool,
}

/// What a finished run produced.
#[derive(Debug, Clone)]
pub struct PlanOutcome {
    pub out: PathBuf,
    pub summary: Summary,
    /// The first notes of the summary that were logged as warnings during the run.
    pub warned: usize,
}

impl PlanOutcome {
    /// Why `--strict` fails this plan under `[strict]`; empty when it passes.
    pub fn strict_failures(&self, strict: &config::StrictConfig) -> Vec<String> {
        strict::strict_failures(&self.summary, strict)
    }
}

/// Runs the plan of `config` and writes every output: built in a temporary
/// directory under the output's lock, then swapped in whole (see [`outdir`]).
pub fn run_plan(config: &PlanConfig, options: &PlanOptions, hooks: Hooks) -> Result<PlanOutcome> {
    let out = options.out.clone().unwrap_or_else(|| config.default_out());
    let staging = outdir::Staging::begin(&out)?;
    let plan = pipeline::run_steps(config, staging.dir(), hooks, options.strict)?;
    let summary = write_results(config, &plan, staging.dir(), options.stamp)?;
    staging.commit()?;
    Ok(PlanOutcome {
        out,
        summary,
        warned: plan.warnings.len(),
    })
}

/// Writes what follows from the steps: `summary.json`, the plots and the report.
fn write_results(config: &PlanConfig, plan: &Plan, dir: &Path, stamp: bool) -> Result<Summary> {
    let mut service = service::queue_service_levels(
        &plan.requirements,
        &plan.schedule,
        &config.targets,
        config.cover,
        config.answer_within_seconds(),
    );
    // Every interval's steady-state level is replaced below by the projection over
    // time (pooled under skills routing, as `service::pool_under_skills` pools a
    // steady state), so no steady-state pooling is done here.
    let routing = config.routing.routing;
    let leaving = plan
        .roster
        .as_ref()
        .map(|r| service::leaving_agents(&r.rows, config.time_zone, routing == Routing::Skills))
        .unwrap_or_default();
    service::project_over_time(
        &mut service,
        &plan.requirements,
        &config.targets,
        config.cover,
        f64::from(plan.schedule.interval_minutes) * 60.0,
        config.answer_within_seconds(),
        &service::OverTime {
            absence: projected_absence(config.simulation.settings.absence),
            pooled: routing == Routing::Skills,
            leaving,
            mix: plan
                .roster
                .as_ref()
                .filter(|_| routing == Routing::Skills)
                .map(|r| service::skill_mix(&r.rows, config.time_zone)),
        },
    );
    let coverage = service::with_projected_levels(&plan.schedule.coverage, &service);
    pipeline::write_coverage(dir, &coverage)?;
    let mut summary = summary::summarise(config, plan, &service, output_names(plan));
    if stamp {
        summary.stamp = Some(Stamp::now(
            &plan.timings,
            plan.schedule.report.solve_seconds,
        ));
    }
    pipeline::write_bytes(dir, SUMMARY_FILE, &summary::to_json(&summary)?)?;
    let started = std::time::Instant::now();
    let figures = report::figures(config, plan, &service, &summary)?;
    let plots = dir.join(report::PLOTS_DIR);
    std::fs::create_dir(&plots).map_err(|e| crate::error::Error::write(&plots, e))?;
    for figure in &figures {
        pipeline::write_bytes(
            &plots,
            &format!("{}.svg", figure.name),
            figure.svg.as_bytes(),
        )?;
    }
    let html = report::render(config, &summary, &figures);
    pipeline::write_bytes(dir, report::REPORT_FILE, html.as_bytes())?;
    tracing::info!("step report: {:.2} s", started.elapsed().as_secs_f64());
    Ok(summary)
}

/// The projection draws absence as the plan's simulation does (`[simulation]
/// absence`), so that the two describe the same roster under the same assumptions.
fn projected_absence(absence: Absence) -> Option<AbsencePattern> {
    match absence {
        Absence::WholeDay => Some(AbsencePattern::WholeDay),
        Absence::PerSlot => Some(AbsencePattern::PerSlot),
        Absence::None => None,
    }
}

/// The files a plan directory holds, in a fixed order.
fn output_names(plan: &Plan) -> Vec<String> {
    let mut names = vec![
        pipeline::FORECAST_FILE,
        pipeline::REQUIREMENTS_FILE,
        pipeline::SHIFTS_FILE,
        pipeline::COVERAGE_FILE,
    ];
    if plan.roster.is_some() {
        names.push(pipeline::ROSTER_FILE);
    }
    if plan.roster.is_some() && plan.replanned {
        names.push(crate::roster::replan::CHANGES_FILE);
    }
    let exports = plan.exports.iter().map(String::as_str);
    names.extend(exports);
    if plan.simulation.is_some() {
        names.push(simulation::SIMULATION_FILE);
    }
    names.extend([SUMMARY_FILE, report::REPORT_FILE]);
    let mut names: Vec<String> = names.into_iter().map(String::from).collect();
    names.extend(
        report::plot_names(plan.simulation.is_some())
            .iter()
            .map(|name| format!("{}/{name}.svg", report::PLOTS_DIR)),
    );
    names
}
