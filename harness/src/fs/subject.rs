//! The subject under test: the one interface through which every command (explore, replay,
//! scenario) chooses which implementation it checks against the model and the naive oracle.
//! A new kind of subject is a new [`Subject`] variant with its [`SubjectDriver`] arm here; the
//! engine and the commands do not change.

use crate::engine::run::Parties;
use crate::engine::system::{Driver, DriverError};
use crate::fs::call::{Call, CallOutcome};
use crate::fs::compare::{Comparison, Reported, Timestamps};
use crate::fs::config::FsConfig;
use crate::fs::drivers::core::CoreDriver;
use crate::fs::drivers::oracle::OracleDriver;
use crate::fs::observation::Observation;
use crate::fs::process::{ClockMode, ProcessDriver, ProcessSpec, START_TIMEOUT};
use crate::fs::spec::SpecErrors;
use crate::fs::system::FsSystem;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

/// Which implementation is under test.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Subject {
    /// memfs-core, in process.
    #[default]
    Core,
    /// The published Python D-MemFS 0.4.1, through `adapters/dmemfs/` (installed by
    /// `adapters/dmemfs/install` into its own virtual environment).
    Dmemfs,
    /// Any adapter speaking the protocol: the program and its arguments.
    Process(Vec<String>),
}

/// A `--subject` value that names no subject.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown subject `{0}`; choose `core`, `dmemfs` or `process:CMD ARGS` (an adapter speaking adapters/PROTOCOL.md)"
)]
pub struct UnknownSubject(pub String);

impl FromStr for Subject {
    type Err = UnknownSubject;

    fn from_str(s: &str) -> Result<Subject, UnknownSubject> {
        match s {
            "core" => Ok(Subject::Core),
            "dmemfs" => Ok(Subject::Dmemfs),
            _ => match s.strip_prefix("process:").and_then(shlex::split) {
                Some(words) if !words.is_empty() => Ok(Subject::Process(words)),
                _ => Err(UnknownSubject(s.to_string())),
            },
        }
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Core => f.write_str("core"),
            Subject::Dmemfs => f.write_str("dmemfs"),
            Subject::Process(words) => write!(f, "process:{}", words.join(" ")),
        }
    }
}

/// How a subject's driver is built beyond the filesystem configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DriverOptions {
    /// Error outcomes carry the subject's messages (scenarios check them; the explorer does
    /// not read them and should not pay for them). A process subject always sends them.
    pub messages: bool,
    /// A process subject's per-request timeout.
    pub timeout: Duration,
    /// Whether a process subject's clock is set per call (if it can be).
    pub clock: ClockMode,
    /// Whether a process subject sends its observation with every call's answer (when it can):
    /// what the explorer wants, and a waste for scenarios that never compare observations.
    pub observe_calls: bool,
}

impl Default for DriverOptions {
    fn default() -> Self {
        DriverOptions {
            messages: false,
            timeout: Duration::from_secs(10),
            clock: ClockMode::Settable,
            observe_calls: true,
        }
    }
}

