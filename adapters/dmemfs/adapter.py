#!/usr/bin/env python3
"""Subject adapter: puts D-MemFS 0.4.1 (``dmemfs``) under test through the JSON-lines
process protocol, version 1 (``adapters/PROTOCOL.md``).

Requests are read from stdin, one JSON object per line; exactly one response line is written to
stdout per request, in arrival order, flushed after each. Everything else (diagnostics) goes to
stderr. Standard library only, besides ``dmemfs`` itself.

The adapter passes every call through to D-MemFS unchanged (raw paths, raw arguments) and reports
what D-MemFS did: it never normalizes, reorders, retries or converts beyond the exact exception
mapping below. See ``README.md`` beside this file.
"""

from __future__ import annotations

import io
import json
import os
import re
import sys
import threading
import time
import traceback
import types
import warnings

PROTOCOL_VERSION = 1
ADAPTER_NAME = "dmemfs"
EXPECTED_DMEMFS_VERSION = "0.4.1"

try:
    import dmemfs
    from dmemfs import MFSNodeLimitExceededError, MFSQuotaExceededError, MemoryFileSystem
    # Internals, for the observation's storage layouts only (README: What the observation reads).
    from dmemfs._file import RandomAccessMemoryFile, SequentialMemoryFile
except Exception as _import_error:  # pragma: no cover - only without the venv
    sys.stderr.write(
        "dmemfs adapter: cannot import dmemfs (%s: %s); run adapters/dmemfs/install and start "
        "the adapter with adapters/dmemfs/.venv/bin/python\n"
        % (type(_import_error).__name__, _import_error)
    )
    sys.stderr.flush()
    sys.exit(2)

_REAL_TIME = time  # the real time module; the adapter itself always uses this one


def log(msg: str) -> None:
    try:
        sys.stderr.write("dmemfs adapter: " + msg + "\n")
        sys.stderr.flush()
    except Exception:
        pass


# ---------------------------------------------------------------------------------------------
# Clock
# ---------------------------------------------------------------------------------------------


class ClockShim:
    """Stands in for the ``time`` module inside dmemfs modules.

    ``time()`` returns the current step time (seconds, float); every other attribute
    (``monotonic``, ``sleep``, ``perf_counter``, ...) is the real ``time`` module's, so lock
    timeouts keep measuring real time.
    """

    def __init__(self, real) -> None:
        self._real = real
        self.now = 0.0

    def time(self) -> float:
        return self.now

    def __getattr__(self, name):
        return getattr(self._real, name)


CLOCK = ClockShim(_REAL_TIME)
_PATCHED: list = []  # modules whose ``time`` global now points at CLOCK


def _dmemfs_modules():
    return [m for n, m in sorted(sys.modules.items())
            if m is not None and (n == "dmemfs" or n.startswith("dmemfs."))]


def _clock_patch_problems() -> list:
    """Why the clock patch could miss a timestamp (empty list = none found)."""
    problems = []
    real_funcs = {id(getattr(_REAL_TIME, f)) for f in ("time", "time_ns")}
    for mod in _dmemfs_modules():
        for key, val in vars(mod).items():
            if id(val) in real_funcs:
                problems.append("%s.%s is bound to time.%s directly" % (mod.__name__, key, val.__name__))
    for needed in ("dmemfs._fs", "dmemfs._handle"):
        mod = sys.modules.get(needed)
        if mod is None or vars(mod).get("time") is not _REAL_TIME:
            problems.append("%s has no module-level 'time' import to patch" % needed)
    return problems


def patch_clock() -> None:
    for mod in _dmemfs_modules():
        if vars(mod).get("time") is _REAL_TIME:
            mod.time = CLOCK
            _PATCHED.append(mod)


def unpatch_clock() -> None:
    while _PATCHED:
        _PATCHED.pop().time = _REAL_TIME


def set_clock_ns(t_ns: int) -> None:
    CLOCK.now = t_ns / 1_000_000_000


def to_ns(seconds) -> int:
    return round(seconds * 1e9)


def clock_self_test() -> str | None:
    """Patch, then check that every kind of timestamp D-MemFS sets carries the shim's time:
    DirNode (root and mkdir), FileNode (new file), open wb of an existing file (truncate),
    handle.write and handle.truncate. Returns None on success, else the reason. Unpatches."""
    problems = _clock_patch_problems()
    if problems:
        return "; ".join(problems)
    patch_clock()
    try:
        def expect(fs, path, t_ns, what):
            st = fs.stat(path)
            for key in ("created_at", "modified_at") if what == "both" else ("modified_at",):
                if to_ns(st[key]) != t_ns:
                    raise AssertionError("%s %s: %r != %d ns" % (path, key, st[key], t_ns))

        set_clock_ns(1_000)
        fs = MemoryFileSystem(max_quota=4096)
        expect(fs, "/", 1_000, "both")
        set_clock_ns(2_000)
        fs.mkdir("/d")
        expect(fs, "/d", 2_000, "both")
        set_clock_ns(3_000)
        h = fs.open("/d/f", "wb")
        expect(fs, "/d/f", 3_000, "both")
        set_clock_ns(4_000)
        h.write(b"abc")
        expect(fs, "/d/f", 4_000, "modified")
        set_clock_ns(5_000)
        h.truncate(1)
        expect(fs, "/d/f", 5_000, "modified")
        h.close()
        set_clock_ns(6_000)
        fs.open("/d/f", "wb").close()
        expect(fs, "/d/f", 6_000, "modified")
        return None
    except Exception as e:
        return "%s: %s" % (type(e).__name__, e)
    finally:
        unpatch_clock()
        set_clock_ns(0)


