"""The session model: what happened in a recorded Realtime session, as plain typed data.

Built incrementally by :class:`realtime_cli.session.builder.SessionBuilder` (one record at a
time, bounded memory), read by every view (``stats``, ``ls``, ``show``, the HTML report) and by
user code through the public API (:func:`realtime_cli.load_sessions`)::

    from realtime_cli import load_sessions

    run = load_sessions("call.jsonl")
    assert run.failed == 0, run.failure_reasons
    assert (run.latency.p95 or 0) < 1200  # ms
    assert not run.unanswered_calls

Definitions (also in the README, "Latency and cost"):

- **response latency**: from the end of the user's turn to the response's first output delta
  (audio, transcript, text or function-call arguments). The end of the turn is the
  ``input_audio_buffer.speech_stopped`` that closed it; for a turn without speech, the client's
  ``response.create`` that asked for the response, else the client ``conversation.item.create``
  it answers. Needs wall-clock times in the log (``None`` otherwise).
- **time to created / to done**: from the same anchor to ``response.created`` / ``response.done``.
- **transcription latency**: ``speech_stopped`` to ``...input_audio_transcription.completed`` of
  the same item.
- **percentiles**: exact, nearest-rank (the smallest value with at least p% of the values at or
  below it), over every response that has a latency.

All times are milliseconds. Wall-clock instants (``t_*`` fields, ``start_ms``/``end_ms``) are
milliseconds on the log's own clock (epoch milliseconds for epoch timestamps): only differences
are meaningful. ``audio_*_ms`` fields are the protocol's input-audio clock.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from dataclasses import dataclass, field, fields

NO_CLOCK = "no wall-clock times in this log"
"""What views say once instead of blank latency columns when a log has no timestamps."""

PERCENTILE_METHOD = "nearest-rank"


# --------------------------------------------------------------------------- latency


@dataclass(frozen=True, slots=True)
class LatencyStats:
    """Exact nearest-rank percentiles of a set of durations (ms); all ``None`` when empty."""

    count: int = 0
    p50: float | None = None
    p90: float | None = None
    p95: float | None = None
    p99: float | None = None
    max: float | None = None
    mean: float | None = None
    method: str = PERCENTILE_METHOD

    @classmethod
    def of(cls, values: array[float] | list[float]) -> LatencyStats:
        """Percentiles of ``values`` (sorted here; the input is not changed)."""
        if not values:
            return cls()
        s = sorted(values)
        return cls(
            count=len(s),
            p50=nearest_rank(s, 50),
            p90=nearest_rank(s, 90),
            p95=nearest_rank(s, 95),
            p99=nearest_rank(s, 99),
            max=s[-1],
            mean=sum(s) / len(s),
        )


def nearest_rank(sorted_values: list[float], p: float) -> float:
    """The nearest-rank p-th percentile of an ascending, non-empty list: the value at rank
    ``ceil(p/100 * n)`` (1-based)."""
    n = len(sorted_values)
    rank = max(1, math.ceil(p / 100.0 * n))
    return sorted_values[min(rank, n) - 1]


# --------------------------------------------------------------------------- usage and cost


@dataclass(slots=True)
class TokenUsage:
    """Token counts summed from ``response.done`` usage (missing figures count as 0)."""

    input: int = 0
    output: int = 0
    total: int = 0
    cached: int = 0
    input_text: int = 0
    input_audio: int = 0
    input_image: int = 0
    cached_text: int = 0
    cached_audio: int = 0
    cached_image: int = 0
    output_text: int = 0
    output_audio: int = 0

    def add(self, other: TokenUsage) -> None:
        """Add ``other``'s counts to these."""
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @property
    def cached_share(self) -> float | None:
        """cached / input tokens, or None when there were no input tokens."""
        return self.cached / self.input if self.input else None


@dataclass(slots=True)
class Cost:
    """Money (USD) from usage and the price table. ``unpriced`` names models absent from the
    table (their responses add nothing to ``usd``); ``unpriced_responses`` counts them."""

    usd: float = 0.0
    priced_responses: int = 0
    unpriced_responses: int = 0
    unpriced: Counter[str] = field(default_factory=Counter)
    price_sources: set[str] = field(default_factory=set)

    def add(self, other: Cost) -> None:
        """Add ``other`` into this one."""
        self.usd += other.usd
        self.priced_responses += other.priced_responses
        self.unpriced_responses += other.unpriced_responses
        self.unpriced.update(other.unpriced)
        self.price_sources |= other.price_sources

    @property
    def known(self) -> bool:
        """True when at least one response was priced."""
        return self.priced_responses > 0


# --------------------------------------------------------------------------- responses


