//! `wfm forecast`: history in, half-hourly calls, AHT and prediction intervals out.

use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::NaiveDate;

use crate::error::Error;
use crate::forecast::calendar::Calendar;
use crate::forecast::hours::OpeningHours;
use crate::forecast::series::{read_queue_histories, QueueHistory};
use crate::forecast::{
    forecast_queues, forecast_rows, select_queues, ForecastOptions, Method, FORECAST_COLUMNS,
};
use crate::ingest::IngestOptions;
use crate::output::write_csv_atomic;
use crate::units::parse_share;
use crate::units::parse_time_zone;

/// Longest forecast, days.
const MAX_DAYS: usize = 366;

/// Arguments of `wfm forecast`.
#[derive(Debug, clap::Args)]
pub struct ForecastArgs {
    /// History: the canonical interval table, CSV or Parquet (or any interval export
    /// `wfm ingest` reads).
    #[arg(long)]
    pub history: PathBuf,
    /// First local day to forecast (YYYY-MM-DD). Inside the history, only the days before it are used.
    #[arg(long)]
    pub start: String,
    /// Number of days to forecast.
    #[arg(long)]
    pub days: usize,
    /// auto (chosen per queue by backtest) or one of seasonal-naive, historical-average,
    /// holt-winters, daily-profile.
    #[arg(long, default_value = "auto")]
    pub method: String,
    /// Calendar CSV (date,kind,name,uplift) of closed days, holidays and events.
    #[arg(long)]
    pub calendar: Option<PathBuf>,
    /// Opening hours, e.g. "Mon-Fri 08:00-20:00,Sat 09:00-17:00" (days not named are
    /// closed); slots without a call in the whole history are closed anyway.
    #[arg(long)]
    pub open: Option<String>,
    /// The site's IANA time zone (as given to `wfm ingest`).
    #[arg(long, default_value = "UTC")]
    pub tz: String,
    /// Central prediction interval level, e.g. 80% or 0.9.
    #[arg(long, default_value = "80%")]
    pub level: String,
    /// Only these queues (comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub queue: Vec<String>,
    /// Output CSV: queue, interval_start, calls, aht_seconds, calls_lo, calls_hi.
    #[arg(short = 'o', long = "output")]
    pub output: PathBuf,
}

/// Runs `wfm forecast`.
pub fn run(args: ForecastArgs, quiet: bool) -> anyhow::Result<()> {
    let start = parse_date(&args.start, "--start")?;
    if args.days == 0 || args.days > MAX_DAYS {
        return Err(Error::input(format!(
            "--days {} is out of range; expected 1 to {MAX_DAYS}",
            args.days
        ))
        .into());
    }
    let options = ForecastOptions {
        method: Method::parse(&args.method)?,
        level: parse_level(&args.level)?,
        calendar: read_calendar(args.calendar.as_deref())?,
        hours: args.open.as_deref().map(OpeningHours::parse).transpose()?,
    };
    let histories = select_queues(read_histories(&args.history, &args.tz)?, &args.queue)?;
    let forecasts = forecast_queues(&histories, start, args.days, &options)?;
    let rows = forecast_rows(&forecasts);
    write_csv_atomic(&args.output, &FORECAST_COLUMNS, &rows)
        .with_context(|| format!("writing {}", args.output.display()))?;
    if !quiet {
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

/// Reads the history into one history per queue: a `.parquet` file as the canonical
/// table `wfm ingest` writes (fast; its own time zone applies), anything else like
/// `wfm ingest` reads it (canonical CSV or an ACD interval export, in `zone`).
pub fn read_histories(path: &Path, zone: &str) -> crate::Result<Vec<QueueHistory>> {
    let options = IngestOptions {
        time_zone: parse_time_zone(zone)?,
        ..IngestOptions::default()
    };
    read_queue_histories(path, &options)
}

/// Reads the calendar, or an empty one.
pub fn read_calendar(path: Option<&Path>) -> crate::Result<Calendar> {
    path.map(Calendar::read)
        .transpose()
        .map(Option::unwrap_or_default)
}

/// A date given as YYYY-MM-DD.
pub fn parse_date(text: &str, flag: &str) -> crate::Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        Error::input(format!(
            "{flag} \"{text}\" is not a date; expected YYYY-MM-DD"
        ))
    })
}

/// A prediction interval level strictly between 0 and 1.
pub fn parse_level(text: &str) -> crate::Result<f64> {
    let level = parse_share(text)?;
    if level <= 0.0 || level >= 1.0 {
        return Err(Error::input(format!(
            "--level \"{text}\" must be between 0% and 100%, e.g. 80%"
        )));
    }
    Ok(level)
}