# ---------------------------------------------------------------------------------------------
# The simulated host of the memory guard
# ---------------------------------------------------------------------------------------------

# D-MemFS's guard asks dmemfs._memory_guard.get_available_memory_bytes (bound there by name) and
# keeps no cache with memory_guard_interval=0. The adapter never lets it read the machine:
# either that name answers the handshake's `available_memory`, or (`host_root`) D-MemFS's own
# reader (dmemfs._memory_info) runs unchanged but opens its files under the fixture tree.


def simulate_host(available, host_root) -> None:
    """Points D-MemFS's memory probe at the simulated host (see above)."""
    import dmemfs._memory_guard as guard
    import dmemfs._memory_info as info
    if host_root is None:
        guard.get_available_memory_bytes = lambda: available
        return
    guard.get_available_memory_bytes = info.get_available_memory_bytes
    real_open = open

    def open_under_root(path, *args, **kwargs):
        # the reader opens absolute paths (/sys/fs/cgroup/..., /proc/meminfo)
        return real_open(os.path.join(host_root, str(path).lstrip("/")), *args, **kwargs)

    info.open = open_under_root  # a module global shadows the builtin for that module only
    info._linux_reader = info._UNPROBED  # probe the sources again, on the fixture


def is_guard_warning(w) -> bool:
    """A warning D-MemFS's memory guard emitted (_memory_guard.py: ResourceWarning, message
    naming physical RAM); anything else is logged and not counted."""
    return issubclass(w.category, ResourceWarning) and "physical RAM" in str(w.message)


