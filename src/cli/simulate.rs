//! `wfm simulate`: a roster (or an anonymous schedule) against a forecast, by
//! discrete-event simulation. A thin layer over [`crate::simulate::simulate_staffing`],
//! which `wfm plan` calls too.

use std::path::{Path, PathBuf};

use chrono_tz::Tz;

use crate::error::{Error, Result};
use crate::forecast::read_forecast;
use crate::output::{check_distinct, write_csv, Outputs};
use crate::roster::read_roster;
use crate::simulate::outputs::{day_header, interval_header};
use crate::simulate::run::AhtDistribution;
use crate::simulate::shifts::read_shifts;
use crate::simulate::{
    simulate_staffing, Absence, Routing, Settings, Sources, Staffing, VolumeSource,
};
use crate::staff::{QueueTargets, ServiceTargets, TargetsFile};
use crate::zone::Layout;

use super::edge::print_stdout;
use super::values;

/// Arguments of `wfm simulate`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("staffing").required(true).args(["roster", "shifts"])))]
#[command(after_help = "Examples:\n  \
wfm simulate --forecast forecast.csv --roster roster.csv --targets targets.toml --tz Europe/London -o intervals.csv\n  \
wfm simulate --forecast forecast.csv --shifts shifts.csv --targets targets.toml --tz Europe/London --days days.csv --json\n  \
wfm simulate --forecast forecast.csv --roster roster.csv --targets targets.toml --tz Europe/London --routing skills --absence whole-day --aht-distribution lognormal --aht-cv 0.8 --volume interval\n\n\
Routing assigned: each roster shift row answers the one queue it names. Routing skills: a shift \
row's queue cell names every queue the agent is logged into, e.g. support;sales:2 (priority 1 \
preferred); an arriving call goes to the longest-idle agent of its queue. A shifts.csv is \
simulated under skills routing, every shift answering every queue of the forecast. Lunches \
and breaks are gaps; a queue's answer_within, patience (model = \"erlang-a\") and shrinkage \
(random absence) come from targets.toml. With --json and no -o FILE, only the JSON summary is \
written to standard output.")]
pub struct SimulateArgs {
    /// Forecast CSV: queue, interval_start, calls, aht_seconds (and calls_lo, calls_hi
    /// for --volume interval).
    #[arg(long, value_name = "FILE")]
    pub forecast: PathBuf,
    /// Roster CSV written by `wfm roster`: agent_id, date, activity, start, end, queue.
    #[arg(long, value_name = "FILE")]
    pub roster: Option<PathBuf>,
    /// Anonymous schedule written by `wfm schedule` (shifts.csv) instead of a roster:
    /// each row's count of shifts logs in that many agents answering every queue.
    #[arg(long, value_name = "FILE")]
    pub shifts: Option<PathBuf>,
    /// Targets per queue (see docs/formats.md, "targets.toml").
    #[arg(long, value_name = "FILE")]
    pub targets: PathBuf,
    /// The site's IANA time zone: the roster's dates and times are local to it, and
    /// the forecast's UTC offsets must agree with it. Without it, the forecast's one
    /// offset as a fixed zone.
    #[arg(long, env = "WFM_TZ", value_parser = values::time_zone)]
    pub tz: Option<Tz>,
    /// How calls find agents: each shift row's one queue (assigned), or every queue its
    /// queue cell names, with priorities (skills). A shifts.csv is always skills.
    #[arg(long, value_enum)]
    pub routing: Option<Routing>,
    /// Shrinkage as random absence: per agent-day (the default), per 15-minute slot, or
    /// none.
    #[arg(long, value_enum, default_value = "whole-day")]
    pub absence: Absence,
    /// The law of handle times around the AHT.
    #[arg(long, value_enum, default_value = "exponential")]
    pub aht_distribution: AhtDistribution,
    /// Coefficient of variation of handle times (lognormal only; exponential is 1).
    #[arg(long, value_name = "CV")]
    pub aht_cv: Option<f64>,
    /// Calls as forecast (point), or each day's volume drawn from the forecast's
    /// prediction interval (interval; needs calls_lo and calls_hi).
    #[arg(long, value_enum, default_value = "point")]
    pub volume: VolumeSource,
    /// Coverage of the forecast's prediction interval (wfm forecast --level).
    #[arg(long, default_value = "80%", value_parser = values::level)]
    pub interval_level: f64,
    /// Independent replications (at least 2, for the confidence intervals).
    #[arg(long, default_value = "30", value_parser = replications)]
    pub replications: u32,
    /// Seed of the random numbers: the same seed gives byte-identical outputs.
    #[arg(long, default_value = "7")]
    pub seed: u64,
    /// Per queue and interval CSV to write (`-`, the default, is standard output).
    #[arg(short = 'o', long = "output", value_name = "FILE", default_value = "-")]
    pub output: PathBuf,
    /// Per queue and local day CSV to write.
    #[arg(long, value_name = "FILE")]
    pub days: Option<PathBuf>,
    /// Print the summary as JSON on standard output (instead of the lines on stderr).
    #[arg(long)]
    pub json: bool,
}

