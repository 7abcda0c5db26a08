//! Ingest of ACD exports into the canonical interval table.
//!
//! Two kinds of source are read: interval reports (one row per queue and interval,
//! any headers, mapped onto canonical keys) and call-by-call records (one row per call,
//! aggregated into intervals). Validation is strict: every problem names the file,
//! line, column, the offending value and what was expected, and nothing is written.
//!
//! The files: `options` (what to do), `text` (reading the delimited sources),
//! `timestamps`, `intervals` (interval reports), `calls` (call records) and `summary`
//! (what was seen). [`read_history`] also takes the canonical table as Parquet.

mod calls;
mod intervals;
mod options;
mod summary;
mod text;
mod timestamps;

use std::io::Read;
use std::path::{Path, PathBuf};

use chrono_tz::Tz;

pub use options::{parse_column_map, Fill, IngestOptions, SourceKind, CALL_KEYS, INTERVAL_KEYS};
pub use summary::{Gap, IngestSummary};
pub use text::Source;
pub(crate) use text::{default_headers, sniff_delimiter};

use crate::error::{Error, Result};
use crate::interval::{read_parquet_file, IntervalRecord, IntervalTable};

/// Reads and ingests files into one canonical table.
pub fn ingest_paths(
    paths: &[PathBuf],
    options: &IngestOptions,
) -> Result<(IntervalTable, IngestSummary)> {
    read_ingest(paths, options)?.into_table()
}

/// Reads and checks files, keeping only their sums per queue and interval (see
/// [`Ingest`]).
pub fn read_ingest(paths: &[PathBuf], options: &IngestOptions) -> Result<Ingest> {
    let sources = paths
        .iter()
        .map(|path| Source::read(path))
        .collect::<Result<Vec<_>>>()?;
    ingest(&sources, options)
}

/// Ingests sources into one canonical table.
pub fn ingest_sources(
    sources: &[Source],
    options: &IngestOptions,
) -> Result<(IntervalTable, IngestSummary)> {
    ingest(sources, options)?.into_table()
}

/// Inputs read and checked, every problem reported, but not yet laid out as the
/// canonical table: the sums per queue and interval, a small part of what the rows
/// were. [`Ingest::for_each_queue`] lays out one queue at a time, so a large history
/// is written or turned into forecasting series without holding the whole table.
pub struct Ingest {
    time_zone: Tz,
    interval_minutes: u32,
    summary: IngestSummary,
    grid: Grid,
}

enum Grid {
    Reports(intervals::ReportGrid),
    Calls(calls::CallGrid),
}

/// Reads and checks `sources` (see [`Ingest`]).
pub fn ingest(sources: &[Source], options: &IngestOptions) -> Result<Ingest> {
    options::validate_options(options)?;
    if sources.is_empty() {
        return Err(Error::input("no input files given"));
    }
    let mut summary = IngestSummary {
        files: sources.len(),
        ..IngestSummary::default()
    };
    let grid = match options.kind {
        SourceKind::Intervals => Grid::Reports(intervals::ingest_interval_reports(
            sources,
            options,
            &mut summary,
        )?),
        SourceKind::Calls => {
            Grid::Calls(calls::ingest_call_records(sources, options, &mut summary)?)
        }
    };
    let empty = match &grid {
        Grid::Reports(grid) => grid.is_empty(),
        Grid::Calls(grid) => grid.is_empty(),
    };
    if empty {
        let names: Vec<&str> = sources.iter().map(|s| s.name.as_str()).collect();
        return Err(Error::input(match &options.queue {
            Some(queue) => format!(
                "{}: no row of queue \"{queue}\" (--queue); check its spelling against the queue column",
                names.join(", ")
            ),
            None => format!("{}: no data rows", names.join(", ")),
        }));
    }
    Ok(Ingest {
        time_zone: options.time_zone,
        interval_minutes: options.interval_minutes,
        summary,
        grid,
    })
}

impl Ingest {
    /// The site's zone the table is in.
    pub fn time_zone(&self) -> Tz {
        self.time_zone
    }

    /// The output interval length, minutes.
    pub fn interval_minutes(&self) -> u32 {
        self.interval_minutes
    }

