//! `wfm ingest` of a large canonical CSV history: the sample's two queues renamed 25
//! times (50 queues × 2 years of half-hours, 1.82 million rows, 83 MB), read a row at a
//! time and written queue by queue as `wfm ingest FILE --tz Europe/London -o OUT` does.
//! Run with `cargo bench --bench ingest`; the figures (and the peak memory of the
//! command, measured with `/usr/bin/time -v`) are recorded in docs/benchmarks.md.

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};

use wfm::ingest::{read_ingest, IngestOptions};
use wfm::interval::CsvTableWriter;

/// `cargo bench` passes `--bench`. Under `cargo test --all-targets` criterion runs each
/// benchmark once as a smoke test, where 50 queues would only slow the suite, so it
/// then reads the sample's two queues once.
fn measuring() -> bool {
    let args: Vec<String> = std::env::args().collect();
    args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--test")
}

/// Writes the sample history with its queues renamed `copies` times (`sales` becomes
/// `sales_01`, `sales_02`, ...), every copy's rows after the previous one's.
fn many_queue_history(dir: &Path, copies: usize) -> PathBuf {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample/history.csv");
    let text = std::fs::read_to_string(sample).unwrap();
    let mut lines = text.lines();
    let mut out = String::with_capacity(text.len() * copies + 1024);
    out.push_str(lines.next().unwrap());
    out.push('\n');
    let rows: Vec<&str> = lines.collect();
    for copy in 1..=copies {
        for row in &rows {
            let (queue, rest) = row.split_once(',').unwrap();
            out.push_str(&format!("{queue}_{copy:02},{rest}\n"));
        }
    }
    let path = dir.join("history.csv");
    std::fs::write(&path, out).unwrap();
    path
}

/// What `wfm ingest FILE --tz Europe/London -o OUT` does after its zone check.
fn ingest_command(history: &Path, output: &Path) -> usize {
    let options = IngestOptions {
        time_zone: chrono_tz::Europe::London,
        ..IngestOptions::default()
    };
    let ingest = read_ingest(&[history.to_path_buf()], &options).unwrap();
    let mut file = std::io::BufWriter::new(std::fs::File::create(output).unwrap());
    let mut writer = CsvTableWriter::new(&mut file).unwrap();
    let summary = ingest
        .for_each_queue(|records| writer.write(&records))
        .unwrap();
    writer.finish().unwrap();
    summary.intervals_written
}

fn ingest_benchmarks(c: &mut Criterion) {
    let copies = if measuring() { 25 } else { 1 };
    let dir = tempfile::tempdir().unwrap();
    let history = many_queue_history(dir.path(), copies);
    let output = dir.path().join("canonical.csv");
    assert_eq!(ingest_command(&history, &output), 72_960 * copies);
    let mut group = c.benchmark_group("ingest");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(30));
    group.bench_function("csv_history_50_queues_2_years", |b| {
        b.iter(|| ingest_command(&history, &output))
    });
    group.finish();
}

criterion_group!(benches, ingest_benchmarks);
criterion_main!(benches);
