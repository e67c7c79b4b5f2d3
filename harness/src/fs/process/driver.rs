//! An implementation in another process as an engine driver. The driver itself is only the
//! steps since `reset` (a black box's state is its history); a live child is taken from a
//! per-thread pool when a request has to be made, brought to that history (by `reset` and a
//! pipelined replay, or not at all when it is already there), used, and put back. Forking is
//! therefore free, and every fork of one parent shares the parent's warm child when it can.

use super::child::{Child, ChildFailure};
use super::protocol::{ClockMode, Envelope, Hello, Request, Response, VERSION};
use crate::engine::system::{Driver, DriverError, DriverFault};
use crate::fs::call::{Call, CallOutcome};
use crate::fs::config::FsConfig;
use crate::fs::observation::{NodeObs, Observation};
use std::cell::RefCell;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How to start a child and what to tell it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessSpec {
    /// The subject's name in reports (`dmemfs`, or the command's file name).
    pub name: String,
    pub program: String,
    pub args: Vec<String>,
    /// The filesystem configuration of the handshake.
    pub config: FsConfig,
    /// Every request's timeout.
    pub timeout: Duration,
    /// How long a new child may take to start and answer `hello`: starting an interpreter
    /// on a loaded machine can take longer than any call should (see [`START_TIMEOUT`]).
    pub start_timeout: Duration,
    pub clock: ClockMode,
    /// Ask for the observation with every call's answer, where the child offers it.
    pub observe_calls: bool,
}

/// A started subject: how to start more of it and what its handshake said.
#[derive(Debug)]
struct Subject {
    spec: ProcessSpec,
    hello: Hello,
    /// Whether the call timestamps go to the child (`clock: settable` accepted).
    settable: bool,
}

/// The least time a new child gets to start and answer `hello`, whatever the per-request
/// timeout: a slow start under load is not a finding about the subject.
pub const START_TIMEOUT: Duration = Duration::from_secs(30);

/// One step of a driver's history: the clock value, the call and what it answered (a replay
/// must answer the same, or the child is not deterministic).
#[derive(Debug, Clone, PartialEq)]
struct Done {
    time: u64,
    call: Call,
    outcome: CallOutcome,
}

/// The protocol over one child: numbered requests, answers checked for their id, every
/// failure a driver error naming the request and quoting the child's stderr.
struct Wire {
    child: Child,
    next_id: u64,
    name: String,
    timeout: Duration,
}

/// A live child with the history it has executed since its last reset.
struct Conn {
    subject: Arc<Subject>,
    wire: Wire,
    history: Vec<Done>,
    /// Unusable until reset (a request failed, a call hung, a replay went wrong).
    poisoned: bool,
}

/// Where a run's time with process subjects goes: requests by kind, children started, and the
/// time spent waiting for answers (summed over threads). Process-wide, read at the end of a run.
pub mod stats {
    use std::sync::atomic::{AtomicU64, Ordering};

    pub(super) static CALLS: AtomicU64 = AtomicU64::new(0);
    pub(super) static REPLAYED: AtomicU64 = AtomicU64::new(0);
    pub(super) static OBSERVES: AtomicU64 = AtomicU64::new(0);
    pub(super) static RESETS: AtomicU64 = AtomicU64::new(0);
    pub(super) static SPAWNS: AtomicU64 = AtomicU64::new(0);
    pub(super) static WAIT_NS: AtomicU64 = AtomicU64::new(0);

    pub(super) fn add(c: &AtomicU64, n: u64) {
        c.fetch_add(n, Ordering::Relaxed);
    }

