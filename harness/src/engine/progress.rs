//! Progress output of a long run: an indicatif bar with an ETA on a terminal, plain lines
//! (at most one every few seconds) otherwise, nothing when quiet.

use super::explore::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Progress reporter on stderr for `total` raw sequences.
pub struct StderrProgress {
    total: u64,
    done: AtomicU64,
    start: Instant,
    /// Milliseconds since `start` of the last plain line.
    last_line: AtomicU64,
    bar: Option<ProgressBar>,
}

/// Seconds between plain progress lines.
const PLAIN_EVERY_MS: u64 = 5_000;

impl StderrProgress {
    /// A bar if stderr is a terminal, plain lines otherwise.
    pub fn new(total: u64) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let b = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template(
                "{elapsed_precise} [{bar:40}] {human_pos}/{human_len} sequences ({percent}%) ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
            b.set_style(style);
            b
        });
        StderrProgress {
            total,
            done: AtomicU64::new(0),
            start: Instant::now(),
            last_line: AtomicU64::new(0),
            bar,
        }
    }

    /// Removes the bar (call before printing the summary).
    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

impl Progress for StderrProgress {
    fn covered(&self, n: u64) {
        let done = self.done.fetch_add(n, Ordering::Relaxed) + n;
        if let Some(b) = &self.bar {
            b.inc(n);
            return;
        }
        let now = self.start.elapsed().as_millis() as u64;
        let last = self.last_line.load(Ordering::Relaxed);
        if now < last + PLAIN_EVERY_MS
            || self
                .last_line
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_err()
        {
            return;
        }
        let frac = if self.total > 0 {
            done as f64 / self.total as f64
        } else {
            1.0
        };
        let secs = now as f64 / 1000.0;
        let eta = if frac > 0.0 { secs / frac - secs } else { 0.0 };
        eprintln!(
            "progress: {done}/{} sequences ({:.1}%), {secs:.0} s elapsed, ETA {eta:.0} s",
            self.total,
            frac * 100.0
        );
    }
}
