//! `wfm ingest`: ACD exports in, the canonical interval table out (CSV or Parquet).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono_tz::Tz;
use serde::Deserialize;

use crate::error::Error;
use crate::ingest::{read_ingest, Fill, Ingest, IngestOptions, IngestSummary, SourceKind};
use crate::output::check_distinct;
use crate::summary::{to_json_text, IngestJson};
use crate::zone::Layout;

use super::edge::print_stdout;

use super::values::{self, Duration};

/// Arguments of `wfm ingest`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
wfm ingest acd_export.csv --tz Europe/London -o history.csv\n  \
wfm ingest calls.csv --kind calls --tz Asia/Jerusalem --queue bank --interval 15m -o history.parquet\n  \
wfm ingest sales.csv support.csv --tz Europe/London --map-file acd.toml -o history.csv --json\n\n\
With --json and no -o FILE, only the JSON summary is written to standard output.")]
pub struct IngestArgs {
    /// ACD export files (CSV or other delimited text); several queues per file or one file per queue.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Output file: canonical CSV, or Parquet when it ends in `.parquet`; `-` (the
    /// default) is standard output, as CSV.
    #[arg(short = 'o', long = "output", default_value = "-")]
    pub output: PathBuf,
    /// What the rows are: interval reports or call-by-call records.
    #[arg(long, value_enum, default_value_t = SourceKind::Intervals)]
    pub kind: SourceKind,
    /// Column mapping KEY=Header,... (e.g. offered="Calls Offered",interval_start=Interval).
    #[arg(long, value_parser = values::column_map)]
    pub map: Option<BTreeMap<String, String>>,
    /// TOML file with a [columns] table (KEY = "Header") and optional delimiter,
    /// time_format, answered and abandoned; flags given on the command line win.
    #[arg(long = "map-file")]
    pub map_file: Option<PathBuf>,
    /// The site's IANA time zone; naive timestamps are read as local time there, and
    /// written UTC offsets must agree with it. Without it, the exports' one offset as
    /// a fixed zone.
    #[arg(long, env = "WFM_TZ", value_parser = values::time_zone)]
    pub tz: Option<Tz>,
    /// Output interval length: 15m, 30m or 60m.
    #[arg(long, default_value = "30m", value_parser = values::interval_minutes)]
    pub interval: u32,
    /// Queue name for files without a queue column; with one, keep only this queue.
    #[arg(long)]
    pub queue: Option<String>,
    /// Field delimiter (one character, `tab` for tabs); sniffed from the header when absent.
    #[arg(long, value_parser = values::delimiter)]
    pub delimiter: Option<u8>,
    /// What gaps become: empty measures (missing) or zero calls.
    #[arg(long, value_enum, default_value_t = Fill::Missing)]
    pub fill: Fill,
    /// Outcome codes of answered calls (call records), comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub answered: Option<Vec<String>>,
    /// Outcome codes of abandoned calls (call records), comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub abandoned: Option<Vec<String>>,
    /// Service-level target time for answered_within_target from call records.
    #[arg(long, default_value = "20s", value_parser = values::duration)]
    pub target: Duration,
    /// chrono format of the timestamps when they are not ISO 8601, e.g. "%d/%m/%Y %H:%M".
    #[arg(long = "time-format")]
    pub time_format: Option<String>,
    /// Print the summary as one JSON object on standard output instead of the lines
    /// on stderr; with the default `-o -`, the table is then not written.
    #[arg(long)]
    pub json: bool,
}

/// The `--map-file` TOML.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct MapFile {
    #[serde(default)]
    columns: BTreeMap<String, String>,
    delimiter: Option<String>,
    time_format: Option<String>,
    answered: Option<Vec<String>>,
    abandoned: Option<Vec<String>>,
}

/// Runs `wfm ingest`.
pub fn run(args: IngestArgs, quiet: bool) -> anyhow::Result<()> {
    let options = options_from_args(&args)?;
    let mut inputs: Vec<&Path> = args.inputs.iter().map(PathBuf::as_path).collect();
    inputs.extend(args.map_file.as_deref());
    check_distinct(&inputs, &[&args.output])?;
    let ingest = read_ingest(&args.inputs, &options)?;
    let summary = if args.json && args.output == Path::new("-") {
        ingest.for_each_queue(|_| Ok(()))?
    } else {
        write_ingest(ingest, &args.output)?
    };
    let json = args.json.then(|| IngestJson::new(&summary, options.fill));
    if let Some(json) = json {
        print_stdout(&to_json_text(&json)?)?;
    } else if !quiet {
        eprintln!("{}", summary.render(options.fill));
        eprintln!("wrote {}", args.output.display());
    }
    Ok(())
}