@dataclass(slots=True)
class FunctionCall:
    """A function (or MCP) call the model made, and the output the client sent back."""

    call_id: str | None
    name: str | None
    arguments: str | None
    item_id: str | None = None
    response_id: str | None = None
    line: int = 0
    output: str | None = None
    """The ``function_call_output`` item's ``output`` the client sent back (None: not sent)."""
    output_line: int | None = None
    t_output: float | None = None

    @property
    def answered(self) -> bool:
        """True when a ``function_call_output`` with this ``call_id`` was sent back."""
        return self.output_line is not None


@dataclass(slots=True)
class OutputItem:
    """One output item of a response (text and transcripts cut to a preview length)."""

    index: int | None
    id: str | None
    type: str | None
    status: str | None = None
    text: str | None = None
    transcript: str | None = None
    audio_ms: float | None = None
    """Duration of the streamed audio (None: no audio delta in the log)."""
    call: FunctionCall | None = None


@dataclass(slots=True)
class Interruption:
    """A response cut short: cancelled (``turn_detected`` or by the client), or whose audio
    item was truncated (the user barged in while it played)."""

    response_id: str
    reason: str
    """``turn_detected``, ``client_cancelled``, another status_details reason, or ``truncated``."""
    line: int
    item_id: str | None = None
    audio_generated_ms: float | None = None
    """Audio the response streamed (None when the audio is not in the log, e.g. WebRTC)."""
    audio_heard_ms: float | None = None
    """``audio_end_ms`` of the truncation: how much the user heard (None: no truncation)."""
    truncated_by: str | None = None
    """``client`` (conversation.item.truncate), ``server`` (conversation.item.truncated alone)."""
    truncate_line: int | None = None
    barge_in_turn: int | None = None
    """Index of the user turn whose speech interrupted the response, when there was one."""
    produced_turn: bool | None = None
    """Whether that barge-in became a turn that got a response (None: no barge-in speech)."""


@dataclass(slots=True)
class ResponseInfo:
    """One response: status and why, what it produced, its timings, tokens and cost."""

    id: str
    path: str
    session_index: int
    turn_index: int | None = None
    status: str | None = None
    """The status of ``response.done``; None when the log has no ``response.done``."""
    reason: str | None = None
    """``status_details.reason``, or the error code (failed responses)."""
    error_type: str | None = None
    error_message: str | None = None
    model: str | None = None
    dialect: str | None = None
    first_line: int = 0
    last_line: int = 0
    done_line: int | None = None
    trigger: str | None = None
    """What the latency is measured from: ``speech``, ``create`` (response.create), ``item``."""
    t_anchor: float | None = None
    t_created: float | None = None
    t_first_output: float | None = None
    t_done: float | None = None
    items: list[OutputItem] = field(default_factory=list)
    usage: TokenUsage | None = None
    cost_usd: float | None = None
    audio_out_ms: float | None = None
    interruption: Interruption | None = None

    @property
    def done(self) -> bool:
        """True when the log holds this response's ``response.done``."""
        return self.done_line is not None

    @property
    def shown_status(self) -> str:
        """``status``, or ``unfinished`` when the log has no ``response.done``."""
        return self.status if self.status is not None else "unfinished"

    @property
    def latency_ms(self) -> float | None:
        """End of the user's turn to the first output delta (see the module docstring)."""
        return _diff(self.t_anchor, self.t_first_output)

    @property
    def to_created_ms(self) -> float | None:
        return _diff(self.t_anchor, self.t_created)

    @property
    def to_done_ms(self) -> float | None:
        return _diff(self.t_anchor, self.t_done)

    @property
    def function_calls(self) -> list[FunctionCall]:
        return [it.call for it in self.items if it.call is not None]

    @property
    def total_tokens(self) -> int | None:
        return None if self.usage is None else self.usage.total


