"""Beta / GA dialect facts and detection.

Client and server event names never overlap, and most events exist in both dialects with
the same name. A dialect is decided by *strong* signals that only the server (or a
dialect-only event name) gives; client-side shapes are checked against the decided dialect
(rule RT202) and only used as a last resort when the server says nothing.
"""

from __future__ import annotations

from typing import Any

BETA, GA = "beta", "ga"
DIALECTS = (BETA, GA)

_CLIENT_SHARED = frozenset({
    "session.update",
    "input_audio_buffer.append",
    "input_audio_buffer.commit",
    "input_audio_buffer.clear",
    "output_audio_buffer.clear",
    "conversation.item.create",
    "conversation.item.retrieve",
    "conversation.item.truncate",
    "conversation.item.delete",
    "response.create",
    "response.cancel",
})
_SERVER_SHARED = frozenset({
    "error",
    "session.created",
    "session.updated",
    "conversation.created",
    "conversation.item.created",
    "conversation.item.retrieved",
    "conversation.item.deleted",
    "conversation.item.truncated",
    "conversation.item.input_audio_transcription.delta",
    "conversation.item.input_audio_transcription.completed",
    "conversation.item.input_audio_transcription.failed",
    "input_audio_buffer.committed",
    "input_audio_buffer.cleared",
    "input_audio_buffer.speech_started",
    "input_audio_buffer.speech_stopped",
    "rate_limits.updated",
    "response.created",
    "response.done",
    "response.output_item.added",
    "response.output_item.done",
    "response.content_part.added",
    "response.content_part.done",
    "response.function_call_arguments.delta",
    "response.function_call_arguments.done",
    "output_audio_buffer.started",
    "output_audio_buffer.stopped",
    "output_audio_buffer.cleared",
})

CLIENT_EVENTS: dict[str, frozenset[str]] = {
    BETA: _CLIENT_SHARED | {"transcription_session.update"},
    GA: _CLIENT_SHARED,
}
SERVER_EVENTS: dict[str, frozenset[str]] = {
    BETA: _SERVER_SHARED
    | {
        "response.text.delta",
        "response.text.done",
        "response.audio.delta",
        "response.audio.done",
        "response.audio_transcript.delta",
        "response.audio_transcript.done",
        "transcription_session.updated",
    },
    GA: _SERVER_SHARED
    | {
        "response.output_text.delta",
        "response.output_text.done",
        "response.output_audio.delta",
        "response.output_audio.done",
        "response.output_audio_transcript.delta",
        "response.output_audio_transcript.done",
        "conversation.item.added",
        "conversation.item.done",
        "conversation.item.input_audio_transcription.segment",
        "input_audio_buffer.timeout_triggered",
        "input_audio_buffer.dtmf_event_received",
        "mcp_list_tools.in_progress",
        "mcp_list_tools.completed",
        "mcp_list_tools.failed",
        "response.mcp_call_arguments.delta",
        "response.mcp_call_arguments.done",
        "response.mcp_call.in_progress",
        "response.mcp_call.completed",
        "response.mcp_call.failed",
    },
}
# Early WebRTC beta names (January 2025), later renamed; still used by some SDKs.
LEGACY_EVENTS = frozenset({
    "output_audio_buffer.audio_started",
    "output_audio_buffer.audio_stopped",
    "output_audio_buffer.audio_cleared",
})

ALL_EVENTS: dict[str, frozenset[str]] = {d: CLIENT_EVENTS[d] | SERVER_EVENTS[d] for d in DIALECTS}
_ONLY: dict[str, str] = {t: BETA for t in ALL_EVENTS[BETA] - ALL_EVENTS[GA]}
_ONLY.update({t: GA for t in ALL_EVENTS[GA] - ALL_EVENTS[BETA]})
DIALECT_ONLY: dict[str, str] = _ONLY
"""Event type -> the one dialect that defines it."""

_BETA_RESPONSE_KEYS = ("modalities", "voice", "output_audio_format", "temperature")
_GA_RESPONSE_KEYS = ("output_modalities", "audio")
_BETA_SESSION_KEYS = ("modalities", "input_audio_format", "output_audio_format", "voice")
_RESPONSE_EVENTS = frozenset({"response.created", "response.done"})
_SESSION_EVENTS = frozenset({"session.created", "session.updated"})


def direction_of(event_type: str) -> str | None:
    """``client`` or ``server`` for a known event type (any dialect), else None."""
    if event_type in CLIENT_EVENTS[BETA]:
        return "client"
    if event_type in SERVER_EVENTS[BETA] or event_type in SERVER_EVENTS[GA] or event_type in LEGACY_EVENTS:
        return "server"
    return None


def response_dialect(response: Any) -> str | None:
    """The dialect a ``realtime.response`` object's field set belongs to, if it tells."""
    if not isinstance(response, dict):
        return None
    for k in _GA_RESPONSE_KEYS:
        if k in response:
            return GA
    for k in _BETA_RESPONSE_KEYS:
        if k in response:
            return BETA
    return None


def strong_signal(event: dict[str, Any], event_type: str) -> str | None:
    """The dialect this (server or dialect-only) event proves, or None if it proves nothing."""
    only = DIALECT_ONLY.get(event_type)
    if only is not None:
        return only
    if event_type in _RESPONSE_EVENTS:
        return response_dialect(event.get("response"))
    if event_type == "realtime.response":
        return response_dialect(event)
    if event_type in _SESSION_EVENTS:
        return _session_dialect(event.get("session"))
    return None


def weak_signal(event: dict[str, Any], event_type: str) -> str | None:
    """The dialect a client event's shape suggests (used only when the server says nothing)."""
    if event_type == "session.update":
        return _session_dialect(event.get("session"))
    if event_type == "response.create":
        return response_dialect(event.get("response"))
    return None


def _session_dialect(session: Any) -> str | None:
    if not isinstance(session, dict):
        return None
    if session.get("type") in ("realtime", "transcription") or "output_modalities" in session:
        return GA
    for k in _BETA_SESSION_KEYS:
        if k in session:
            return BETA
    return None