/// The replication count: 2 to 100000.
fn replications(text: &str) -> Result<u32> {
    match text.trim().parse::<u32>() {
        Ok(n) if (2..=100_000).contains(&n) => Ok(n),
        _ => Err(Error::input(format!(
            "\"{text}\" is not a number of replications; expected 2 to 100000"
        ))),
    }
}

impl SimulateArgs {
    fn settings(&self) -> Result<Settings> {
        if self.shifts.is_some() && self.routing == Some(Routing::Assigned) {
            return Err(Error::input(
                "--routing assigned needs a roster: a shifts.csv pools its queues, so its \
                 agents answer every queue (routing skills)",
            ));
        }
        Ok(Settings {
            routing: self.routing.unwrap_or_default(),
            absence: self.absence,
            aht_distribution: self.aht_distribution,
            aht_cv: self.aht_cv,
            volume: self.volume,
            interval_level: self.interval_level,
            replications: self.replications,
            seed: self.seed,
        })
    }
}

/// Runs `wfm simulate`.
pub fn run(args: SimulateArgs, quiet: bool) -> anyhow::Result<()> {
    let settings = args.settings()?;
    settings.options()?;
    let time_zone = super::args::site_zone(
        args.tz,
        &[crate::zone::scan(
            &args.forecast,
            Layout::CANONICAL,
            args.tz,
        )],
    )?;
    let staffing_path = args
        .roster
        .as_deref()
        .or(args.shifts.as_deref())
        .expect("clap requires --roster or --shifts");
    let inputs = [
        args.forecast.as_path(),
        staffing_path,
        args.targets.as_path(),
    ];
    let outputs = [Some(args.output.as_path()), args.days.as_deref()];
    check_distinct(&inputs, &outputs.into_iter().flatten().collect::<Vec<_>>())?;
    let forecast = read_forecast(&args.forecast)?;
    let targets = QueueTargets::new(
        &TargetsFile::read(&args.targets)?,
        &ServiceTargets::default(),
        &args.targets.display().to_string(),
    )?;
    let sources = Sources {
        forecast: &args.forecast,
        staffing: staffing_path,
    };
    let simulation = match (&args.roster, &args.shifts) {
        (Some(roster), _) => {
            let rows = read_roster(roster)?;
            simulate_staffing(
                &forecast,
                Staffing::Roster(&rows),
                &targets,
                time_zone,
                &settings,
                &sources,
            )?
        }
        (None, Some(shifts)) => {
            let rows = read_shifts(shifts)?;
            simulate_staffing(
                &forecast,
                Staffing::Shifts(&rows),
                &targets,
                time_zone,
                &settings,
                &sources,
            )?
        }
        (None, None) => unreachable!("clap requires --roster or --shifts"),
    };
    let stdout = Path::new("-");
    let mut outputs = Outputs::default();
    if !(args.json && args.output == stdout) {
        let rows = simulation.interval_rows();
        outputs.stage(&args.output, |out| {
            write_csv(out, &args.output, &interval_header(), rows)
        })?;
    }
    if let Some(days) = &args.days {
        let rows = simulation.day_rows();
        outputs.stage(days, |out| write_csv(out, days, &day_header(), rows))?;
    }
    outputs.commit()?;
    if args.json {
        let mut text = serde_json::to_string_pretty(&simulation.summary)?;
        text.push('\n');
        print_stdout(&text)?;
    } else if !quiet {
        for line in simulation.summary_lines() {
            eprintln!("{line}");
        }
    }
    Ok(())
}