/// Writes the canonical table of `ingest` in the format the output's extension asks
/// for, one queue at a time: CSV rows as they come, Parquet columns gathered first.
fn write_ingest(ingest: Ingest, output: &Path) -> anyhow::Result<IngestSummary> {
    if is_parquet_name(output) {
        let mut columns = crate::interval::ParquetColumns::new(ingest.time_zone());
        let summary = ingest.for_each_queue(|records| {
            columns.push(&records);
            Ok(())
        })?;
        columns
            .write(output)
            .with_context(|| format!("writing {}", output.display()))?;
        return Ok(summary);
    }
    let mut summary = None;
    crate::output::write_atomic(output, |out| {
        let mut writer = crate::interval::CsvTableWriter::new(out)?;
        summary = Some(ingest.for_each_queue(|records| writer.write(&records))?);
        writer.finish()
    })
    .map_err(|error| match error {
        Error::Io { cause, .. } => Error::write(output, cause),
        other => other,
    })
    .with_context(|| format!("writing {}", output.display()))?;
    Ok(summary.expect("the table was laid out"))
}

fn is_parquet_name(output: &Path) -> bool {
    output
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("parquet"))
}

/// Writes the canonical table in the format the output's extension asks for.
pub fn write_table(table: &crate::interval::IntervalTable, output: &Path) -> anyhow::Result<()> {
    if is_parquet_name(output) {
        crate::interval::write_parquet_file(table, output)
    } else {
        table.write_csv_file(output)
    }
    .with_context(|| format!("writing {}", output.display()))
}

fn options_from_args(args: &IngestArgs) -> anyhow::Result<IngestOptions> {
    let file = match &args.map_file {
        Some(path) => read_map_file(path)?,
        None => MapFile::default(),
    };
    let mut columns = file.columns;
    if let Some(map) = &args.map {
        columns.extend(map.clone());
    }
    let delimiter = match args.delimiter {
        Some(delimiter) => Some(delimiter),
        None => file
            .delimiter
            .as_deref()
            .map(values::delimiter)
            .transpose()?,
    };
    let time_format = args.time_format.clone().or(file.time_format);
    let time_zone = site_zone_of_exports(args, &columns, delimiter, time_format.as_deref())?;
    let defaults = IngestOptions::default();
    Ok(IngestOptions {
        kind: args.kind,
        columns,
        time_zone,
        interval_minutes: args.interval,
        queue: args.queue.clone(),
        delimiter,
        fill: args.fill,
        answered_outcomes: args
            .answered
            .clone()
            .or(file.answered)
            .unwrap_or(defaults.answered_outcomes),
        abandoned_outcomes: args
            .abandoned
            .clone()
            .or(file.abandoned)
            .unwrap_or(defaults.abandoned_outcomes),
        target_seconds: args.target.seconds,
        time_format,
    })
}

/// The site's zone: `--tz` or `WFM_TZ`, checked against the offsets the exports
/// write, else the one offset they all write (see [`super::args::site_zone`]). A
/// Parquet table carries its own zone and is not looked at.
fn site_zone_of_exports(
    args: &IngestArgs,
    columns: &BTreeMap<String, String>,
    delimiter: Option<u8>,
    time_format: Option<&str>,
) -> anyhow::Result<Tz> {
    let key = match args.kind {
        SourceKind::Intervals => "interval_start",
        SourceKind::Calls => "arrival",
    };
    let mapped = columns.get(key).map(|header| [header.as_str()]);
    let layout = Layout {
        columns: match &mapped {
            Some(header) => header,
            None => crate::ingest::default_headers(key),
        },
        delimiter,
        time_format,
    };
    let evidence: Vec<_> = args
        .inputs
        .iter()
        .filter(|path| !crate::ingest::is_parquet(path))
        .map(|path| crate::zone::scan(path, layout, args.tz))
        .collect();
    Ok(super::args::site_zone(args.tz, &evidence)?)
}

fn read_map_file(path: &Path) -> anyhow::Result<MapFile> {
    let text = crate::input::read_text(path)?;
    toml::from_str(&text)
        .map_err(|e| Error::input(format!("{}: {e}", path.display())))
        .map_err(Into::into)
}