    /// A snapshot of the counters.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct Snapshot {
        /// Calls of explored steps.
        pub calls: u64,
        /// Calls replayed to bring a child to a prefix.
        pub replayed: u64,
        pub observes: u64,
        pub resets: u64,
        /// Children started (each with a handshake).
        pub spawns: u64,
        /// Time waiting for answers, summed over threads.
        pub wait_ns: u64,
    }

    /// The counters now.
    pub fn snapshot() -> Snapshot {
        let g = |c: &AtomicU64| c.load(Ordering::Relaxed);
        Snapshot {
            calls: g(&CALLS),
            replayed: g(&REPLAYED),
            observes: g(&OBSERVES),
            resets: g(&RESETS),
            spawns: g(&SPAWNS),
            wait_ns: g(&WAIT_NS),
        }
    }

    impl Snapshot {
        /// What happened between `earlier` and this snapshot.
        pub fn since(&self, earlier: &Snapshot) -> Snapshot {
            Snapshot {
                calls: self.calls - earlier.calls,
                replayed: self.replayed - earlier.replayed,
                observes: self.observes - earlier.observes,
                resets: self.resets - earlier.resets,
                spawns: self.spawns - earlier.spawns,
                wait_ns: self.wait_ns - earlier.wait_ns,
            }
        }

        /// One line for a run's notes.
        pub fn describe(&self, wall_seconds: f64) -> String {
            let total = self.calls + self.replayed + self.observes + self.resets;
            format!(
                "where the time went: {total} requests to the subject ({} explored calls, {} replayed to rebuild prefixes, {} observations, {} resets), {} children started, {:.1} s waiting for answers over all threads ({:.0} us a request) in {:.1} s of wall time",
                self.calls,
                self.replayed,
                self.observes,
                self.resets,
                self.spawns,
                self.wait_ns as f64 / 1e9,
                if total > 0 {
                    self.wait_ns as f64 / 1e3 / total as f64
                } else {
                    0.0
                },
                wall_seconds
            )
        }
    }
}

/// Idle children per thread: few, because a thread works on one branch at a time.
const POOL: usize = 3;

thread_local! {
    static IDLE: RefCell<Vec<Conn>> = const { RefCell::new(Vec::new()) };
}

/// An implementation in another process, speaking `adapters/PROTOCOL.md`.
#[derive(Debug)]
pub struct ProcessDriver {
    subject: Arc<Subject>,
    history: Vec<Done>,
    time: u64,
    /// The observation of `history`, once asked for.
    observed: Mutex<Option<Arc<Observation>>>,
}

impl ProcessDriver {
    /// Starts the subject, shakes hands and keeps the child warm for the first requests.
    pub fn start(spec: ProcessSpec) -> Result<ProcessDriver, DriverError> {
        let (wire, hello) = Wire::handshake(&spec)?;
        let settable = spec.clock == ClockMode::Settable && hello.capabilities.settable_clock;
        let subject = Arc::new(Subject {
            spec,
            hello,
            settable,
        });
        release(Conn {
            subject: Arc::clone(&subject),
            wire,
            history: Vec::new(),
            poisoned: false,
        });
        Ok(ProcessDriver {
            subject,
            history: Vec::new(),
            time: 0,
            observed: Mutex::new(None),
        })
    }

    /// What the child said about itself in the handshake.
    pub fn hello(&self) -> &Hello {
        &self.subject.hello
    }

    /// Whether the child's timestamps follow the harness's clock (else they are real times
    /// and can only be compared by order).
    pub fn settable_clock(&self) -> bool {
        self.subject.settable
    }

    /// Runs `f` on a child that is exactly at this driver's history.
    fn with_conn<R>(
        &self,
        f: impl FnOnce(&mut Conn) -> Result<R, DriverError>,
    ) -> Result<R, DriverError> {
        let mut conn = acquire(&self.subject, &self.history)?;
        let r = f(&mut conn);
        release(conn);
        r
    }
}

/// A child from this thread's pool at `history` (the one that needs the shortest replay), or a
/// new one.
fn acquire(subject: &Arc<Subject>, history: &[Done]) -> Result<Conn, DriverError> {
    let taken = IDLE.with(|idle| {
        let mut idle = idle.borrow_mut();
        let same = |c: &Conn| Arc::ptr_eq(&c.subject, subject);
        let best = idle
            .iter()
            .enumerate()
            .filter(|(_, c)| same(c) && !c.poisoned && history.starts_with(&c.history))
            .max_by_key(|(_, c)| c.history.len())
            .map(|(i, _)| i)
            .or_else(|| idle.iter().rposition(same));
        best.map(|i| idle.remove(i))
    });
    let mut conn = match taken {
        Some(c) => c,
        None => Conn {
            subject: Arc::clone(subject),
            wire: Wire::handshake(&subject.spec)?.0,
            history: Vec::new(),
            poisoned: false,
        },
    };
    conn.bring_to(history)?;
    Ok(conn)
}

/// Puts a child back into this thread's pool (the oldest idle one goes when it is full; a dead
/// one is dropped, so the next request starts a fresh child).
fn release(mut conn: Conn) {
    if !conn.wire.child.is_alive() {
        return;
    }
    IDLE.with(|idle| {
        let mut idle = idle.borrow_mut();
        if idle.len() >= POOL {
            idle.remove(0);
        }
        idle.push(conn);
    });
}

