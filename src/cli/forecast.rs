//! `wfm forecast`: history in, half-hourly calls, AHT and prediction intervals out.

use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::NaiveDate;

use crate::error::Error;
use crate::forecast::calendar::Calendar;
use crate::forecast::hours::OpeningHours;
use crate::forecast::{
    forecast_queues, forecast_rows, select_queues, write_forecast, ForecastOptions, Method,
};
use crate::output::check_distinct;
use crate::summary::{to_json_text, ForecastJson};

use super::args::HistoryArgs;
use super::edge::print_stdout;
use super::values;

/// Longest forecast, days.
const MAX_DAYS: usize = 366;

/// Arguments of `wfm forecast`. (`display_order`: see [`super::args`].)
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
wfm forecast --history history.csv --tz Europe/London --start 2026-12-01 --days 28 -o forecast.csv\n  \
wfm forecast --history history.parquet --calendar calendar.csv --start 2026-12-01 --days 28 --open \"Mon-Fri 08:00-20:00,Sat 09:00-17:00\" -o forecast.csv\n  \
wfm forecast --history history.csv --tz Europe/London --start 2026-12-01 --days 28 --method holt-winters -o forecast.csv --json\n\n\
With --json and no -o FILE, only the JSON summary is written to standard output.")]
pub struct ForecastArgs {
    #[command(flatten)]
    pub history: HistoryArgs,
    /// First local day to forecast (YYYY-MM-DD). Inside the history, only the days before it are used.
    #[arg(long, value_parser = values::date, display_order = 1)]
    pub start: NaiveDate,
    /// Number of days to forecast.
    #[arg(long, display_order = 2)]
    pub days: usize,
    /// auto (chosen per queue by backtest) or one of seasonal-naive, historical-average,
    /// holt-winters, daily-profile.
    #[arg(long, default_value = "auto", value_parser = values::method, display_order = 3)]
    pub method: Method,
    /// Opening hours, e.g. "Mon-Fri 08:00-20:00,Sat 09:00-17:00" (days not named are
    /// closed); slots without a call in the whole history are closed anyway.
    #[arg(long, value_parser = values::opening_hours, display_order = 5)]
    pub open: Option<OpeningHours>,
    /// Central prediction interval level, e.g. 80% or 0.9.
    #[arg(long, default_value = "80%", value_parser = values::level, display_order = 7)]
    pub level: f64,
    /// Output CSV: queue, interval_start, calls, aht_seconds, calls_lo, calls_hi (`-`,
    /// the default, is standard output).
    #[arg(short = 'o', long = "output", display_order = 9, default_value = "-")]
    pub output: PathBuf,
    /// Print the summary (method per queue, notes, rows) as one JSON object on
    /// standard output instead of the lines on stderr; with the default `-o -`, the
    /// forecast table is then not written.
    #[arg(long, display_order = 10)]
    pub json: bool,
}

/// Runs `wfm forecast`.
pub fn run(args: ForecastArgs, quiet: bool) -> anyhow::Result<()> {
    if args.days == 0 || args.days > MAX_DAYS {
        return Err(Error::input(format!(
            "--days {} is out of range; expected 1 to {MAX_DAYS}",
            args.days
        ))
        .into());
    }
    let history = &args.history;
    let inputs: Vec<&Path> = [Some(history.history.as_path()), history.calendar.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    check_distinct(&inputs, &[&args.output])?;
    let options = ForecastOptions {
        method: args.method,
        level: args.level,
        calendar: read_calendar(history.calendar.as_deref())?,
        hours: args.open,
    };
    let histories = select_queues(history.read()?, &history.queue)?;
    let forecasts = forecast_queues(&histories, args.start, args.days, &options)?;
    let rows = forecast_rows(&forecasts);
    if !(args.json && args.output == Path::new("-")) {
        write_forecast(&args.output, &rows)
            .with_context(|| format!("writing {}", args.output.display()))?;
    }
    if args.json {
        print_stdout(&to_json_text(&ForecastJson::new(&forecasts, rows.len()))?)?;
    } else if !quiet {
        for forecast in &forecasts {
            for note in &forecast.notes {
                eprintln!("note: {note}");
            }
            let scored = forecast
                .backtest_wape
                .map(|w| format!(" (backtest WAPE {:.1}%)", w * 100.0))
                .unwrap_or_default();
            eprintln!("{}: {}{scored}", forecast.queue, forecast.method);
        }
        eprintln!("wrote {} ({} rows)", args.output.display(), rows.len());
    }
    Ok(())
}

/// Reads the calendar, or an empty one.
pub fn read_calendar(path: Option<&Path>) -> crate::Result<Calendar> {
    path.map(Calendar::read)
        .transpose()
        .map(Option::unwrap_or_default)
}
