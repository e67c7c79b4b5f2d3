//! A recorded concurrent history: every operation with its thread, call, result and the
//! monotonic instants at which it was invoked and returned. Checkers and witnesses share it.

use std::fmt::{self, Debug, Write as _};

/// One completed operation of a concurrent history. Times are nanoseconds since a common
/// monotonic epoch (`std::time::Instant`), taken just before the call and just after it
/// returned, so the real effect lies inside `[invoke_ns, return_ns]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Op<C, O> {
    pub thread: usize,
    pub call: C,
    pub outcome: O,
    pub invoke_ns: u64,
    pub return_ns: u64,
}

impl<C, O> Op<C, O> {
    /// Whether `self` returned strictly before `other` was invoked (real-time order).
    pub fn precedes(&self, other: &Op<C, O>) -> bool {
        self.return_ns < other.invoke_ns
    }
}

/// A per-thread timeline of a (small) history: one row per call/return event in time order,
/// one column per thread. Used to print non-linearizability witnesses.
pub struct Timeline<'a, C, O> {
    pub ops: &'a [Op<C, O>],
}

impl<C: Debug, O: Debug> fmt::Display for Timeline<'_, C, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut threads: Vec<usize> = self.ops.iter().map(|o| o.thread).collect();
        threads.sort_unstable();
        threads.dedup();
        let epoch = self.ops.iter().map(|o| o.invoke_ns).min().unwrap_or(0);
        // (time, is_return, op index): calls sort before returns at equal instants, matching
        // the checker's tie rule (equal instants count as overlapping).
        let mut events: Vec<(u64, bool, usize)> = Vec::with_capacity(self.ops.len() * 2);
        for (i, o) in self.ops.iter().enumerate() {
            events.push((o.invoke_ns, false, i));
            events.push((o.return_ns, true, i));
        }
        events.sort_unstable();
        const W: usize = 44;
        let mut header = format!("{:>11} ", "t (us)");
        for t in &threads {
            let _ = write!(header, "| {:<W$}", format!("thread {t}"));
        }
        writeln!(f, "{}", header.trim_end())?;
        for (time, is_ret, i) in events {
            let op = &self.ops[i];
            let col = threads.iter().position(|t| *t == op.thread).unwrap_or(0);
            let text = if is_ret {
                format!("#{i} -> {:?}", op.outcome)
            } else {
                format!("#{i} {:?}", op.call)
            };
            let mut line = format!("{:>11.3} ", (time - epoch) as f64 / 1000.0);
            for c in 0..threads.len() {
                let cell = if c == col {
                    clip(&text, W)
                } else {
                    String::new()
                };
                let _ = write!(line, "| {cell:<W$}");
            }
            writeln!(f, "{}", line.trim_end())?;
        }
        Ok(())
    }
}

fn clip(s: &str, w: usize) -> String {
    if s.chars().count() <= w {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(w.saturating_sub(3)).collect();
        out.push_str("...");
        out
    }
}