def _diff(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else b - a


# --------------------------------------------------------------------------- turns


@dataclass(slots=True)
class Turn:
    """A user input and what it caused.

    ``kind`` is ``speech`` (speech_started .. speech_stopped, committed into ``item_id``),
    ``audio`` (an input audio buffer the client committed itself, no server VAD) or ``text`` (a
    ``conversation.item.create`` of a user message).
    """

    index: int
    kind: str
    line: int
    item_id: str | None = None
    audio_start_ms: int | None = None
    audio_end_ms: int | None = None
    t_start: float | None = None
    t_end: float | None = None
    transcript: str | None = None
    text: str | None = None
    t_transcribed: float | None = None
    transcription_failed: str | None = None
    committed: bool = False
    response_ids: list[str] = field(default_factory=list)

    @property
    def speech_ms(self) -> int | None:
        """Length of the user's speech on the input-audio clock."""
        if self.audio_start_ms is None or self.audio_end_ms is None:
            return None
        return self.audio_end_ms - self.audio_start_ms

    @property
    def transcription_latency_ms(self) -> float | None:
        """``speech_stopped`` to ``input_audio_transcription.completed``."""
        return _diff(self.t_end, self.t_transcribed)


# --------------------------------------------------------------------------- sessions


@dataclass(slots=True)
class Session:
    """One session of a log: counters for everything, details only when kept.

    ``responses``/``turns``/``interruptions``/``calls`` hold every object when the builder keeps
    details (the API default, the HTML report); ``stats``/``ls`` keep only counters and the
    compact latency array, so memory does not grow with the number of responses.
    """

    index: int
    path: str
    session_id: str | None = None
    model: str | None = None
    dialect: str | None = None
    first_line: int = 0
    last_line: int = 0
    start_ms: float | None = None
    end_ms: float | None = None
    events: Counter[str] = field(default_factory=Counter)
    statuses: Counter[str] = field(default_factory=Counter)
    failure_reasons: Counter[str] = field(default_factory=Counter)
    """``status: reason`` (e.g. ``failed: rate_limit_exceeded``) for every response not completed."""
    errors: Counter[str] = field(default_factory=Counter)
    """Server ``error`` events by ``error.code`` (``error.type`` when there is no code)."""
    turn_count: int = 0
    response_count: int = 0
    interruption_count: int = 0
    barge_ins: int = 0
    """Interruptions during which the user started speaking (a barge-in)."""
    barge_ins_producing_turns: int = 0
    call_count: int = 0
    answered_calls: int = 0
    usage: TokenUsage = field(default_factory=TokenUsage)
    cost: Cost = field(default_factory=Cost)
    audio_in_ms: float = 0.0
    audio_out_ms: float = 0.0
    audio_in_events: int = 0
    audio_out_events: int = 0
    latencies: array[float] = field(default_factory=lambda: array("d"))
    """Every response latency (ms), in response order: 8 bytes each."""
    transcription_latencies: array[float] = field(default_factory=lambda: array("d"))
    diagnostics: Counter[str] = field(default_factory=Counter)
    responses: list[ResponseInfo] = field(default_factory=list)
    turns: list[Turn] = field(default_factory=list)
    interruptions: list[Interruption] = field(default_factory=list)
    unanswered: list[FunctionCall] = field(default_factory=list)
    """Function calls with no ``function_call_output`` sent back (always kept, capped)."""

    @property
    def duration_ms(self) -> float | None:
        """Last minus first wall-clock time of the session (None without timestamps)."""
        return _diff(self.start_ms, self.end_ms)

    @property
    def has_clock(self) -> bool:
        return self.start_ms is not None

    @property
    def latency(self) -> LatencyStats:
        return LatencyStats.of(self.latencies)

    @property
    def failed(self) -> int:
        return self.statuses.get("failed", 0)

    @property
    def unanswered_calls(self) -> int:
        return self.call_count - self.answered_calls


@dataclass(slots=True)
class LogModel:
    """Every session of one input, plus what belongs to the file."""

    path: str
    sessions: list[Session] = field(default_factory=list)
    dialect: str | None = None
    unreadable_lines: int = 0
    """Lines that did not parse (a line parsed with only a warning is not counted)."""
    readable: bool = True
    clock: str | None = None
    """How times were read (``ts: epoch ms``, ``timestamp: ISO 8601`` ...), or None."""


@dataclass(slots=True)
class RunModel:
    """Several inputs together: the logs, and totals over all their sessions."""

    logs: list[LogModel] = field(default_factory=list)

    @property
    def sessions(self) -> list[Session]:
        return [s for log in self.logs for s in log.sessions]

    def _sum(self, name: str) -> int:
        return sum(getattr(s, name) for s in self.sessions)

    @property
    def response_count(self) -> int:
        return self._sum("response_count")

    @property
    def turn_count(self) -> int:
        return self._sum("turn_count")

    @property
    def failed(self) -> int:
        return sum(s.failed for s in self.sessions)

    @property
    def statuses(self) -> Counter[str]:
        out: Counter[str] = Counter()
        for s in self.sessions:
            out.update(s.statuses)
        return out

    @property
    def failure_reasons(self) -> Counter[str]:
        out: Counter[str] = Counter()
        for s in self.sessions:
            out.update(s.failure_reasons)
        return out

    @property
    def errors(self) -> Counter[str]:
        out: Counter[str] = Counter()
        for s in self.sessions:
            out.update(s.errors)
        return out

    @property
    def responses(self) -> list[ResponseInfo]:
        """Every kept response (empty when details were not kept)."""
        return [r for s in self.sessions for r in s.responses]

    @property
    def unanswered_calls(self) -> list[FunctionCall]:
        return [c for s in self.sessions for c in s.unanswered]

    @property
    def latency(self) -> LatencyStats:
        values: array[float] = array("d")
        for s in self.sessions:
            values.extend(s.latencies)
        return LatencyStats.of(values)

    @property
    def usage(self) -> TokenUsage:
        out = TokenUsage()
        for s in self.sessions:
            out.add(s.usage)
        return out

    @property
    def cost(self) -> Cost:
        out = Cost()
        for s in self.sessions:
            out.add(s.cost)
        return out
