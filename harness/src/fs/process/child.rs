//! One child process speaking the protocol: spawning it (killed when the harness dies, on
//! every exit path), writing request lines, reading response lines with a timeout, and keeping
//! the last lines of its stderr for error messages. Nothing here parses responses.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How many stderr lines an error message quotes.
const STDERR_TAIL: usize = 12;
/// The longest response line accepted (an observation of a large tree fits many times over).
const MAX_LINE: u64 = 256 * 1024 * 1024;

/// Why talking to the child failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChildFailure {
    /// It could not be started.
    Spawn(String),
    /// It did not answer within the timeout (it has been killed).
    Timeout(Duration),
    /// It exited or closed its stdout (with its exit status, if known).
    Exited(Option<i32>),
    /// Writing to it failed (it is gone).
    Write(String),
    /// It wrote a line that is not UTF-8 or is too long.
    Garbled(String),
}

impl std::fmt::Display for ChildFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChildFailure::Spawn(e) => write!(f, "cannot start: {e}"),
            ChildFailure::Timeout(d) => write!(f, "no answer within {d:?} (killed)"),
            ChildFailure::Exited(Some(c)) => write!(f, "exited with status {c}"),
            ChildFailure::Exited(None) => write!(f, "exited (killed by a signal)"),
            ChildFailure::Write(e) => write!(f, "cannot write to it: {e}"),
            ChildFailure::Garbled(e) => write!(f, "unreadable output: {e}"),
        }
    }
}

/// A running child. Dropping it kills it.
pub struct Child {
    proc: std::process::Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<Result<String, String>>,
    stderr: Arc<Mutex<VecDeque<String>>>,
    /// The command line, for messages.
    pub command: String,
}

impl std::fmt::Debug for Child {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Child")
            .field("pid", &self.proc.id())
            .field("command", &self.command)
            .finish()
    }
}

impl Child {
    /// Starts `program args` with piped stdin, stdout and stderr. On Linux the child is also
    /// told to die with the thread that started it (`PR_SET_PDEATHSIG`), so no exit of the
    /// harness (panic, signal, Ctrl-C) can leave it behind.
    pub fn spawn(program: &str, args: &[String]) -> Result<Child, ChildFailure> {
        let command = std::iter::once(program.to_string())
            .chain(args.iter().cloned())
            .collect::<Vec<_>>()
            .join(" ");
        let mut cmd = Command::new(program);
        cmd.args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        die_with_parent(&mut cmd);
        let mut proc = cmd
            .spawn()
            .map_err(|e| ChildFailure::Spawn(format!("{command}: {e}")))?;
        let (Some(stdin), Some(stdout), Some(stderr)) =
            (proc.stdin.take(), proc.stdout.take(), proc.stderr.take())
        else {
            let _ = proc.kill();
            let _ = proc.wait();
            return Err(ChildFailure::Spawn(format!("{command}: no pipes")));
        };
        // A bounded channel: the reader blocks (and so does the child, on its stdout) when the
        // harness falls behind by more than this many lines.
        let (tx, lines) = sync_channel(1024);
        let spawned = std::thread::Builder::new()
            .name("subject-stdout".into())
            .spawn(move || {
                let mut r = BufReader::new(stdout);
                loop {
                    let mut buf = Vec::new();
                    match (&mut r).take(MAX_LINE).read_until(b'\n', &mut buf) {
                        Ok(0) => return,
                        Ok(_) => {
                            if buf.last() != Some(&b'\n') && buf.len() as u64 >= MAX_LINE {
                                let _ =
                                    tx.send(Err(format!("a line longer than {MAX_LINE} bytes")));
                                return;
                            }
                            let line = String::from_utf8(buf)
                                .map_err(|e| format!("a line that is not UTF-8 ({e})"));
                            if tx.send(line).is_err() {
                                return;
                            }
                        }
                        Err(e) => {
                            let _ = tx.send(Err(format!("reading stdout: {e}")));
                            return;
                        }
                    }
                }
            });
        let tail = Arc::new(Mutex::new(VecDeque::new()));
        let tail2 = Arc::clone(&tail);
        let spawned_err = std::thread::Builder::new()
            .name("subject-stderr".into())
            .spawn(move || {
                for line in BufReader::new(stderr).lines() {
                    let Ok(line) = line else { return };
                    if let Ok(mut t) = tail2.lock() {
                        if t.len() == STDERR_TAIL {
                            t.pop_front();
                        }
                        t.push_back(line);
                    }
                }
            });
        if let Err(e) = spawned.and(spawned_err) {
            let _ = proc.kill();
            let _ = proc.wait();
            return Err(ChildFailure::Spawn(format!(
                "{command}: cannot start a reader thread: {e}"
            )));
        }
        Ok(Child {
            proc,
            stdin: Some(stdin),
            lines,
            stderr: tail,
            command,
        })
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.proc.id()
    }

    /// Writes one line (a newline is added) and flushes.
    pub fn send(&mut self, line: &str) -> Result<(), ChildFailure> {
        let Some(stdin) = self.stdin.as_mut() else {
            return Err(ChildFailure::Write("stdin is closed".into()));
        };
        stdin
            .write_all(line.as_bytes())
            .and_then(|()| stdin.write_all(b"\n"))
            .and_then(|()| stdin.flush())
            .map_err(|e| ChildFailure::Write(e.to_string()))
    }

    /// The next line the child writes, within `timeout`. A child that does not answer in time
    /// is killed.
    pub fn recv(&mut self, timeout: Duration) -> Result<String, ChildFailure> {
        match self.lines.recv_timeout(timeout) {
            Ok(Ok(line)) => Ok(line),
            Ok(Err(e)) => {
                self.kill();
                Err(ChildFailure::Garbled(e))
            }
            Err(RecvTimeoutError::Timeout) => {
                self.kill();
                Err(ChildFailure::Timeout(timeout))
            }
            Err(RecvTimeoutError::Disconnected) => Err(ChildFailure::Exited(self.exit_status())),
        }
    }

    /// The child's last stderr lines, joined (empty if it wrote none).
    pub fn stderr_tail(&self) -> String {
        // The stderr reader may still be catching up with what the child wrote before dying.
        std::thread::sleep(Duration::from_millis(20));
        self.stderr
            .lock()
            .map(|t| t.iter().cloned().collect::<Vec<_>>().join("\n"))
            .unwrap_or_default()
    }

    /// Waits a moment for the child to exit and returns its status code.
    fn exit_status(&mut self) -> Option<i32> {
        for _ in 0..50 {
            if let Ok(Some(s)) = self.proc.try_wait() {
                return s.code();
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        self.kill();
        None
    }

    /// Whether the child is still running (not killed, not exited).
    pub fn is_alive(&mut self) -> bool {
        self.stdin.is_some() && matches!(self.proc.try_wait(), Ok(None))
    }

    /// Kills the child and reaps it.
    pub fn kill(&mut self) {
        self.stdin = None;
        let _ = self.proc.kill();
        let _ = self.proc.wait();
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        self.kill();
    }
}

#[cfg(target_os = "linux")]
fn die_with_parent(cmd: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: the closure runs in the forked child before exec and only makes one prctl(2)
    // call, which is async-signal-safe and touches no memory the parent shares.
    unsafe {
        cmd.pre_exec(|| {
            rustix::process::set_parent_process_death_signal(Some(rustix::process::Signal::KILL))
                .map_err(std::io::Error::from)
        });
    }
}

#[cfg(not(target_os = "linux"))]
fn die_with_parent(_cmd: &mut Command) {}
