//! The wire format of the subject protocol (`adapters/PROTOCOL.md`, version [`VERSION`]): the
//! requests the harness writes and the responses it accepts, as serde types, so every message
//! is built and checked in one place.

use crate::fs::call::{Call, CallOutcome};
use crate::fs::config::FsConfig;
use crate::fs::observation::Observation;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The protocol version this harness speaks.
pub const VERSION: u32 = 1;

/// One request, as written on the child's stdin (one JSON object per line).
#[derive(Debug, Serialize)]
pub struct Envelope<'a> {
    pub id: u64,
    #[serde(flatten)]
    pub request: Request<'a>,
}

/// What a request asks.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Request<'a> {
    /// The handshake: protocol version, filesystem configuration, clock mode.
    Hello {
        protocol: u32,
        config: &'a FsConfig,
        clock: ClockMode,
    },
    /// One step: the call, at clock value `time` (absent with the system clock); with
    /// `observe` (a child that offers `call_observe`) the answer carries the observation after
    /// the call too, saving a round trip.
    Call {
        #[serde(skip_serializing_if = "Option::is_none")]
        time: Option<u64>,
        call: &'a Call,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        observe: bool,
    },
    /// The complete observable state.
    Observe,
    /// A fresh filesystem with the handshake's configuration, every slot empty.
    Reset,
    /// Leave: the child answers and exits.
    Bye,
}

impl Request<'_> {
    /// The request's name in messages (`call open`, `observe`, ...).
    pub fn describe(&self) -> String {
        match self {
            Request::Hello { .. } => "hello".into(),
            Request::Call { call, .. } => format!("call {}", call.op()),
            Request::Observe => "observe".into(),
            Request::Reset => "reset".into(),
            Request::Bye => "bye".into(),
        }
    }
}

/// Whether the harness sets the child's clock before every call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockMode {
    Settable,
    System,
}

/// The child's answer to `hello`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Hello {
    pub name: String,
    pub version: String,
    pub protocol: u32,
    pub capabilities: Capabilities,
}

/// What the child can do.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Capabilities {
    /// Timestamps can be set per call (else they are compared by order only).
    pub settable_clock: bool,
    /// `snapshot`/`restore` exist (else a state is forked by replaying its prefix).
    #[serde(default)]
    pub snapshot: bool,
    /// The op names it implements.
    pub ops: Vec<String>,
    /// A call may ask for the observation after it in the same answer.
    #[serde(default)]
    pub call_observe: bool,
    /// Observations carry `warnings`, the memory-guard warnings recorded since the build
    /// (else they are left out of every comparison, and the run says so).
    #[serde(default)]
    pub warnings: bool,
    /// Observations carry every file's storage layout (else layouts are not compared).
    #[serde(default)]
    pub layouts: bool,
    /// Quota errors carry their amounts (else outcomes are compared without them).
    #[serde(default)]
    pub error_amounts: bool,
    /// Errors carry the normalized path they name (else outcomes are compared without it).
    #[serde(default)]
    pub error_paths: bool,
}

/// The subject raised an error the adapter cannot map onto exactly one error kind.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Unmapped {
    /// The exception's type (`KeyError`, `dmemfs._fs.Foo`).
    #[serde(rename = "type")]
    pub kind: String,
    pub message: String,
    #[serde(default)]
    pub traceback: String,
}

/// The call blocked with no way to return (a wait for a lock the same single-threaded caller
/// holds), detected by the adapter.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Hung {
    /// Where the subject waits (`dmemfs._lock.acquire_read called from dmemfs._fs.export_tree`).
    pub waiting_in: String,
    #[serde(default)]
    pub after_ms: u64,
}

/// One response line. Exactly one of the payload fields is present.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Response {
    pub id: Option<u64>,
    #[serde(default)]
    pub hello: Option<Hello>,
    #[serde(default)]
    pub outcome: Option<CallOutcome>,
    #[serde(default)]
    pub unmapped: Option<Unmapped>,
    #[serde(default)]
    pub hung: Option<Hung>,
    #[serde(default)]
    pub observation: Option<Observation>,
    #[serde(default)]
    pub done: Option<bool>,
    #[serde(default)]
    pub snapshot: Option<Value>,
    #[serde(default)]
    pub error: Option<String>,
}
