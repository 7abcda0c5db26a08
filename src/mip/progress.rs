//! Live solver progress: HiGHS writes its branch-and-bound log to a file, a watcher
//! thread reads the newest table row (elapsed time, incumbent, bound, gap) and hands a
//! one-line summary to the caller, who shows it on a terminal.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Progress callback: receives a one-line summary such as
/// `12.3 s  incumbent 1520.5  bound 1511.2  gap 0.61%`.
pub type ProgressFn<'a> = &'a (dyn Fn(&str) + Sync);

/// Runs `solve` (a solver writing its log to `log_path`) while a watcher thread
/// follows the log.
pub fn while_watching<T>(log_path: &Path, show: ProgressFn, solve: impl FnOnce() -> T) -> T {
    let done = AtomicBool::new(false);
    std::thread::scope(|scope| {
        scope.spawn(|| watch_log(log_path, &done, show));
        let solved = solve();
        done.store(true, Ordering::Relaxed);
        solved
    })
}

fn watch_log(path: &Path, done: &AtomicBool, show: ProgressFn) {
    let mut offset = 0u64;
    let mut pending = String::new();
    while !done.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(200));
        let Ok(mut file) = std::fs::File::open(path) else {
            continue;
        };
        if file.seek(SeekFrom::Start(offset)).is_err() {
            continue;
        }
        let mut fresh = String::new();
        if let Ok(read) = file.read_to_string(&mut fresh) {
            offset += read as u64;
        }
        pending.push_str(&fresh);
        let Some(last_newline) = pending.rfind('\n') else {
            continue;
        };
        let complete: String = pending.drain(..=last_newline).collect();
        if let Some(summary) = complete.lines().rev().find_map(summarise_log_row) {
            show(&summary);
        }
    }
}

/// Reads one row of the HiGHS MIP table, whose last columns are
/// `BestBound BestSol Gap | Cuts InLp Confl. | LpIters Time`.
pub fn summarise_log_row(line: &str) -> Option<String> {
    let tokens: Vec<&str> = line.split_whitespace().collect();
    if tokens.len() < 9 {
        return None;
    }
    let at = |from_end: usize| tokens[tokens.len() - from_end];
    let time = at(1).strip_suffix('s')?;
    time.parse::<f64>().ok()?;
    let gap = at(6);
    if !(gap.ends_with('%') || gap == "inf") {
        return None;
    }
    let incumbent = at(7);
    let bound = at(8);
    bound.parse::<f64>().ok()?;
    Some(format!(
        "{time} s  incumbent {incumbent}  bound {bound}  gap {gap}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_branch_and_bound_table() {
        let row = " T       0       0         0   0.00%   1511.25         1520.5             0.61%       12     10      0       845     3.2s";
        assert_eq!(
            summarise_log_row(row).as_deref(),
            Some("3.2 s  incumbent 1520.5  bound 1511.25  gap 0.61%")
        );
        assert_eq!(summarise_log_row("Solving MIP model with:"), None);
        assert_eq!(
            summarise_log_row("Src  Proc. InQueue |  Leaves   Expl. | BestBound       BestSol              Gap |   Cuts   InLp Confl. | LpIters     Time"),
            None
        );
    }
}