    /// Lays out the table one queue at a time, queues by name, handing each queue's
    /// records (in time order, gaps filled) to `each`. Returns the summary, complete
    /// with the gaps, queues and intervals laid out.
    pub fn for_each_queue(
        self,
        mut each: impl FnMut(Vec<IntervalRecord>) -> Result<()>,
    ) -> Result<IngestSummary> {
        let mut summary = self.summary;
        let mut queues = Vec::new();
        let mut intervals = 0;
        let mut take = |records: Vec<IntervalRecord>| {
            if let Some(first) = records.first() {
                queues.push(first.queue.clone());
            }
            intervals += records.len();
            each(records)
        };
        match self.grid {
            Grid::Reports(grid) => grid.lay_out(&mut summary, &mut take)?,
            Grid::Calls(grid) => grid.lay_out(&mut summary, &mut take)?,
        }
        summary.queues = queues;
        summary.intervals_written = intervals;
        Ok(summary)
    }

    /// The whole canonical table, with the summary.
    pub fn into_table(self) -> Result<(IntervalTable, IngestSummary)> {
        let mut table = IntervalTable {
            time_zone: self.time_zone,
            interval_minutes: self.interval_minutes,
            records: Vec::new(),
        };
        let summary = self.for_each_queue(|records| {
            table.records.extend(records);
            Ok(())
        })?;
        Ok((table, summary))
    }
}

/// Reads a history into the canonical table: a Parquet file as the table `wfm
/// ingest` writes (its instants shown in `options.time_zone`), anything else as
/// delimited exports read with `options`.
pub fn read_history(paths: &[PathBuf], options: &IngestOptions) -> Result<IntervalTable> {
    match paths {
        [path] if is_parquet(path) => read_parquet_file(path, options.time_zone),
        _ => {
            if let Some(path) = paths.iter().find(|path| is_parquet(path)) {
                return Err(Error::input(format!(
                    "{}: a Parquet table among several history files; expected one Parquet table or delimited exports only",
                    path.display()
                )));
            }
            Ok(ingest_paths(paths, options)?.0)
        }
    }
}