/// Where `adapters/` is: under the working directory when run from the project root, else
/// beside the harness crate this binary was built from.
fn adapters_dir() -> PathBuf {
    let here = PathBuf::from("adapters");
    if here.is_dir() {
        return here;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../adapters")
}

/// How to start a process subject: program, arguments, and its name in messages.
struct Command {
    program: String,
    args: Vec<String>,
    name: String,
}

impl Subject {
    /// The command of a process subject (`None` for the in-process core).
    fn command(&self) -> Result<Option<Command>, DriverError> {
        match self {
            Subject::Core => Ok(None),
            Subject::Dmemfs => {
                let dir = adapters_dir().join("dmemfs");
                let python = dir.join(".venv/bin/python");
                if !python.is_file() {
                    return Err(DriverError::new(
                        "dmemfs",
                        format!(
                            "D-MemFS is not installed: run {} (it creates {} with D-MemFS 0.4.1)",
                            dir.join("install").display(),
                            dir.join(".venv").display()
                        ),
                    ));
                }
                Ok(Some(Command {
                    program: python.display().to_string(),
                    args: vec![dir.join("adapter.py").display().to_string()],
                    name: "dmemfs".into(),
                }))
            }
            Subject::Process(words) => {
                let (program, args) = words
                    .split_first()
                    .ok_or_else(|| DriverError::new("process", "`process:` needs a command"))?;
                let name = Path::new(args.last().unwrap_or(program))
                    .file_stem()
                    .map_or_else(|| program.clone(), |s| s.to_string_lossy().into_owned());
                Ok(Some(Command {
                    program: program.clone(),
                    args: args.to_vec(),
                    name,
                }))
            }
        }
    }

    /// A fresh driver of this subject, built with `cfg`.
    pub fn driver(
        &self,
        cfg: &FsConfig,
        opts: DriverOptions,
    ) -> Result<SubjectDriver, DriverError> {
        match self.command()? {
            None => Ok(SubjectDriver::Core(
                CoreDriver::new(cfg.clone())?.with_messages(opts.messages),
            )),
            Some(c) => Ok(SubjectDriver::Process(ProcessDriver::start(ProcessSpec {
                name: c.name,
                program: c.program,
                args: c.args,
                config: cfg.clone(),
                timeout: opts.timeout,
                start_timeout: opts.timeout.max(START_TIMEOUT),
                clock: opts.clock,
                observe_calls: opts.observe_calls,
            })?)),
        }
    }
}

/// The driver of whichever subject was chosen.
#[derive(Debug)]
pub enum SubjectDriver {
    Core(CoreDriver),
    Process(ProcessDriver),
}

impl Driver for SubjectDriver {
    type Step = Call;
    type Outcome = CallOutcome;
    type Obs = Observation;

    fn name(&self) -> &str {
        match self {
            SubjectDriver::Core(d) => d.name(),
            SubjectDriver::Process(d) => d.name(),
        }
    }
    fn reset(&mut self) -> Result<(), DriverError> {
        match self {
            SubjectDriver::Core(d) => d.reset(),
            SubjectDriver::Process(d) => d.reset(),
        }
    }
    fn set_time(&mut self, t: u64) {
        match self {
            SubjectDriver::Core(d) => d.set_time(t),
            SubjectDriver::Process(d) => d.set_time(t),
        }
    }
    fn apply(&mut self, step: &Call) -> Result<CallOutcome, DriverError> {
        match self {
            SubjectDriver::Core(d) => d.apply(step),
            SubjectDriver::Process(d) => d.apply(step),
        }
    }
    fn observe(&self) -> Result<Observation, DriverError> {
        match self {
            SubjectDriver::Core(d) => d.observe(),
            SubjectDriver::Process(d) => d.observe(),
        }
    }
    fn fingerprint(&self) -> Result<u64, DriverError> {
        match self {
            SubjectDriver::Core(d) => d.fingerprint(),
            SubjectDriver::Process(d) => d.fingerprint(),
        }
    }
    fn observation_digest(&self) -> Option<u64> {
        match self {
            SubjectDriver::Core(d) => d.observation_digest(),
            SubjectDriver::Process(d) => d.observation_digest(),
        }
    }
    fn same_state_as(&self, earlier: &Self) -> Option<bool> {
        match (self, earlier) {
            (SubjectDriver::Core(d), SubjectDriver::Core(e)) => d.same_state_as(e),
            (SubjectDriver::Process(d), SubjectDriver::Process(e)) => d.same_state_as(e),
            _ => None,
        }
    }
    fn sees_internal_state(&self) -> bool {
        match self {
            SubjectDriver::Core(d) => d.sees_internal_state(),
            SubjectDriver::Process(d) => d.sees_internal_state(),
        }
    }
    fn fork(&self) -> Result<Self, DriverError> {
        match self {
            SubjectDriver::Core(d) => d.fork().map(SubjectDriver::Core),
            SubjectDriver::Process(d) => d.fork().map(SubjectDriver::Process),
        }
    }
}

/// Loading a spec and building its drivers failed.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The spec is malformed (every error with its `file:line:col`).
    #[error("{0}")]
    Spec(#[from] SpecErrors),
    /// The subject or the oracle could not be built.
    #[error("{0}")]
    Driver(#[from] DriverError),
}

/// A loaded spec with the chosen subject's driver and the oracle, both in their initial state.
#[derive(Debug)]
pub struct FsRun {
    pub system: FsSystem,
    pub subject: SubjectDriver,
    pub reference: OracleDriver,
    /// What this run compares differently from a run on the core, and why (the subject's
    /// handshake decides): printed with the summary and kept in the run result.
    pub notes: Vec<String>,
}

impl FsRun {
    /// Loads the specs of `dir` and builds `subject` (with default options) and the oracle
    /// with their configuration.
    pub fn load(dir: &Path, subject: &Subject) -> Result<FsRun, LoadError> {
        Self::load_with(dir, subject, DriverOptions::default())
    }

    /// [`FsRun::load`] with the subject's driver options.
    pub fn load_with(
        dir: &Path,
        subject: &Subject,
        opts: DriverOptions,
    ) -> Result<FsRun, LoadError> {
        Self::load_walk(dir, subject, opts, false)
    }

    /// [`FsRun::load_with`]; with `walk`, the system's alphabet is the spec's `walk:` one.
    pub fn load_walk(
        dir: &Path,
        subject: &Subject,
        opts: DriverOptions,
        walk: bool,
    ) -> Result<FsRun, LoadError> {
        let mut system = FsSystem::load_walk(dir, walk)?;
        let cfg = system.fs_config();
        let subject = subject.driver(&cfg, opts)?;
        let mut notes = Vec::new();
        if let SubjectDriver::Process(d) = &subject {
            let h = d.hello();
            notes.push(format!(
                "subject {} {} (protocol {}) in a child process",
                h.name, h.version, h.protocol
            ));
            notes.push(
                "dedup is observational (model state + the subject's observation): a black box shows nothing else"
                    .into(),
            );
            let comparison = Comparison {
                timestamps: if d.settable_clock() {
                    Timestamps::Exact
                } else {
                    Timestamps::Order
                },
                warnings: Reported::when(h.capabilities.warnings),
                layouts: Reported::when(h.capabilities.layouts),
                amounts: Reported::when(h.capabilities.error_amounts),
                paths: Reported::when(h.capabilities.error_paths),
            };
            notes.extend(comparison.notes().into_iter().map(str::to_string));
            system.set_comparison(comparison);
            let dropped = system.keep_ops(&h.capabilities.ops);
            if !dropped.is_empty() {
                notes.push(format!(
                    "not compared: the subject lacks the ops {} (their steps were left out)",
                    dropped.join(", ")
                ));
            }
        }
        Ok(FsRun {
            subject,
            reference: OracleDriver::new(cfg),
            system,
            notes,
        })
    }

    /// The three parties the engine runs.
    pub fn parties(&self) -> Parties<'_, FsSystem, SubjectDriver, OracleDriver> {
        Parties {
            system: &self.system,
            subject: &self.subject,
            reference: &self.reference,
            verify_shortcuts: false,
        }
    }
}
