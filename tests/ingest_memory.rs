//! `wfm ingest` reads a large multi-queue history a row at a time: under an
//! address-space cap that a reader holding every row exceeds, a year of 15-minute
//! rows for 16 queues is ingested, in queue blocks and with its rows out of order,
//! into the same table, and that table holds the sums computed here from the rows.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

/// Address-space cap (`prlimit --as`), bytes. The debug binary maps about 190 MB
/// before reading anything; the row-at-a-time reader ingests this history (23 MB)
/// within 240 MB, the reader that held every row (before the change) needed 460 MB.
const ADDRESS_SPACE: u64 = 340 << 20;
const TIME_LIMIT: Duration = Duration::from_secs(120);

const QUEUES: u32 = 16;
const DAYS: u32 = 365;
/// 15-minute source intervals per day.
const SLOTS: u32 = 96;

/// The measures of queue `queue`, day `day`, slot `slot`: offered, handled,
/// abandoned calls and the handle time in seconds.
fn measures(queue: u32, day: u32, slot: u32) -> (u64, u64, u64, u64) {
    let offered = u64::from((queue * 7 + slot * 13 + day * 3) % 50);
    let abandoned = if offered >= 4 {
        u64::from((queue + slot + day) % 4)
    } else {
        0
    };
    let aht = u64::from(100 + (slot * 17 + queue * 5 + day) % 400);
    (offered, offered - abandoned, abandoned, aht)
}

fn row(queue: u32, day: u32, slot: u32) -> String {
    let start = chrono::NaiveDate::from_ymd_opt(2025, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        + chrono::Duration::days(i64::from(day))
        + chrono::Duration::minutes(i64::from(slot) * 15);
    let (offered, handled, abandoned, aht) = measures(queue, day, slot);
    format!(
        "q{queue:02},{}+00:00,{offered},{handled},{abandoned},{aht}\n",
        start.format("%Y-%m-%dT%H:%M:%S")
    )
}

const HEADER: &str = "queue,interval_start,offered,handled,abandoned,aht_seconds\n";

/// Queue after queue, each in time order (as exports list them).
fn in_blocks() -> String {
    let mut text = String::from(HEADER);
    for queue in 1..=QUEUES {
        for day in 0..DAYS {
            for slot in 0..SLOTS {
                text.push_str(&row(queue, day, slot));
            }
        }
    }
    text
}

/// Day after day, the queues interleaved, each day's rows latest first.
fn out_of_order() -> String {
    let mut text = String::from(HEADER);
    for day in 0..DAYS {
        for queue in 1..=QUEUES {
            for slot in (0..SLOTS).rev() {
                text.push_str(&row(queue, day, slot));
            }
        }
    }
    text
}

/// `wfm ingest INPUT -o OUTPUT` under the address-space cap; the output's text.
fn ingest_capped(dir: &Path, input: &str, output: &str) -> String {
    let mut command = if Path::new("/usr/bin/prlimit").exists() {
        let mut command = assert_cmd::Command::new("/usr/bin/prlimit");
        command
            .arg(format!("--as={ADDRESS_SPACE}"))
            .arg("--")
            .arg(env!("CARGO_BIN_EXE_wfm"));
        command
    } else {
        assert_cmd::Command::new(env!("CARGO_BIN_EXE_wfm"))
    };
    let run = command
        .args([
            "ingest",
            input,
            "--tz",
            "UTC",
            "--interval",
            "30m",
            "-o",
            output,
        ])
        .current_dir(dir)
        .env_remove("RUST_LOG")
        .timeout(TIME_LIMIT)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{input}: {:?}\n{}",
        run.status,
        String::from_utf8_lossy(&run.stderr)
    );
    std::fs::read_to_string(dir.join(output)).unwrap()
}

/// Per queue and 30-minute interval (day, half-hour): offered, handled, abandoned
/// calls and handle seconds, summed from the rows.
type Sums = BTreeMap<(String, u32, u32), (u64, u64, u64, u64)>;

fn expected_sums() -> Sums {
    let mut sums = Sums::new();
    for queue in 1..=QUEUES {
        for day in 0..DAYS {
            for slot in 0..SLOTS {
                let (offered, handled, abandoned, aht) = measures(queue, day, slot);
                let sum = sums
                    .entry((format!("q{queue:02}"), day, slot / 2))
                    .or_default();
                sum.0 += offered;
                sum.1 += handled;
                sum.2 += abandoned;
                sum.3 += aht * handled;
            }
        }
    }
    sums
}

/// Checks every output row against the sums, in order, with nothing missing.
fn check_against_sums(table: &str, sums: &Sums) {
    let mut lines = table.lines();
    assert_eq!(
        lines.next(),
        Some("queue,interval_start,offered,handled,abandoned,aht_seconds,asa_seconds,answered_within_target")
    );
    let first = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    let mut rows = 0;
    for ((queue, day, half_hour), (offered, handled, abandoned, seconds)) in sums {
        let line = lines.next().expect("a row per queue and interval");
        let cells: Vec<&str> = line.split(',').collect();
        let start = format!(
            "{}T{:02}:{:02}:00+00:00",
            first + chrono::Duration::days(i64::from(*day)),
            half_hour / 2,
            half_hour % 2 * 30
        );
        assert_eq!(
            &cells[..5],
            [
                queue.as_str(),
                &start,
                &offered.to_string(),
                &handled.to_string(),
                &abandoned.to_string()
            ],
            "{line}"
        );
        if *handled == 0 {
            assert_eq!(cells[5], "", "{line}");
        } else {
            let aht: f64 = cells[5].parse().unwrap();
            let expected = *seconds as f64 / *handled as f64;
            // Written with 3 decimals.
            assert!(
                (aht - expected).abs() <= 5e-4 + 1e-9,
                "{line}: AHT {expected}"
            );
        }
        assert_eq!(&cells[6..], ["", ""], "{line}");
        rows += 1;
    }
    assert_eq!(lines.next(), None);
    assert_eq!(rows, (QUEUES * DAYS * SLOTS / 2) as usize);
}

#[test]
fn a_large_multi_queue_history_is_read_under_a_memory_cap_in_any_row_order() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("blocks.csv"), in_blocks()).unwrap();
    std::fs::write(dir.path().join("shuffled.csv"), out_of_order()).unwrap();
    let from_blocks = ingest_capped(dir.path(), "blocks.csv", "from_blocks.csv");
    let from_shuffled = ingest_capped(dir.path(), "shuffled.csv", "from_shuffled.csv");
    // Two rows per interval: their sums are the same in either order.
    assert!(
        from_blocks == from_shuffled,
        "the row order changed the table"
    );
    check_against_sums(&from_blocks, &expected_sums());
}