/// Whether `path` is a Parquet file: by its extension, or its first bytes `PAR1`.
pub fn is_parquet(path: &Path) -> bool {
    if path
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("parquet"))
    {
        return true;
    }
    let mut magic = [0u8; 4];
    path != Path::new("-")
        && std::fs::File::open(path)
            .and_then(|mut file| file.read_exact(&mut magic))
            .is_ok()
        && &magic == b"PAR1"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interval::format_timestamp;

    fn source(name: &str, text: &str) -> Source {
        Source::from_bytes(name, text.as_bytes().to_vec())
    }

    fn csv_of(table: &IntervalTable) -> String {
        let mut out = Vec::new();
        table.write_csv(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn ingest(text: &str, options: &IngestOptions) -> Result<(IntervalTable, IngestSummary)> {
        ingest_sources(&[source("in.csv", text)], options)
    }

    fn london() -> IngestOptions {
        IngestOptions {
            time_zone: chrono_tz::Europe::London,
            ..IngestOptions::default()
        }
    }

    #[test]
    fn fifteen_minute_reports_aggregate_with_handle_time_weighted_by_handled_calls() {
        let text = "queue,interval_start,offered,handled,abandoned,aht_seconds,asa_seconds,answered_within_target\n\
                    sales,2026-01-05 09:00,10,9,1,200,10,8\n\
                    sales,2026-01-05 09:15,4,3,1,100,30,1\n\
                    sales,2026-01-05 09:30,0,0,0,,,0\n\
                    sales,2026-01-05 09:45,2,2,0,150,,2\n";
        let (table, summary) = ingest(text, &IngestOptions::default()).unwrap();
        // 09:00: handled 12, AHT (9*200 + 3*100)/12 = 175, ASA (9*10 + 3*30)/12 = 15.
        // 09:30: AHT from 09:45 alone = 150; ASA unknown because 09:45 did not report it.
        assert_eq!(
            csv_of(&table),
            "queue,interval_start,offered,handled,abandoned,aht_seconds,asa_seconds,answered_within_target\n\
             sales,2026-01-05T09:00:00+00:00,14,12,2,175,15,9\n\
             sales,2026-01-05T09:30:00+00:00,2,2,0,150,,2\n"
        );
        assert_eq!(summary.source_interval_minutes["in.csv"], 15);
        assert_eq!(summary.partial_intervals, 0);
        assert!(summary.gaps.is_empty());
    }

    #[test]
    fn gaps_are_reported_and_filled_as_asked() {
        let text =
            "queue,interval_start,offered\nq,2026-01-05T09:00:00Z,5\nq,2026-01-05T10:30:00Z,7\n";
        let (table, summary) = ingest(text, &IngestOptions::default()).unwrap();
        assert_eq!(table.records.len(), 4);
        assert_eq!(summary.gaps.len(), 1);
        assert_eq!(summary.gap_intervals(), 2);
        assert_eq!(table.records[1].offered, None);
        let zero = IngestOptions {
            fill: Fill::Zero,
            ..IngestOptions::default()
        };
        let (table, _) = ingest(text, &zero).unwrap();
        assert_eq!(table.records[1].offered, Some(0.0));
        assert_eq!(table.records[2].offered, Some(0.0));
    }

    #[test]
    fn fall_back_day_resolves_the_repeated_hour_by_order_of_appearance() {
        let mut text = String::from("queue,interval_start,offered\n");
        for (time, calls) in [
            ("00:30", 1),
            ("01:00", 2),
            ("01:30", 3),
            ("01:00", 4),
            ("01:30", 5),
            ("02:00", 6),
        ] {
            text.push_str(&format!("q,2026-10-25 {time},{calls}\n"));
        }
        let (table, summary) = ingest(&text, &london()).unwrap();
        let lines: Vec<String> = table
            .records
            .iter()
            .map(|r| {
                format!(
                    "{} {}",
                    format_timestamp(&r.interval_start),
                    r.offered.unwrap()
                )
            })
            .collect();
        assert_eq!(
            lines,
            [
                "2026-10-25T00:30:00+01:00 1",
                "2026-10-25T01:00:00+01:00 2",
                "2026-10-25T01:30:00+01:00 3",
                "2026-10-25T01:00:00+00:00 4",
                "2026-10-25T01:30:00+00:00 5",
                "2026-10-25T02:00:00+00:00 6",
            ]
        );
        assert!(summary.gaps.is_empty());
    }

    #[test]
    fn spring_forward_day_has_no_gap_and_rejects_the_skipped_hour() {
        let text = "queue,interval_start,offered\nq,2026-03-29 00:30,1\nq,2026-03-29 02:00,2\n";
        let (table, summary) = ingest(text, &london()).unwrap();
        assert_eq!(table.records.len(), 2);
        assert!(summary.gaps.is_empty());
        let bad = "queue,interval_start,offered\nq,2026-03-29 00:30,1\nq,2026-03-29 01:30,2\n";
        let message = ingest(bad, &london()).unwrap_err().to_string();
        assert_eq!(
            message,
            "in.csv: line 3, column \"interval_start\": found \"2026-03-29 01:30\"; expected a local time that exists in Europe/London: clocks spring forward over this time"
        );
    }

    #[test]
    fn call_records_give_service_level_and_speed_of_answer() {
        let text = "arrival,queue,wait_seconds,handle_seconds,outcome\n\
                    2026-01-05T09:01:00,q,5,100,answered\n\
                    2026-01-05T09:10:00,q,25,200,answered\n\
                    2026-01-05T09:20:00,q,40,,abandoned\n\
                    2026-01-05T09:29:59,q,20,300,answered\n\
                    2026-01-05T09:31:00,q,0,60,answered\n\
                    2026-01-05T09:40:00,q,3,,transfer\n";
        let options = IngestOptions {
            kind: SourceKind::Calls,
            ..IngestOptions::default()
        };
        let (table, summary) = ingest(text, &options).unwrap();
        assert_eq!(table.records.len(), 48);
        let at = |hour_minute: &str| {
            table
                .records
                .iter()
                .find(|r| format_timestamp(&r.interval_start).contains(hour_minute))
                .unwrap()
        };
        let nine = at("T09:00");
        assert_eq!(nine.offered, Some(4.0));
        assert_eq!(nine.handled, Some(3.0));
        assert_eq!(nine.abandoned, Some(1.0));
        assert_eq!(nine.aht_seconds, Some(200.0));
        assert_eq!(nine.asa_seconds, Some(50.0 / 3.0));
        // Waits of 5 s and 20 s are within 20 s; 25 s is not.
        assert_eq!(nine.answered_within_target, Some(2.0));
        let half_past = at("T09:30");
        assert_eq!(half_past.offered, Some(1.0));
        assert_eq!(half_past.asa_seconds, Some(0.0));
        let ten = at("T10:00");
        assert_eq!(ten.offered, Some(0.0));
        assert_eq!(ten.aht_seconds, None);
        assert_eq!(summary.skipped_outcomes["transfer"], 1);
    }

    #[test]
    fn validation_names_file_line_column_and_expectation() {
        let cases = [
            (
                "queue,interval_start,offered,handled\nq,2026-01-05T09:00:00Z,-3,0\n",
                "in.csv: line 2, column \"offered\": found \"-3\"; expected a non-negative count",
            ),
            (
                "queue,interval_start,offered,handled\nq,2026-01-05T09:00:00Z,3,4\n",
                "in.csv: line 2, column \"handled\": found \"4\"; expected at most the 3 offered calls of this interval",
            ),
            (
                "queue,interval_start,offered\nq,2026-01-05T09:00:00Z,3\nq,2026-01-05T09:07:00Z,3\n",
                "in.csv: line 3, column \"interval_start\": found \"2026-01-05T09:07:00Z\"; expected an interval start on a 30-minute boundary of the local clock (seconds 00)",
            ),
            (
                "queue,interval_start,offered\nq,yesterday,3\n",
                "in.csv: line 2, column \"interval_start\": found \"yesterday\"; expected an ISO 8601 timestamp such as 2026-03-29T00:30:00 or 2026-03-29T00:30:00+00:00",
            ),
            (
                "queue,interval_start,offered\nq,2026-01-05T09:00:00Z,3\nq,2026-01-05T09:00:00Z,4\n",
                "in.csv: line 3, column \"interval_start\": found \"2026-01-05T09:00:00Z\"; expected each queue and interval once, but queue q already has this interval at line 2",
            ),
            ("", "in.csv: the file is empty; expected a header line and data rows"),
            (
                "queue,interval_start,offered\n",
                "in.csv: the file has a header but no data rows; expected at least one row",
            ),
            (
                "queue,interval_start,offered\nq,2026-01-05T09:00:00Z\n",
                "in.csv: line 2: found 2 fields; expected 3 like the header (check the delimiter and quoting)",
            ),
        ];
        for (text, expected) in cases {
            let error = ingest(text, &IngestOptions::default()).unwrap_err();
            assert_eq!(error.to_string(), expected);
            assert_eq!(error.exit_code(), 2);
        }
    }

    #[test]
    fn mixed_interval_lengths_are_rejected() {
        let text = "queue,interval_start,offered\n\
                    q,2026-01-05T09:00:00Z,1\nq,2026-01-05T09:30:00Z,1\nq,2026-01-05T10:00:00Z,1\n\
                    q,2026-01-05T10:15:00Z,1\nq,2026-01-05T10:30:00Z,1\nq,2026-01-05T11:00:00Z,1\n";
        let message = ingest(text, &IngestOptions::default())
            .unwrap_err()
            .to_string();
        assert_eq!(
            message,
            "in.csv: line 5, column \"interval_start\": found \"2026-01-05T10:15:00Z\"; expected one interval length per file, but this row starts 15 minutes after line 4 while most rows are 30 minutes apart (mixed interval lengths)"
        );
    }

    #[test]
    fn non_utf8_bytes_are_located() {
        let mut bytes = b"queue,interval_start,offered\nq\xe9,2026-01-05T09:00:00Z,1\n".to_vec();
        bytes.truncate(bytes.len());
        let error = ingest_sources(
            &[Source::from_bytes("in.csv", bytes)],
            &IngestOptions::default(),
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "in.csv: line 2, byte 2 of the line: invalid UTF-8 byte 0xE9; expected UTF-8 text (re-export the file as UTF-8)"
        );
    }

    #[test]
    fn text_is_checked_across_the_chunks_it_is_read_in() {
        // 80,000 bytes of two-byte characters: one is cut by the first 64 KiB read.
        let name = "é".repeat(40_000);
        let text = format!("queue,interval_start,offered\n{name},2026-01-05T09:00:00Z,1\n");
        let (table, _) = ingest(&text, &IngestOptions::default()).unwrap();
        assert_eq!(table.records[0].queue, name);
        let with_tail = |tail: &[u8]| {
            let mut bytes = text.as_bytes().to_vec();
            bytes.extend_from_slice(tail);
            ingest_sources(
                &[Source::from_bytes("in.csv", bytes)],
                &IngestOptions::default(),
            )
            .unwrap_err()
            .to_string()
        };
        assert_eq!(
            with_tail(b"ab\xff,2026-01-05T09:30:00Z,1\n"),
            "in.csv: line 3, byte 3 of the line: invalid UTF-8 byte 0xFF; expected UTF-8 text (re-export the file as UTF-8)"
        );
        // A sequence cut off by the end of the file.
        assert_eq!(
            with_tail(b"x\xc3"),
            "in.csv: line 3, byte 2 of the line: invalid UTF-8 byte 0xC3; expected UTF-8 text (re-export the file as UTF-8)"
        );
        // Byte-order marks and white space only: empty.
        assert_eq!(
            ingest("\u{feff}\u{feff} \n\t\r\n", &IngestOptions::default())
                .unwrap_err()
                .to_string(),
            "in.csv: the file is empty; expected a header line and data rows"
        );
    }

    #[test]
    fn structural_problems_come_before_cell_values_wherever_they_are() {
        // A bad count on line 2, a short record on line 4: the record is reported,
        // as when the whole file was split before any cell was read.
        let text = "queue,interval_start,offered\nq,2026-01-05T09:00:00Z,x\nq,2026-01-05T09:30:00Z,1\nq,2026-01-05T10:00:00Z\n";
        assert_eq!(
            ingest(text, &IngestOptions::default()).unwrap_err().to_string(),
            "in.csv: line 4: found 2 fields; expected 3 like the header (check the delimiter and quoting)"
        );
        // Rows latest first: each interval sums its two rows.
        let mut rows = String::from("queue,interval_start,offered,handled,aht_seconds\n");
        for day in (1..=28).rev() {
            for (minute, aht) in [(45, 301), (30, 177), (15, 95), (0, 203)] {
                rows.push_str(&format!(
                    "q,2026-02-{day:02}T09:{minute:02}:00Z,3,3,{aht}\nr,2026-02-{day:02}T09:{minute:02}:00Z,1,1,\n"
                ));
            }
        }
        let (table, summary) = ingest(&rows, &IngestOptions::default()).unwrap();
        let q = table.records.iter().find(|r| r.queue == "q").unwrap();
        assert_eq!(q.offered, Some(6.0));
        // 09:00 holds 09:15 (95 s, read first) and 09:00 (203 s): (3*95 + 3*203) / 6.
        assert_eq!(q.aht_seconds, Some((3.0 * 95.0 + 3.0 * 203.0) / 6.0));
        assert_eq!(summary.source_interval_minutes["in.csv"], 15);
        assert_eq!(summary.partial_intervals, 0);
        assert_eq!(summary.queues, ["q", "r"]);
    }

    #[test]
    fn mapped_headers_semicolons_and_clock_durations() {
        let text = "Skill;Start;Calls Offered;Calls Handled;Abandons;Avg Handle\n\
                    A;2026-01-05 09:00;10;8;2;0:03:00\n\
                    B;2026-01-05 09:00;4;4;0;2:30\n";
        let options = IngestOptions {
            columns: parse_column_map(
                "queue=Skill,interval_start=Start,offered=\"Calls Offered\",handled=Calls Handled,abandoned=Abandons,aht_seconds=Avg Handle",
            )
            .unwrap(),
            ..IngestOptions::default()
        };
        let (table, _) = ingest(text, &options).unwrap();
        assert_eq!(
            csv_of(&table),
            "queue,interval_start,offered,handled,abandoned,aht_seconds,asa_seconds,answered_within_target\n\
             A,2026-01-05T09:00:00+00:00,10,8,2,180,,\n\
             B,2026-01-05T09:00:00+00:00,4,4,0,150,,\n"
        );
    }

    #[test]
    fn duplicate_intervals_across_files_name_both_places() {
        let a = source(
            "a.csv",
            "queue,interval_start,offered\nq,2026-01-05T09:00:00Z,1\n",
        );
        let b = source(
            "b.csv",
            "queue,interval_start,offered\nq,2026-01-05T09:00:00Z,2\n",
        );
        let error = ingest_sources(&[a, b], &IngestOptions::default()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "b.csv: line 2, column \"interval_start\": found \"2026-01-05T09:00:00Z\"; expected each queue and interval once, but queue q already has this interval at a.csv:2"
        );
    }

    #[test]
    fn a_parquet_history_reads_back_as_the_table_it_was_written_from() {
        let text = "queue,interval_start,offered,handled,aht_seconds\n\
                    b,2026-10-25 00:30,3,3,200\nb,2026-10-25 01:00,4,4,\n\
                    a,2026-10-25 01:00,1,1,100\na,2026-10-25 01:30,2,1,90\n\
                    a,2026-10-25 01:00,5,5,80\n";
        let (table, _) = ingest(text, &london()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        // Known by its first bytes, whatever its name.
        let path = dir.path().join("history.dat");
        crate::interval::write_parquet_file(&table, &path).unwrap();
        assert!(is_parquet(&path));
        assert_eq!(
            read_history(std::slice::from_ref(&path), &london()).unwrap(),
            table
        );
        let csv = dir.path().join("history.csv");
        table.write_csv_file(&csv).unwrap();
        assert!(!is_parquet(&csv));
        assert_eq!(
            read_history(std::slice::from_ref(&csv), &london()).unwrap(),
            table
        );
        let both = read_history(&[csv, path], &london())
            .unwrap_err()
            .to_string();
        assert!(both.contains("expected one Parquet table or delimited exports only"));
    }
}
