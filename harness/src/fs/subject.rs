//! The subject under test: the one interface through which every command (explore, replay,
//! scenario) chooses which implementation it checks against the model and the naive oracle.
//! A new kind of subject is a new [`Subject`] variant with its [`SubjectDriver`] arm here; the
//! engine and the commands do not change.

use crate::engine::run::Parties;
use crate::engine::system::{Driver, DriverError};
use crate::fs::call::{Call, CallOutcome};
use crate::fs::config::FsConfig;
use crate::fs::drivers::core::CoreDriver;
use crate::fs::drivers::oracle::OracleDriver;
use crate::fs::observation::Observation;
use crate::fs::spec::SpecErrors;
use crate::fs::system::FsSystem;
use std::fmt;
use std::path::Path;
use std::str::FromStr;

/// Which implementation is under test.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Subject {
    /// memfs-core, in process.
    #[default]
    Core,
}

/// A `--subject` value that names no subject.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown subject `{given}`; choose one of: {choices}")]
pub struct UnknownSubject {
    pub given: String,
    pub choices: &'static str,
}

impl FromStr for Subject {
    type Err = UnknownSubject;

    fn from_str(s: &str) -> Result<Subject, UnknownSubject> {
        match s {
            "core" => Ok(Subject::Core),
            _ => Err(UnknownSubject {
                given: s.to_string(),
                choices: "core",
            }),
        }
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Core => f.write_str("core"),
        }
    }
}

/// How a subject's driver is built beyond the filesystem configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DriverOptions {
    /// Error outcomes carry the subject's messages (scenarios check them; the explorer does
    /// not read them and should not pay for them).
    pub messages: bool,
}

impl Subject {
    /// A fresh driver of this subject, built with `cfg`.
    pub fn driver(
        &self,
        cfg: &FsConfig,
        opts: DriverOptions,
    ) -> Result<SubjectDriver, DriverError> {
        match self {
            Subject::Core => Ok(SubjectDriver::Core(
                CoreDriver::new(*cfg)?.with_messages(opts.messages),
            )),
        }
    }
}

/// The driver of whichever subject was chosen.
#[derive(Debug)]
pub enum SubjectDriver {
    Core(CoreDriver),
}

impl Driver for SubjectDriver {
    type Step = Call;
    type Outcome = CallOutcome;
    type Obs = Observation;

    fn name(&self) -> &str {
        match self {
            SubjectDriver::Core(d) => d.name(),
        }
    }
    fn reset(&mut self) -> Result<(), DriverError> {
        match self {
            SubjectDriver::Core(d) => d.reset(),
        }
    }
    fn set_time(&mut self, t: u64) {
        match self {
            SubjectDriver::Core(d) => d.set_time(t),
        }
    }
    fn apply(&mut self, step: &Call) -> Result<CallOutcome, DriverError> {
        match self {
            SubjectDriver::Core(d) => d.apply(step),
        }
    }
    fn observe(&self) -> Result<Observation, DriverError> {
        match self {
            SubjectDriver::Core(d) => d.observe(),
        }
    }
    fn fingerprint(&self) -> Result<u64, DriverError> {
        match self {
            SubjectDriver::Core(d) => d.fingerprint(),
        }
    }
    fn observation_digest(&self) -> Option<u64> {
        match self {
            SubjectDriver::Core(d) => d.observation_digest(),
        }
    }
    fn same_state_as(&self, earlier: &Self) -> Option<bool> {
        match (self, earlier) {
            (SubjectDriver::Core(d), SubjectDriver::Core(e)) => d.same_state_as(e),
        }
    }
    fn fork(&self) -> Result<Self, DriverError> {
        match self {
            SubjectDriver::Core(d) => d.fork().map(SubjectDriver::Core),
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
}

impl FsRun {
    /// Loads the specs of `dir` and builds `subject` and the oracle with their configuration.
    pub fn load(dir: &Path, subject: &Subject) -> Result<FsRun, LoadError> {
        let system = FsSystem::load(dir)?;
        let cfg = system.fs_config();
        Ok(FsRun {
            subject: subject.driver(&cfg, DriverOptions::default())?,
            reference: OracleDriver::new(cfg),
            system,
        })
    }

    /// The three parties the engine runs.
    pub fn parties(&self) -> Parties<'_, FsSystem, SubjectDriver, OracleDriver> {
        Parties {
            system: &self.system,
            subject: &self.subject,
            reference: &self.reference,
        }
    }
}