impl Wire {
    /// Starts a child and shakes hands.
    fn handshake(spec: &ProcessSpec) -> Result<(Wire, Hello), DriverError> {
        stats::add(&stats::SPAWNS, 1);
        let child = Child::spawn(&spec.program, &spec.args).map_err(|e| {
            DriverError::with_fault(&spec.name, DriverFault::Crashed, e.to_string())
        })?;
        let mut wire = Wire {
            child,
            next_id: 0,
            name: spec.name.clone(),
            timeout: spec.start_timeout,
        };
        let req = Request::Hello {
            protocol: VERSION,
            config: &spec.config,
            clock: spec.clock,
        };
        let resp = wire.request(req)?;
        wire.timeout = spec.timeout;
        let Some(hello) = resp.hello else {
            return Err(wire.failure(
                DriverFault::Protocol,
                0,
                "hello",
                "the answer has no `hello`",
            ));
        };
        if hello.protocol != VERSION {
            let m = format!(
                "the child speaks protocol {}, this harness speaks {VERSION}",
                hello.protocol
            );
            return Err(wire.failure(DriverFault::Protocol, 0, "hello", &m));
        }
        Ok((wire, hello))
    }

    /// A driver error for request `id`, with the child's last stderr lines.
    fn failure(&self, fault: DriverFault, id: u64, what: &str, message: &str) -> DriverError {
        let tail = self.child.stderr_tail();
        let tail = if tail.is_empty() {
            String::from(" (nothing on its stderr)")
        } else {
            format!("; its last stderr lines:\n{tail}")
        };
        DriverError::with_fault(
            &self.name,
            fault,
            format!(
                "request {id} ({what}) to `{}`: {message}{tail}",
                self.child.command
            ),
        )
    }

    fn child_error(&self, id: u64, what: &str, e: ChildFailure) -> DriverError {
        let fault = match e {
            ChildFailure::Timeout(_) => DriverFault::Timeout,
            ChildFailure::Garbled(_) => DriverFault::Protocol,
            _ => DriverFault::Crashed,
        };
        self.failure(fault, id, what, &e.to_string())
    }

    fn send(&mut self, req: Request<'_>) -> Result<u64, DriverError> {
        let id = self.next_id;
        self.next_id += 1;
        let what = req.describe();
        let line = serde_json::to_string(&Envelope { id, request: req }).map_err(|e| {
            self.failure(
                DriverFault::Protocol,
                id,
                &what,
                &format!("cannot encode: {e}"),
            )
        })?;
        self.child
            .send(&line)
            .map_err(|e| self.child_error(id, &what, e))?;
        Ok(id)
    }

    fn receive(&mut self, id: u64, what: &str) -> Result<Response, DriverError> {
        let started = std::time::Instant::now();
        let line = self.child.recv(self.timeout);
        stats::add(&stats::WAIT_NS, started.elapsed().as_nanos() as u64);
        let line = line.map_err(|e| self.child_error(id, what, e))?;
        let resp: Response = serde_json::from_str(&line).map_err(|e| {
            let shown: String = line.trim_end().chars().take(300).collect();
            self.failure(
                DriverFault::Protocol,
                id,
                what,
                &format!("not a response ({e}): {shown}"),
            )
        })?;
        if resp.id != Some(id) {
            let m = format!("the answer carries id {:?}", resp.id);
            return Err(self.failure(DriverFault::Protocol, id, what, &m));
        }
        if let Some(e) = &resp.error {
            let m = format!("the child refused it: {e}");
            return Err(self.failure(DriverFault::Protocol, id, what, &m));
        }
        Ok(resp)
    }

    fn request(&mut self, req: Request<'_>) -> Result<Response, DriverError> {
        let id = self.send(req)?;
        self.receive(id, &req.describe())
    }

    /// The outcome of call `id`'s response, or the finding it is instead (an exception the
    /// adapter cannot map, a call that can never return).
    fn outcome(&self, id: u64, call: &Call, resp: Response) -> Result<CallOutcome, DriverError> {
        let what = format!("call {}", call.op());
        if let Some(o) = resp.outcome {
            return Ok(o);
        }
        if let Some(u) = resp.unmapped {
            return Err(DriverError::with_fault(
                &self.name,
                DriverFault::Unmapped,
                format!(
                    "{what} raised {} ({}), which maps onto no error kind",
                    u.kind, u.message
                ),
            ));
        }
        if let Some(h) = resp.hung {
            return Err(DriverError::with_fault(
                &self.name,
                DriverFault::Hung,
                format!(
                    "{what} blocked with no way to return: waiting in {} (detected after {} ms)",
                    h.waiting_in, h.after_ms
                ),
            ));
        }
        Err(self.failure(
            DriverFault::Protocol,
            id,
            &what,
            "the answer has no `outcome`",
        ))
    }
}

