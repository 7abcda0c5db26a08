//! `wfm simulate`: a roster against a forecast, by discrete-event simulation.

use std::path::{Path, PathBuf};

use chrono_tz::Tz;

use crate::error::{Error, Result};
use crate::forecast::read_forecast;
use crate::output::{check_distinct, write_csv, Outputs};
use crate::roster::read_roster;
use crate::simulate::inputs::build_inputs;
use crate::simulate::outputs::{
    day_header, day_rows, interval_header, interval_rows, summary, summary_lines,
};
use crate::simulate::{simulate, Options};
use crate::staff::{QueueTargets, ServiceTargets, TargetsFile};

use super::edge::print_stdout;
use super::values;

/// Arguments of `wfm simulate`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
wfm simulate --forecast forecast.csv --roster roster.csv --targets targets.toml --tz Europe/London -o intervals.csv\n  \
wfm simulate --forecast forecast.csv --roster roster.csv --targets targets.toml --days days.csv --json\n\n\
Each shift row of the roster answers its queue (routing assigned); lunches and breaks are gaps. \
A queue's answer_within and patience (model = \"erlang-a\") come from targets.toml. \
With --json and no -o FILE, only the JSON summary is written to standard output.")]
pub struct SimulateArgs {
    /// Forecast CSV: queue, interval_start, calls, aht_seconds.
    #[arg(long, value_name = "FILE")]
    pub forecast: PathBuf,
    /// Roster CSV written by `wfm roster`: agent_id, date, activity, start, end, queue.
    #[arg(long, value_name = "FILE")]
    pub roster: PathBuf,
    /// Targets per queue (see docs/formats.md, "targets.toml").
    #[arg(long, value_name = "FILE")]
    pub targets: PathBuf,
    /// The site's IANA time zone: the roster's dates and times are local to it.
    #[arg(long, default_value = "UTC", value_parser = values::time_zone)]
    pub tz: Tz,
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

/// Runs `wfm simulate`.
pub fn run(args: SimulateArgs, quiet: bool) -> anyhow::Result<()> {
    let inputs = [&args.forecast, &args.roster, &args.targets].map(PathBuf::as_path);
    let outputs = [Some(args.output.as_path()), args.days.as_deref()];
    check_distinct(&inputs, &outputs.into_iter().flatten().collect::<Vec<_>>())?;
    let forecast = read_forecast(&args.forecast)?;
    let roster = read_roster(&args.roster)?;
    let targets = QueueTargets::new(
        &TargetsFile::read(&args.targets)?,
        &ServiceTargets::default(),
        &args.targets.display().to_string(),
    )?;
    let inputs = build_inputs(
        &forecast,
        &roster,
        &targets,
        args.tz,
        &args.forecast,
        &args.roster,
    )?;
    let report = simulate(
        &inputs.scenario,
        Options {
            replications: args.replications,
            seed: args.seed,
        },
    )?;
    let stdout = Path::new("-");
    let mut outputs = Outputs::default();
    if !(args.json && args.output == stdout) {
        let rows = interval_rows(&inputs, &report);
        outputs.stage(&args.output, |out| {
            write_csv(out, &args.output, &interval_header(), rows)
        })?;
    }
    if let Some(days) = &args.days {
        let rows = day_rows(&inputs, &report);
        outputs.stage(days, |out| write_csv(out, days, &day_header(), rows))?;
    }
    outputs.commit()?;
    let summary = summary(&inputs, &report);
    if args.json {
        let mut text = serde_json::to_string_pretty(&summary)?;
        text.push('\n');
        print_stdout(&text)?;
    } else if !quiet {
        for line in summary_lines(&summary) {
            eprintln!("{line}");
        }
    }
    Ok(())
}