def guard_warnings(fn):
    """Runs fn() recording warnings; returns (result or exception, guard warnings counted)."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        try:
            out = fn()
        except Exception as e:
            out = e
    n = 0
    for w in seen:
        if is_guard_warning(w):
            n += 1
        else:
            log("warning not counted (not the memory guard's): %s: %s" % (w.category.__name__, w.message))
    return out, n


# ---------------------------------------------------------------------------------------------
# Exception mapping
# ---------------------------------------------------------------------------------------------

# Exact class -> KIND. Exact (type(e) is C) matching: a subclass of a mapped class is NOT mapped
# (it is answered as unmapped), so nothing is mapped by accident; io.UnsupportedOperation (a
# subclass of OSError and ValueError) and MFSNodeLimitExceededError (a subclass of
# MFSQuotaExceededError) are therefore never taken for their bases.
EXACT_KINDS = {
    io.UnsupportedOperation: "Unsupported",
    MFSNodeLimitExceededError: "NodeLimitExceeded",
    MFSQuotaExceededError: "QuotaExceeded",
    FileNotFoundError: "NotFound",
    FileExistsError: "AlreadyExists",
    IsADirectoryError: "IsADirectory",
    NotADirectoryError: "NotADirectory",
    BlockingIOError: "WouldBlock",
    ValueError: "InvalidInput",
    MemoryError: "OutOfMemory",
}

# Every raise site of BlockingIOError in D-MemFS 0.4.1: (module, function) of the innermost frame
# -> (reason, exact message pattern). Both must agree, else the error is unmapped.
BLOCKING_SITES = {
    # _lock.py:56 and :58
    ("dmemfs._lock", "acquire_read"):
        ("LockTimeout", re.compile(r"Could not acquire read lock within timeout\.")),
    # _lock.py:103 and :105
    ("dmemfs._lock", "acquire_write"):
        ("LockTimeout", re.compile(r"Could not acquire write lock within timeout\.")),
    # _fs.py:572 (rename, move, rmtree)
    ("dmemfs._fs", "_assert_no_open_handles"):
        ("FileOpen", re.compile(r"File is open: '.*'", re.S)),
    # _fs.py:604
    ("dmemfs._fs", "remove"):
        ("FileOpen", re.compile(r"File is open: '.*'", re.S)),
    # _fs.py:1064
    ("dmemfs._fs", "import_tree"):
        ("FileOpen", re.compile(r"Cannot import: file is open: '.*'", re.S)),
}


def _raise_site(exc: BaseException):
    tb = exc.__traceback__
    if tb is None:
        return None
    while tb.tb_next is not None:
        tb = tb.tb_next
    frame = tb.tb_frame
    return (frame.f_globals.get("__name__"), frame.f_code.co_name)


def blocking_reason(exc: BaseException) -> str | None:
    site = _raise_site(exc)
    entry = BLOCKING_SITES.get(site)
    if entry is None:
        log("BlockingIOError raised at unknown site %r: answered as unmapped" % (site,))
        return None
    reason, pattern = entry
    if len(exc.args) != 1 or not isinstance(exc.args[0], str) or not pattern.fullmatch(exc.args[0]):
        log("BlockingIOError at %r with unexpected message %r: answered as unmapped" % (site, exc.args))
        return None
    return reason


def type_name(exc: BaseException) -> str:
    t = type(exc)
    if t.__module__ == "builtins":
        return t.__qualname__
    return "%s.%s" % (t.__module__, t.__qualname__)


def type_name_of(t: type) -> str:
    if t.__module__ == "builtins":
        return t.__qualname__
    return "%s.%s" % (t.__module__, t.__qualname__)


def unmapped(exc: BaseException) -> dict:
    return {"unmapped": {
        "type": type_name(exc),
        "message": str(exc),
        "traceback": "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
    }}


def map_exception(exc: BaseException) -> dict:
    """The response body (``outcome`` or ``unmapped``) for an exception D-MemFS raised."""
    kind = EXACT_KINDS.get(type(exc))
    if kind is None:
        return unmapped(exc)
    reason = None
    if kind == "WouldBlock":
        reason = blocking_reason(exc)
        if reason is None:
            return unmapped(exc)
    body = {"kind": kind, "reason": reason, "message": str(exc)}
    fields = AMOUNT_FIELDS.get(kind)
    if fields is not None:
        # The exception's own attributes (MFSQuotaExceededError.requested/.available,
        # MFSNodeLimitExceededError.current/.limit); one that is not an unsigned int is not
        # guessed at.
        amounts = {f: getattr(exc, f, None) for f in fields}
        if not all(_is_int(v) and v >= 0 for v in amounts.values()):
            log("%s with amounts %r: answered as unmapped" % (type_name(exc), amounts))
            return unmapped(exc)
        body["amounts"] = amounts
    return {"outcome": {"Err": body}}


# The amounts a quota error carries (PROTOCOL.md OUTCOME), by kind.
AMOUNT_FIELDS = {
    "QuotaExceeded": ("requested", "available"),
    "NodeLimitExceeded": ("current", "limit"),
}


class ReadintoContract(Exception):
    """D-MemFS's ``readinto`` answered something other than a byte count within its buffer:
    answered as ``unmapped`` (its type is this adapter's), never as a value."""


def ok(value) -> dict:
    return {"outcome": {"Ok": value}}


def err_invalid(message: str) -> dict:
    return {"outcome": {"Err": {"kind": "InvalidInput", "reason": None, "message": message}}}


# ---------------------------------------------------------------------------------------------
# Request validation
# ---------------------------------------------------------------------------------------------


class Answer:
    """A complete response body produced inside a call (not a D-MemFS return value)."""

    __slots__ = ("body",)

    def __init__(self, body: dict) -> None:
        self.body = body


class RequestError(Exception):
    """The request cannot be served: answered as {"id": N, "error": ...}."""


def _is_int(v) -> bool:
    return type(v) is int


def need(obj: dict, key: str, kind: str, where: str):
    if key not in obj:
        raise RequestError("%s: missing field %r" % (where, key))
    return check(obj[key], kind, "%s.%s" % (where, key))


def opt(obj: dict, key: str, kind: str, where: str):
    """Optional field; absent and null both give None."""
    v = obj.get(key)
    if v is None:
        return None
    return check(v, kind, "%s.%s" % (where, key))


def check(v, kind: str, where: str):
    if kind == "str":
        if type(v) is not str:
            raise RequestError("%s: expected a string, got %s" % (where, json.dumps(v)[:80]))
    elif kind == "int":
        if not _is_int(v):
            raise RequestError("%s: expected an integer, got %s" % (where, json.dumps(v)[:80]))
    elif kind == "int?":
        if v is not None and not _is_int(v):
            raise RequestError("%s: expected an integer or null, got %s" % (where, json.dumps(v)[:80]))
    elif kind == "num?":
        if v is not None and (type(v) not in (int, float)):
            raise RequestError("%s: expected a number or null, got %s" % (where, json.dumps(v)[:80]))
    elif kind == "bool":
        if type(v) is not bool:
            raise RequestError("%s: expected a boolean, got %s" % (where, json.dumps(v)[:80]))
    elif kind == "bytes":
        if type(v) is not list or not all(type(b) is int and 0 <= b <= 255 for b in v):
            raise RequestError("%s: expected an array of integers 0..255" % where)
        return bytes(v)
    else:  # pragma: no cover
        raise AssertionError(kind)
    return v


# ---------------------------------------------------------------------------------------------
# Value conversion (D-MemFS result -> protocol VALUE)
# ---------------------------------------------------------------------------------------------


def v_u64(n):
    if not _is_int(n) or n < 0:
        raise RequestError("D-MemFS returned %r where the protocol wants an unsigned integer" % (n,))
    return {"U64": n}


def v_bytes(b):
    if not isinstance(b, (bytes, bytearray)):
        raise RequestError("D-MemFS returned %r where the protocol wants bytes" % (type(b),))
    return {"Bytes": list(b)}


def v_names(names):
    return {"Names": [str(n) for n in names]}


def v_bool(b):
    if type(b) is not bool:
        raise RequestError("D-MemFS returned %r where the protocol wants a boolean" % (b,))
    return {"Bool": b}


def stat_value(st) -> dict:
    return {"size": st["size"], "created": to_ns(st["created_at"]),
            "modified": to_ns(st["modified_at"]), "generation": st["generation"],
            "is_dir": bool(st["is_dir"])}


STATS_KEYS = ("used_bytes", "quota_bytes", "free_bytes", "file_count", "dir_count",
              "chunk_count", "overhead_per_chunk_estimate")


def stats_value(st) -> dict:
    missing = [k for k in STATS_KEYS if k not in st]
    if missing:
        raise RequestError("D-MemFS stats() lacks %s (has %s)" % (missing, sorted(st)))
    extra = sorted(set(st) - set(STATS_KEYS))
    if extra:
        log("stats() has keys the protocol does not carry: %s" % extra)
    return {k: st[k] for k in STATS_KEYS}


def files_value(d) -> dict:
    return {"Files": {str(p): list(b) for p, b in d.items()}}


# ---------------------------------------------------------------------------------------------
# The adapter
# ---------------------------------------------------------------------------------------------

WHENCE = {"Start": 0, "Current": 1, "End": 2}

HANDLE_OPS = ("read", "read_into", "write", "seek", "tell", "truncate", "close")
OPS = ("open", "read", "read_into", "write", "seek", "tell", "truncate", "close", "mkdir", "listdir",
       "exists", "is_dir", "is_file", "stat", "stats", "get_size", "rename", "move", "remove",
       "rmtree", "copy", "copy_tree", "walk", "glob", "export_tree", "iter_export_tree",
       "export_as_bytes", "import_tree", "build")

GUARD_MODES = ("none", "init", "per_write")
GUARD_ACTIONS = {"warn": "warn", "error": "raise"}  # protocol -> D-MemFS


class Watchdog(threading.Thread):
    """Watches the call in flight (from its own thread; it never calls into D-MemFS except to
    release a hung call's locks):

    - A call that waits for a D-MemFS file lock with no deadline can never return: the harness
      drives one thread, and no other request can come while this one is pending. The watchdog
      sees that wait in the main thread's stack (``dmemfs._lock.acquire_read``/``acquire_write``
      with ``deadline`` None) and answers the request itself with ``hung``. It then closes the
      slots' handles so the blocked call finishes (its own answer is dropped) and marks the
      filesystem unusable until the next ``reset``.
    - Any call that runs for long gets a line on stderr, so the harness's stderr tail says what
      the child is doing.
    """

    POLL = 0.005
    LOG_AFTER = 2.0

    def __init__(self, adapter) -> None:
        super().__init__(name="dmemfs-adapter-watchdog", daemon=True)
        self.adapter = adapter
        self.main_ident = threading.main_thread().ident
        self.current = None  # (request id, op, start monotonic)
        self._reported = None
        self._waiting = None  # (current, where) of the previous poll's forever-wait

    def blocked_forever(self):
        """Where the main thread waits for a lock it can never get, or None.

        Only a wait inside ``threading.Condition.wait`` called from ``acquire_read``/
        ``acquire_write`` with ``deadline`` None counts: the thread sampled anywhere else in
        those functions (entering the condition, computing the deadline) is still running.

        The main thread keeps running while its stack is read, and CPython 3.11 does not make
        that read safe: a sampled chain once led to a ``str`` where a frame was expected, the
        AttributeError killed the watchdog, and the next forever-wait became a 10 s timeout
        instead of a ``hung`` answer. A sample that is not a chain of frames is no answer:
        None, and the next poll samples again (a hang needs two agreeing polls anyway).
        """
        try:
            return self._blocked_forever()
        except (AttributeError, TypeError, ValueError):
            return None

    def _blocked_forever(self):
        frame = sys._current_frames().get(self.main_ident)
        lock_frame = None
        inner = None  # the frame the lock function called
        f = frame
        while f is not None:
            if not isinstance(f, types.FrameType):
                return None  # a torn sample (see blocked_forever)
            if (f.f_globals.get("__name__") == "dmemfs._lock"
                    and f.f_code.co_name in ("acquire_read", "acquire_write")):
                lock_frame = f
                break
            inner = f
            f = f.f_back
        if lock_frame is None or inner is None:
            return None  # not in a lock function, or in it but not waiting
        # The frame acquire_* called must be the condition's wait (threading.py), not the
        # condition's __enter__ or the deadline helpers.
        called = inner
        while called.f_back is not lock_frame:
            called = called.f_back
            if not isinstance(called, types.FrameType):
                return None
        if called.f_code.co_name != "wait" or called.f_globals.get("__name__") != "threading":
            return None
        if lock_frame.f_locals.get("deadline", 0.0) is not None:
            return None  # a timed wait ends by itself
        caller = lock_frame.f_back
        where = "%s.%s (%s:%d)" % (
            "dmemfs._lock", lock_frame.f_code.co_name,
            os.path.basename(lock_frame.f_code.co_filename), lock_frame.f_lineno)
        if caller is not None:
            where += " called from %s.%s (%s:%d)" % (
                caller.f_globals.get("__name__"), caller.f_code.co_name,
                os.path.basename(caller.f_code.co_filename), caller.f_lineno)
        return where

    def run(self) -> None:
        while True:
            _REAL_TIME.sleep(self.POLL)
            cur = self.current
            if cur is None:
                continue
            elapsed = _REAL_TIME.monotonic() - cur[2]
            where = self.blocked_forever()
            # Seen waiting forever on two polls in a row for the same request: a thread that
            # is merely passing through the wait (woken, about to leave) is not answered hung.
            seen, self._waiting = self._waiting, (cur, where) if where is not None else None
            if where is not None and seen == (cur, where):
                self.adapter.answer_hung(cur[0], where, elapsed)
                continue
            if cur is not self._reported and elapsed >= self.LOG_AFTER:
                self._reported = cur
                log("request id=%s (op %s) has been inside D-MemFS for %.1f s"
                    % (cur[0], cur[1], elapsed))


class Adapter:
    def __init__(self) -> None:
        self.fs = None
        self.config = None
        self.fs_kwargs = None
        self.slots: list = []
        self.clock = None  # "settable" | "system"
        self.settable = False
        self.settable_capable = False
        self.trace = os.environ.get("DMEMFS_ADAPTER_TRACE") == "1"
        # Responses are written under this lock: the watchdog may answer a hung request.
        self.out_lock = threading.Lock()
        self.hung_rid = None  # the request the watchdog answered (its own answer is dropped)
        self.poisoned = None  # why the filesystem is unusable until reset
        self.warnings = 0  # memory-guard warnings since the filesystem was built
        self.watchdog = Watchdog(self)
        self.watchdog.start()

    # -- handshake / lifecycle ----------------------------------------------------------------

    def hello(self, req: dict) -> dict:
        if self.fs is not None:
            raise RequestError("hello was already received")
        proto = req.get("protocol")
        if proto != PROTOCOL_VERSION:
            raise RequestError("this adapter speaks protocol %d, the request asks for %s"
                               % (PROTOCOL_VERSION, json.dumps(proto)))
        cfg = req.get("config")
        if type(cfg) is not dict:
            raise RequestError("hello: config must be an object")
        w = "hello.config"
        quota = need(cfg, "quota", "int", w)
        overhead = need(cfg, "chunk_overhead", "int?", w)
        storage = need(cfg, "storage", "str", w)
        phl = need(cfg, "promotion_hard_limit", "int?", w)
        max_nodes = need(cfg, "max_nodes", "int?", w)
        lock_ms = need(cfg, "lock_timeout_ms", "num?", w)
        slots = need(cfg, "slots", "int", w)
        if slots < 0:
            raise RequestError("hello.config.slots must be >= 0")
        guard = opt(cfg, "memory_guard", "str", w) or "none"
        action = opt(cfg, "memory_guard_action", "str", w) or "warn"
        if guard not in GUARD_MODES or action not in GUARD_ACTIONS:
            raise RequestError("hello.config: memory_guard %s / memory_guard_action %s: expected "
                               "none|init|per_write / warn|error" % (json.dumps(guard), json.dumps(action)))
        available = opt(cfg, "available_memory", "int", w)
        host_root = opt(cfg, "host_root", "str", w)
        if host_root is not None and not os.path.isdir(host_root):
            raise RequestError("hello.config.host_root %s is not a directory" % json.dumps(host_root))
        extra = sorted(set(cfg) - {"quota", "chunk_overhead", "storage", "promotion_hard_limit",
                                   "max_nodes", "lock_timeout_ms", "slots", "memory_guard",
                                   "memory_guard_action", "available_memory", "host_root"})
        if extra:
            log("hello.config fields ignored: %s" % extra)
        clock = req.get("clock")
        if clock not in ("settable", "system"):
            raise RequestError("hello: clock must be \"settable\" or \"system\", got %s"
                               % json.dumps(clock))

        problem = clock_self_test()
        self.settable_capable = problem is None
        if problem is not None:
            log("clock patch does not work, settable_clock: false (%s)" % problem)
        self.clock = clock
        self.settable = clock == "settable" and self.settable_capable
        if self.settable:
            patch_clock()
            log("clock: settable (patched 'time' in %s)" % ", ".join(m.__name__ for m in _PATCHED))
        else:
            log("clock: system (nothing patched)")
        if dmemfs.__version__ != EXPECTED_DMEMFS_VERSION:
            log("warning: dmemfs %s is installed, this adapter was written for %s"
                % (dmemfs.__version__, EXPECTED_DMEMFS_VERSION))

        self.fs_kwargs = dict(
            max_quota=quota,
            chunk_overhead_override=overhead,
            promotion_hard_limit=phl,
            max_nodes=max_nodes,
            default_storage=storage,
            default_lock_timeout=None if lock_ms is None else lock_ms / 1000,
            memory_guard=guard,
            memory_guard_action=GUARD_ACTIONS[action],
            memory_guard_interval=0,  # no cached answer: every check asks the probe
        )
        simulate_host(available, host_root)
        self.config = cfg
        try:
            self._build(slots)
        except RequestError:
            unpatch_clock()
            self.settable = False
            raise
        return {"hello": {
            "name": ADAPTER_NAME,
            "version": dmemfs.__version__,
            "protocol": PROTOCOL_VERSION,
            "capabilities": {
                "settable_clock": self.settable_capable,
                "snapshot": False,
                "ops": list(OPS),
                "call_observe": True,
                "warnings": True,
                "layouts": True,
                "error_amounts": True,
            },
        }}

    def _build(self, nslots: int) -> None:
        if self.settable:
            set_clock_ns(0)  # hello and reset carry no time: the root is created at 0
        fs, n = guard_warnings(lambda: MemoryFileSystem(**self.fs_kwargs))
        if isinstance(fs, Exception):
            raise RequestError("cannot build MemoryFileSystem(%s): %s: %s"
                               % (", ".join("%s=%r" % kv for kv in self.fs_kwargs.items()),
                                  type_name(fs), fs))
        self.fs = fs
        self.warnings = n  # the build's own (memory_guard init)
        self.slots = [None] * nslots

    def answer_hung(self, rid, where: str, elapsed: float) -> None:
        """Answers request `rid` with ``hung`` (from the watchdog thread) and releases the
        locks its call waits for, so the main thread comes back."""
        with self.out_lock:
            if self.watchdog.current is None or self.watchdog.current[0] != rid:
                return  # the call returned meanwhile
            self.watchdog.current = None
            self.hung_rid = rid
            self.poisoned = "request %s hung (%s)" % (rid, where)
            write_line(sys.stdout, {"id": rid, "hung": {
                "waiting_in": where, "after_ms": int(elapsed * 1000)}})
        log("request id=%s hung: %s; closing the slots' handles to release it" % (rid, where))
        for h in self.slots:
            if h is not None:
                try:
                    h.close()
                except Exception as e:
                    log("closing a handle after the hang raised %s: %s" % (type_name(e), e))

    def reset(self) -> dict:
        old = self.slots
        self.poisoned = None
        self._build(len(self.slots))
        for h in old:  # handles of the discarded filesystem: release them quietly
            if h is not None:
                try:
                    h.close()
                except Exception as e:
                    log("reset: closing an old handle raised %s: %s" % (type_name(e), e))
        return {"done": True}

    # -- observation ----------------------------------------------------------------------------

    def observe(self) -> dict:
        if self.poisoned:
            raise RequestError("the filesystem is unusable until reset: " + self.poisoned)
        fs = self.fs
        nodes: dict = {}
        limit = len(fs._nodes) + 1  # cycle guard only (internal: the node table's size)
        stack = ["/"]
        while stack:
            path = stack.pop()
            if path in nodes:
                log("observe: two nodes share the path %r (a child named %r?); the second is "
                    "not listed" % (path, ""))
                continue
            if len(nodes) >= limit:
                raise RequestError("observe: more reachable paths than nodes (a cycle?)")
            st = fs.stat(path)
            if st["is_dir"]:
                children = fs.listdir(path)
                nodes[path] = {"Dir": {"children": list(children),
                                       "created": to_ns(st["created_at"]),
                                       "modified": to_ns(st["modified_at"])}}
                base = path.rstrip("/")
                for name in reversed(children):
                    child = base + "/" + name
                    if child == path:
                        log("observe: directory %r has a child named %r whose path is the "
                            "directory's own; it is listed in children only" % (path, name))
                        continue
                    stack.append(child)
            else:
                nodes[path] = {"File": {"data": list(self._file_data(path)),
                                        "generation": st["generation"],
                                        "created": to_ns(st["created_at"]),
                                        "modified": to_ns(st["modified_at"])}}
        layouts = {p: self._file_layout(p) for p, n in nodes.items() if "File" in n}
        handles = []
        for h in self.slots:
            if h is None:
                handles.append(None)
                continue
            closed = bool(h.closed)
            handles.append({"path": h._path, "mode": h._mode,
                            "pos": h._cursor if closed else h.tell(),
                            "closed": closed})
        return {"observation": {"nodes": nodes, "stats": stats_value(fs.stats()),
                                "handles": handles, "warnings": self.warnings,
                                "layouts": layouts}}

    def _file_layout(self, path: str):
        """The storage layout of the file at `path`, read from D-MemFS's internals (it has no
        public API for it): a SequentialMemoryFile's chunk sizes, or RandomAccess."""
        storage = self.fs._resolve_path(path).storage
        if type(storage) is SequentialMemoryFile:
            return {"Sequential": [len(c) for c in storage._chunks]}
        if type(storage) is RandomAccessMemoryFile:
            return "RandomAccess"
        raise RequestError("observe: %s has storage of unknown class %s"
                           % (path, type_name_of(type(storage))))

    def _file_data(self, path: str) -> bytes:
        fnode = self.fs._resolve_path(path)  # internal, to see whether a writer holds it
        if fnode._rw_lock._write_held:
            # export_as_bytesio would wait forever for the read lock: read the storage directly
            return fnode.storage.read_at(0, fnode.storage.get_size())
        return self.fs.export_as_bytesio(path).getvalue()

    # -- calls ----------------------------------------------------------------------------------

    def call(self, req: dict, rid) -> dict:
        if self.poisoned:
            raise RequestError("the filesystem is unusable until reset: " + self.poisoned)
        if self.settable:
            if "time" not in req:
                raise RequestError("call without \"time\" under clock \"settable\"")
            t = check(req["time"], "int", "time")
        c = req.get("call")
        if type(c) is not dict:
            raise RequestError("call: \"call\" must be an object")
        op = c.get("op")
        if type(op) is not str:
            raise RequestError("call: missing or non-string \"op\"")
        fn = getattr(self, "op_" + op, None)
        if fn is None or op not in OPS:
            raise RequestError("call: unknown op %s" % json.dumps(op))
        if op in HANDLE_OPS or op == "open":
            slot = need(c, "slot", "int", op)
            if not 0 <= slot < len(self.slots):
                raise RequestError("%s: slot %d out of range 0..%d" % (op, slot, len(self.slots) - 1))
        # validate every argument before touching D-MemFS; thunk() makes the D-MemFS call(s)
        thunk, convert = fn(c)
        if op in HANDLE_OPS and op != "close" and self.slots[c["slot"]] is None:
            return err_invalid("slot %d holds no handle (adapter: nothing was ever opened "
                               "into it); D-MemFS was not called" % c["slot"])
        if self.settable:
            set_clock_ns(t)
        self.watchdog.current = (rid, op, _REAL_TIME.monotonic())
        try:
            # A guard warning counts whether the call then succeeds or fails.
            result, n = guard_warnings(thunk)
            self.warnings += n
        finally:
            with self.out_lock:
                self.watchdog.current = None
        if isinstance(result, Exception):
            body = map_exception(result)
            if req.get("observe") is True and "outcome" in body and not self.poisoned:
                body.update(self.observe())
            return body
        if type(result) is Answer:
            return result.body
        body = ok(convert(result))
        if req.get("observe") is True:
            body.update(self.observe())
        return body

    # Each op_X validates its fields and returns (thunk, convert): thunk() calls D-MemFS,
    # convert(result) builds the VALUE.

    def op_open(self, c):
        slot = c["slot"]
        path = need(c, "path", "str", "open")
        mode = need(c, "mode", "str", "open")
        prealloc = need(c, "preallocate", "int", "open")
        ms = opt(c, "lock_timeout_ms", "num?", "open")
        timeout = None if ms is None else ms / 1000

        def thunk():
            h = self.fs.open(path, mode, prealloc, timeout)
            old = self.slots[slot]
            self.slots[slot] = h
            if old is not None:
                try:
                    old.close()  # after the open: the old handle's lock counted during it
                except Exception as e:
                    log("open: closing the slot's previous handle raised %s" % type_name(e))
                    return Answer(unmapped(e))
            return None
        return thunk, lambda _r: "Unit"

    def op_read(self, c):
        h = self.slots[c["slot"]]
        mx = opt(c, "max", "int?", "read")
        n = -1 if mx is None else mx
        return (lambda: h.read(n)), v_bytes

    def op_read_into(self, c):
        h = self.slots[c["slot"]]
        size = need(c, "size", "int", "read_into")
        if size < 0:
            raise RequestError("read_into.size must be >= 0, got %d" % size)
        # The caller's buffer, allocated before D-MemFS is called (a MemoryError here is the
        # adapter's, not the subject's), filled with the harness's sentinel byte 0xA5 as the
        # core executor's is, so bytes reported but never copied cannot hide among zeros.
        try:
            buf = bytearray(b"\xa5") * size
        except MemoryError:
            raise RequestError("read_into: cannot allocate a buffer of %d bytes" % size)

        def thunk():
            n = h.readinto(buf)
            if type(n) is not int or not 0 <= n <= size:
                # RawIOBase.readinto may answer None (non-blocking) or, broken, a count the
                # buffer cannot hold: not a value the protocol can carry, so not guessed.
                raise ReadintoContract("readinto into a buffer of %d bytes returned %r" % (size, n))
            return bytes(buf[:n])
        return thunk, v_bytes

    def op_write(self, c):
        h = self.slots[c["slot"]]
        data = need(c, "data", "bytes", "write")
        return (lambda: h.write(data)), v_u64

    def op_seek(self, c):
        h = self.slots[c["slot"]]
        whence = need(c, "whence", "str", "seek")
        if whence not in WHENCE:
            raise RequestError("seek.whence must be Start, Current or End, got %s" % json.dumps(whence))
        offset = need(c, "offset", "int", "seek")
        w = WHENCE[whence]
        return (lambda: h.seek(offset, w)), v_u64

    def op_tell(self, c):
        h = self.slots[c["slot"]]
        return (lambda: h.tell()), v_u64

    def op_truncate(self, c):
        h = self.slots[c["slot"]]
        if "size" not in c:
            raise RequestError("truncate: missing field 'size' (null = at the cursor)")
        size = check(c["size"], "int?", "truncate.size")
        return (lambda: h.truncate(size)), v_u64

    def op_close(self, c):
        h = self.slots[c["slot"]]
        if h is None:
            return (lambda: None), lambda _r: "Unit"
        return (lambda: h.close()), lambda _r: "Unit"

    def op_mkdir(self, c):
        path = need(c, "path", "str", "mkdir")
        exist_ok = need(c, "exist_ok", "bool", "mkdir")
        return (lambda: self.fs.mkdir(path, exist_ok)), lambda _r: "Unit"

    def op_listdir(self, c):
        path = need(c, "path", "str", "listdir")
        return (lambda: self.fs.listdir(path)), v_names

    def op_exists(self, c):
        path = need(c, "path", "str", "exists")
        return (lambda: self.fs.exists(path)), v_bool

    def op_is_dir(self, c):
        path = need(c, "path", "str", "is_dir")
        return (lambda: self.fs.is_dir(path)), v_bool

    def op_is_file(self, c):
        path = need(c, "path", "str", "is_file")
        return (lambda: self.fs.is_file(path)), v_bool

    def op_stat(self, c):
        path = need(c, "path", "str", "stat")
        return (lambda: self.fs.stat(path)), lambda st: {"Stat": stat_value(st)}

    def op_stats(self, c):
        return (lambda: self.fs.stats()), lambda st: {"Stats": stats_value(st)}

    def op_get_size(self, c):
        path = need(c, "path", "str", "get_size")
        return (lambda: self.fs.get_size(path)), v_u64

    def _two(self, c, op, method):
        src = need(c, "src", "str", op)
        dst = need(c, "dst", "str", op)
        return (lambda: getattr(self.fs, method)(src, dst)), lambda _r: "Unit"

    def op_rename(self, c):
        return self._two(c, "rename", "rename")

    def op_move(self, c):
        return self._two(c, "move", "move")

    def op_copy(self, c):
        return self._two(c, "copy", "copy")

    def op_copy_tree(self, c):
        return self._two(c, "copy_tree", "copy_tree")

    def op_remove(self, c):
        path = need(c, "path", "str", "remove")
        return (lambda: self.fs.remove(path)), lambda _r: "Unit"

    def op_rmtree(self, c):
        path = need(c, "path", "str", "rmtree")
        return (lambda: self.fs.rmtree(path)), lambda _r: "Unit"

    def op_walk(self, c):
        path = need(c, "path", "str", "walk")
        return (lambda: list(self.fs.walk(path))), \
            lambda w: {"Walk": [[d, list(dn), list(fn)] for d, dn, fn in w]}

    def op_glob(self, c):
        pattern = need(c, "pattern", "str", "glob")
        return (lambda: self.fs.glob(pattern)), v_names

    def op_export_tree(self, c):
        prefix = need(c, "prefix", "str", "export_tree")
        only_dirty = need(c, "only_dirty", "bool", "export_tree")
        return (lambda: self.fs.export_tree(prefix, only_dirty)), files_value

    def op_iter_export_tree(self, c):
        prefix = need(c, "prefix", "str", "iter_export_tree")
        only_dirty = need(c, "only_dirty", "bool", "iter_export_tree")
        return (lambda: dict(self.fs.iter_export_tree(prefix, only_dirty))), files_value

    def op_export_as_bytes(self, c):
        path = need(c, "path", "str", "export_as_bytes")
        if "max_size" not in c:
            raise RequestError("export_as_bytes: missing field 'max_size' (null = no limit)")
        max_size = check(c["max_size"], "int?", "export_as_bytes.max_size")
        return (lambda: self.fs.export_as_bytesio(path, max_size).getvalue()), v_bytes

    def op_import_tree(self, c):
        entries = c.get("entries")
        if type(entries) is not list:
            raise RequestError("import_tree: entries must be an array of [path, bytes]")
        pairs = []
        for i, e in enumerate(entries):
            if type(e) is not list or len(e) != 2:
                raise RequestError("import_tree.entries[%d]: expected [path, bytes]" % i)
            pairs.append((check(e[0], "str", "import_tree.entries[%d][0]" % i),
                          check(e[1], "bytes", "import_tree.entries[%d][1]" % i)))
        return (lambda: self.fs.import_tree(dict(pairs))), lambda _r: "Unit"

    def op_build(self, c):
        quota = opt(c, "quota", "int", "build")
        guard = need(c, "memory_guard", "str", "build")
        action = need(c, "memory_guard_action", "str", "build")
        if guard not in GUARD_MODES or action not in GUARD_ACTIONS:
            raise RequestError("build: memory_guard %s / memory_guard_action %s: expected "
                               "none|init|per_write / warn|error" % (json.dumps(guard), json.dumps(action)))
        kwargs = dict(self.fs_kwargs, memory_guard=guard, memory_guard_action=GUARD_ACTIONS[action])
        if quota is not None:
            kwargs["max_quota"] = quota

        def thunk():
            # Another filesystem on the same host, dropped at once; its warnings are its own.
            other, n = guard_warnings(lambda: MemoryFileSystem(**kwargs))
            if isinstance(other, Exception):
                raise other
            return n
        return thunk, v_u64

    # -- dispatch -------------------------------------------------------------------------------

    def handle(self, req: dict, rid) -> tuple[dict, bool]:
        """Returns (response body without id, exit after answering)."""
        typ = req.get("type")
        if typ == "hello":
            return self.hello(req), False
        if self.fs is None:
            raise RequestError("the first request must be hello (got type %s)" % json.dumps(typ))
        if typ == "call":
            return self.call(req, rid), False
        if typ == "observe":
            return self.observe(), False
        if typ == "reset":
            return self.reset(), False
        if typ == "bye":
            return {"done": True}, True
        if typ in ("snapshot", "restore"):
            raise RequestError("%s: this adapter does not offer the snapshot capability" % typ)
        raise RequestError("unknown request type %s" % json.dumps(typ))


def write_line(out, resp: dict) -> None:
    try:
        text = json.dumps(resp, separators=(",", ":"))
    except Exception as e:
        text = json.dumps({"id": resp.get("id"), "error": "adapter could not encode its response: %s" % e})
    out.write(text + "\n")
    out.flush()


def _reject_constant(name):
    raise ValueError("invalid JSON constant %s" % name)


def main() -> int:
    out = sys.stdout
    adapter = Adapter()
    log("started (dmemfs %s, python %s, pid %d)"
        % (dmemfs.__version__, sys.version.split()[0], os.getpid()))
    stdin = sys.stdin.buffer
    while True:
        try:
            raw = stdin.readline()
        except KeyboardInterrupt:
            return 130
        if not raw:
            log("stdin closed without bye; exiting")
            return 0
        line = raw.rstrip(b"\r\n")
        if not line.strip():
            log("blank line ignored (it carries no request)")
            continue
        rid = None
        finish = False
        try:
            try:
                req = json.loads(line.decode("utf-8"), parse_constant=_reject_constant)
            except (UnicodeDecodeError, ValueError) as e:
                raise RequestError("unparsable request line (%s): %r" % (e, line[:200]))
            if type(req) is not dict:
                raise RequestError("a request must be a JSON object")
            if _is_int(req.get("id")) and req["id"] >= 0:
                rid = req["id"]
            else:
                raise RequestError("request without an unsigned integer id")
            if adapter.trace:
                log("<- %s" % line[:500].decode("utf-8", "replace"))
            body, finish = adapter.handle(req, rid)
        except RequestError as e:
            body = {"error": str(e)}
        except Exception as e:  # a bug of the adapter itself: still answer, never die
            body = {"error": "adapter internal error: %s: %s\n%s"
                    % (type_name(e), e, traceback.format_exc())}
            log(body["error"])
        resp = {"id": rid}
        resp.update(body)
        try:
            with adapter.out_lock:
                if rid is not None and rid == adapter.hung_rid:
                    adapter.hung_rid = None
                    log("request id=%s returned after its hang was reported; answer dropped" % rid)
                else:
                    write_line(out, resp)
        except BrokenPipeError:
            return 0
        if finish:
            log("bye")
            return 0


if __name__ == "__main__":
    sys.exit(main())