impl Conn {
    /// Runs `f` on the wire; any failure leaves the child unusable until reset.
    fn guard<R>(
        &mut self,
        f: impl FnOnce(&mut Wire) -> Result<R, DriverError>,
    ) -> Result<R, DriverError> {
        let r = f(&mut self.wire);
        if r.is_err() {
            self.poisoned = true;
        }
        r
    }

    /// Runs one explored call; with the `call_observe` capability the answer also brings the
    /// observation after it.
    fn call(
        &mut self,
        time: u64,
        call: &Call,
    ) -> Result<(CallOutcome, Option<Observation>), DriverError> {
        stats::add(&stats::CALLS, 1);
        let t = self.subject.settable.then_some(time);
        let observe =
            self.subject.spec.observe_calls && self.subject.hello.capabilities.call_observe;
        self.guard(|w| {
            let id = w.send(Request::Call {
                time: t,
                call,
                observe,
            })?;
            let mut resp = w.receive(id, &format!("call {}", call.op()))?;
            let obs = resp.observation.take();
            Ok((w.outcome(id, call, resp)?, obs))
        })
    }

    /// Brings the child to `history`: nothing if it is there, the missing tail if it is on the
    /// way, else `reset` and all of it. The replay is pipelined (every request written before
    /// the answers are read) and must answer exactly as the first run did.
    fn bring_to(&mut self, history: &[Done]) -> Result<(), DriverError> {
        // The reset is pipelined with the replay: its answer is read after all are written.
        let mut reset = None;
        if self.poisoned || !history.starts_with(&self.history) {
            stats::add(&stats::RESETS, 1);
            reset = Some(self.guard(|w| w.send(Request::Reset))?);
            self.history.clear();
            self.poisoned = false;
        }
        let start = self.history.len();
        let settable = self.subject.settable;
        stats::add(&stats::REPLAYED, (history.len() - start) as u64);
        let ids = self.guard(|w| {
            history[start..]
                .iter()
                .map(|d| {
                    w.send(Request::Call {
                        time: settable.then_some(d.time),
                        call: &d.call,
                        observe: false,
                    })
                })
                .collect::<Result<Vec<u64>, DriverError>>()
        })?;
        if let Some(id) = reset {
            self.guard(|w| w.receive(id, "reset"))?;
        }
        for (id, d) in ids.into_iter().zip(&history[start..]) {
            let got = self.guard(|w| {
                let resp = w.receive(id, &format!("call {}", d.call.op()))?;
                w.outcome(id, &d.call, resp)
            });
            match got {
                Ok(o) if o == d.outcome => self.history.push(d.clone()),
                other => {
                    self.poisoned = true;
                    let got = match other {
                        Ok(o) => o.describe(),
                        Err(e) => e.to_string(),
                    };
                    return Err(DriverError::with_fault(
                        &self.wire.name,
                        DriverFault::Nondeterministic,
                        format!(
                            "replaying step {} ({}) answered {got}, the first run answered {}",
                            self.history.len() + 1,
                            d.call.op(),
                            d.outcome.describe()
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// A hash of an observation that a shift of every timestamp by the same amount leaves
/// unchanged (each timestamp counts relative to the latest one).
fn relative_hash(obs: &Observation) -> u64 {
    let now = obs
        .nodes
        .values()
        .map(|n| match n {
            NodeObs::Dir { modified, .. } | NodeObs::File { modified, .. } => *modified,
        })
        .max()
        .unwrap_or(0);
    let mut h = std::hash::DefaultHasher::new();
    for (p, n) in &obs.nodes {
        p.hash(&mut h);
        match n {
            NodeObs::Dir {
                children,
                created,
                modified,
            } => {
                0u8.hash(&mut h);
                children.hash(&mut h);
                now.wrapping_sub(*created).hash(&mut h);
                now.wrapping_sub(*modified).hash(&mut h);
            }
            NodeObs::File {
                data,
                generation,
                created,
                modified,
            } => {
                1u8.hash(&mut h);
                data.hash(&mut h);
                generation.hash(&mut h);
                now.wrapping_sub(*created).hash(&mut h);
                now.wrapping_sub(*modified).hash(&mut h);
            }
        }
    }
    obs.stats.hash(&mut h);
    obs.handles.hash(&mut h);
    h.finish()
}

impl Driver for ProcessDriver {
    type Step = Call;
    type Outcome = CallOutcome;
    type Obs = Observation;

    fn name(&self) -> &str {
        &self.subject.spec.name
    }

    fn reset(&mut self) -> Result<(), DriverError> {
        self.history.clear();
        *self.observed.get_mut().unwrap_or_else(|e| e.into_inner()) = None;
        Ok(())
    }

    fn set_time(&mut self, t: u64) {
        self.time = t;
    }

    fn apply(&mut self, step: &Call) -> Result<CallOutcome, DriverError> {
        let time = self.time;
        let before = self
            .observed
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let (outcome, obs, noop) = self.with_conn(|c| {
            let (o, obs) = c.call(time, step)?;
            // A step after which the subject shows exactly what it showed before (a query, a
            // refused call) is left out of the history: observationally it did nothing (the
            // run's declared dedup assumption), so the parent's state stays a prefix of this
            // child's and a sibling step needs no rebuild.
            let noop = matches!((&before, &obs), (Some(b), Some(a)) if **b == *a);
            if !noop {
                c.history.push(Done {
                    time,
                    call: step.clone(),
                    outcome: o.clone(),
                });
            }
            Ok((o, obs, noop))
        })?;
        if !noop {
            self.history.push(Done {
                time,
                call: step.clone(),
                outcome: outcome.clone(),
            });
        }
        *self.observed.get_mut().unwrap_or_else(|e| e.into_inner()) = obs.map(Arc::new);
        Ok(outcome)
    }

    fn observe(&self) -> Result<Observation, DriverError> {
        let mut cached = self.observed.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(o) = cached.as_ref() {
            return Ok(Observation::clone(o));
        }
        let obs = self.with_conn(|c| {
            c.guard(|w| {
                stats::add(&stats::OBSERVES, 1);
                let id = w.send(Request::Observe)?;
                let resp = w.receive(id, "observe")?;
                resp.observation.ok_or_else(|| {
                    w.failure(
                        DriverFault::Protocol,
                        id,
                        "observe",
                        "the answer has no `observation`",
                    )
                })
            })
        })?;
        *cached = Some(Arc::new(obs.clone()));
        Ok(obs)
    }

    /// Observational: a black box shows nothing but its observation, so two states with
    /// equal observations (up to a shift of time) count as one. The run's summary says so.
    fn fingerprint(&self) -> Result<u64, DriverError> {
        Ok(relative_hash(&self.observe()?))
    }

    /// Observational, like the fingerprint: a step after which the subject shows exactly the
    /// observation it showed before (a query, a refused call) left it interchangeable with a
    /// fork of its parent, so the explorer may run the next sibling step on this very child
    /// instead of rebuilding the parent's state. `None` while either observation is unknown.
    fn same_state_as(&self, earlier: &Self) -> Option<bool> {
        let mine = self.observed.lock().ok()?.clone()?;
        let theirs = earlier.observed.lock().ok()?.clone()?;
        Some(Arc::ptr_eq(&self.subject, &earlier.subject) && mine == theirs)
    }

    fn fork(&self) -> Result<Self, DriverError> {
        let observed = self
            .observed
            .lock()
            .map(|o| o.clone())
            .unwrap_or_else(|e| e.into_inner().clone());
        Ok(ProcessDriver {
            subject: Arc::clone(&self.subject),
            history: self.history.clone(),
            time: self.time,
            observed: Mutex::new(observed),
        })
    }
}

impl ProcessDriver {
    /// Asks this thread's idle children of this subject to leave (`bye`) and drops them:
    /// for the end of a run, so children exit cleanly rather than by being killed.
    pub fn shut_down(&self) {
        let mine: Vec<Conn> = IDLE.with(|idle| {
            let mut idle = idle.borrow_mut();
            let (mine, others) = idle
                .drain(..)
                .partition(|c: &Conn| Arc::ptr_eq(&c.subject, &self.subject));
            *idle = others;
            mine
        });
        for mut c in mine {
            let _ = c.wire.request(Request::Bye);
        }
    }
}
