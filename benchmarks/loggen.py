"""Deterministic generator of realistic OpenAI Realtime API session logs, beta and GA.

The same generator feeds the benchmark (large logs) and the tests (small logs with planted
defects), so every generated log is meant to be *clean*: valid against rtcheck's schemas and
free of consistency findings (text/transcript ``.done`` values equal their concatenated deltas,
``response.done`` repeats the streamed items, usage arithmetic holds, truncation stays within
the audio sent, function-call arguments match the declared tool parameters, ...).

A session: ``session.created`` (+ ``conversation.created`` in beta), ``session.update`` /
``session.updated``, then turns. Audio turns stream 100 ms PCM16 chunks through
``input_audio_buffer.append``, get VAD ``speech_started``/``stopped``, ``committed``, the user
item, input transcription, and a server response with audio and transcript deltas. Text turns
send ``conversation.item.create`` + ``response.create`` and get text deltas. Some turns are
function calls (arguments streamed, ``function_call_output`` sent back, a second response),
barge-ins (a response cancelled with ``turn_detected`` and the assistant item truncated within
the audio actually received), client cancellations, buffer clears, item retrieve/delete, and
failed transcriptions. ``webrtc=True`` gives the WebRTC flavour: no audio payloads on the data
channel, ``output_audio_buffer.started/stopped/cleared`` instead.

Envelopes (PROTOCOL.md 3.2) are written faithfully: LiveKit drops ``input_audio_buffer.append``
and replaces audio delta payloads with ``"..."``; the cookbook recorder cuts every string longer
than 400 characters with ``"...[truncated N chars]"``. Those two envelopes therefore carry, by
design, payloads that rtcheck cannot digest.

Script use (``-o`` ending in ``.gz`` writes gzip)::

    python benchmarks/loggen.py --dialect ga --profile audio --size-mb 100 --seed 1 \
        --envelope bare -o benchmarks/data/ga-audio-100.jsonl

Not generated (they need set-ups a plain voice-agent session does not have): ``error``,
MCP events, SIP ``dtmf_event_received``, diarization ``segment``, ``timeout_triggered``,
``transcription_session.*`` and the legacy WebRTC names.
"""

from __future__ import annotations

import argparse
import base64
import copy
import gzip
import json
import random
import re
import string
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import orjson

from realtime_cli.logs.dialect import CLIENT_EVENTS

DIALECTS = ("ga", "beta")
PROFILES = ("audio", "text")
ENVELOPES = ("bare", "time-source", "direction", "agents", "cookbook", "livekit", "lively4")

# Client event names of either dialect (the direction an envelope records).
CLIENT_TYPES = CLIENT_EVENTS["beta"] | CLIENT_EVENTS["ga"]

# Event types the generator produces, per dialect and transport (tests check they all appear).
_COMMON_GENERATED = {
    "session.created",
    "session.update",
    "session.updated",
    "conversation.item.create",
    "conversation.item.retrieve",
    "conversation.item.retrieved",
    "conversation.item.delete",
    "conversation.item.deleted",
    "response.create",
    "response.cancel",
    "response.created",
    "response.done",
    "response.output_item.added",
    "response.output_item.done",
    "response.content_part.added",
    "response.content_part.done",
    "response.function_call_arguments.delta",
    "response.function_call_arguments.done",
    "rate_limits.updated",
}
_AUDIO_GENERATED = {
    "input_audio_buffer.speech_started",
    "input_audio_buffer.speech_stopped",
    "input_audio_buffer.committed",
    "input_audio_buffer.clear",
    "input_audio_buffer.cleared",
    "conversation.item.input_audio_transcription.delta",
    "conversation.item.input_audio_transcription.completed",
    "conversation.item.input_audio_transcription.failed",
}
_NAMES = {
    "ga": {
        "text_delta": "response.output_text.delta",
        "text_done": "response.output_text.done",
        "audio_delta": "response.output_audio.delta",
        "audio_done": "response.output_audio.done",
        "tr_delta": "response.output_audio_transcript.delta",
        "tr_done": "response.output_audio_transcript.done",
        "text_part": "output_text",
        "audio_part": "output_audio",
    },
    "beta": {
        "text_delta": "response.text.delta",
        "text_done": "response.text.done",
        "audio_delta": "response.audio.delta",
        "audio_done": "response.audio.done",
        "tr_delta": "response.audio_transcript.delta",
        "tr_done": "response.audio_transcript.done",
        "text_part": "text",
        "audio_part": "audio",
    },
}


def generated_types(dialect: str, profile: str, *, webrtc: bool = False) -> frozenset[str]:
    """Every event type a long enough generated session of this kind contains."""
    n = _NAMES[dialect]
    out = set(_COMMON_GENERATED)
    out |= (
        {"conversation.item.added", "conversation.item.done"}
        if dialect == "ga"
        else {"conversation.created", "conversation.item.created"}
    )
    if profile == "text":
        out |= {n["text_delta"], n["text_done"]}
        return frozenset(out)
    out |= _AUDIO_GENERATED | {n["tr_delta"], n["tr_done"], n["audio_done"]}
    if webrtc:
        out |= {
            "output_audio_buffer.started",
            "output_audio_buffer.stopped",
            "output_audio_buffer.cleared",
            "output_audio_buffer.clear",
        }
    else:
        out |= {
            "input_audio_buffer.append",
            n["audio_delta"],
            "conversation.item.truncate",
            "conversation.item.truncated",
        }
    return frozenset(out)


_BASE62 = string.digits + string.ascii_letters
_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_PCM_100MS = 4800  # PCM16 mono 24 kHz: 48 bytes per ms
_OUT_CHUNKS = (2400, 4800, 7200, 9600)
_WORD = re.compile(r"\s*\S+")

_USER_SAYS = [
    "Hey, can you hear me?",
    "What's the weather like in Paris today?",
    "Can you help me plan a trip to Lisbon next month?",
    "I need to check the status of my order.",
    "Tell me a short story about a lighthouse keeper.",
    "How do I make a good cup of pour-over coffee?",
    "What's the difference between a virus and a bacterium?",
    "Could you summarise the main points of our conversation so far?",
    "Okay, and what about tomorrow?",
    "Thanks, that's really helpful.",
    "Can you speak a little slower please?",
    "Is it going to rain in Tokyo this weekend?",
    "Recommend a book for a long train ride.",
    "Wait, actually, never mind that.",
    "How many minutes should I boil an egg for a soft yolk?",
]
_ASSISTANT_SAYS = [
    "Loud and clear! I can hear you perfectly.",
    "Sure, I can help with that.",
    "Here's what I found.",
    "Great question!",
    "Let me think about that for a second.",
    "The short answer is yes, but there are a few things to keep in mind.",
    "First, grind the beans medium-fine and heat the water to about ninety-three degrees.",
    "A virus needs a host cell to reproduce, while a bacterium is a complete living cell.",
    "Lisbon is lovely in the spring, with mild weather and fewer crowds.",
    "Once upon a time, on a rocky island, an old keeper polished the great lamp every night.",
    "For a soft yolk, six to seven minutes in boiling water is usually right.",
    "Of course, I'll slow down.",
    "Is there anything else I can help you with today?",
    "You might enjoy a long novel with short chapters, something easy to pick up and put down.",
    "That's a good idea; it's always worth double-checking.",
    "I hope that helps!",
]
_CITIES = ["Paris", "Tokyo", "Lisbon", "San Francisco", "Nairobi", "Oslo", "Buenos Aires"]
_INSTRUCTIONS = "You are a helpful, friendly voice assistant. Keep answers short. Call a function when one fits."

TOOLS: list[dict[str, Any]] = [
    {
        "type": "function",
        "name": "get_weather",
        "description": "Get the current weather for a city.",
        "parameters": {
            "type": "object",
            "properties": {
                "location": {"type": "string", "description": "City name"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            },
            "required": ["location"],
            "additionalProperties": False,
        },
    },
    {
        "type": "function",
        "name": "lookup_order",
        "description": "Look up an order by its id.",
        "parameters": {
            "type": "object",
            "properties": {
                "order_id": {"type": "string", "pattern": "^[A-Z]{2}-[0-9]{6}$"},
                "include_items": {"type": "boolean"},
            },
            "required": ["order_id"],
        },
    },
]


class _Session:
    """One simulated session; :meth:`start` and :meth:`turn` return ``(ms, event)`` lists."""

    def __init__(
        self,
        dialect: str,
        profile: str,
        seed: int | str,
        with_tools: bool,
        webrtc: bool,
        chunk_ms: int = 100,
    ) -> None:
        if dialect not in DIALECTS:
            raise ValueError(f"dialect must be one of {DIALECTS}, not {dialect!r}")
        if profile not in PROFILES:
            raise ValueError(f"profile must be one of {PROFILES}, not {profile!r}")
        if not 1 <= chunk_ms <= 1000:
            raise ValueError(f"chunk_ms must be within 1..1000, not {chunk_ms}")
        self.d = dialect
        self.chunk_ms = chunk_ms  # audio per append / per ~output delta; 100 is what clients send
        self.ga = dialect == "ga"
        self.audio = profile == "audio"
        self.webrtc = webrtc and self.audio
        self.tools = with_tools
        self.n = _NAMES[dialect]
        # A str seed is hashed with SHA-512 by random.Random: stable across runs and platforms.
        self.rng = random.Random(f"rtcheck-loggen/{dialect}/{profile}/{seed}/{int(webrtc)}")
        rng = self.rng
        self.era = "C" if self.ga else "B"  # server id era: B... in 2025 beta, C... in GA
        self.clock = 1_756_700_000_000 + rng.randrange(10**9)
        self.in_ms = 0  # input audio appended so far (ms since the buffer started)
        self.out: list[tuple[int, dict[str, Any]]] = []
        self.last_item: str | None = None
        self.items: dict[str, dict[str, Any]] = {}  # recent items for retrieve/delete (bounded)
        self.ctx_text = 120  # conversation context, in tokens, for realistic usage numbers
        self.ctx_audio = 0
        self.remaining = 40_000
        self.turn_no = 0
        self.pending_item: str | None = None  # the item of a barge-in's speech, until committed
        self.conv_id = self._sid("conv_")
        # Pre-encoded pseudo-PCM pools: realistic sizes, deterministic, cheap to emit.
        in_size = _PCM_100MS * chunk_ms // 100
        self.in_pool = [base64.b64encode(rng.randbytes(in_size)).decode() for _ in range(16)]
        self.out_sizes = tuple(size * chunk_ms // 100 for size in _OUT_CHUNKS)
        self.out_pool = {
            size: [base64.b64encode(rng.randbytes(size)).decode() for _ in range(6)]
            for size in self.out_sizes
        }

    # ------------------------------------------------------------------ ids and emission

    def _sid(self, prefix: str) -> str:
        return prefix + self.era + "".join(self.rng.choices(_BASE62, k=20))

    def _cid(self) -> str:
        return "evt_" + "".join(self.rng.choices(_BASE58, k=17))

    def _server(self, etype: str, dt: int = 5, **fields: Any) -> dict[str, Any]:
        ev: dict[str, Any] = {"type": etype, "event_id": self._sid("event_")}
        ev.update(fields)
        self.clock += dt
        self.out.append((self.clock, ev))
        return ev

    def _client(self, etype: str, dt: int = 5, **fields: Any) -> dict[str, Any]:
        ev: dict[str, Any] = {"type": etype, "event_id": self._cid()}
        ev.update(fields)
        self.clock += dt
        self.out.append((self.clock, ev))
        return ev

    def _take(self) -> list[tuple[int, dict[str, Any]]]:
        out, self.out = self.out, []
        return out

    def _item_done(self, rid: str, prev: str | None, item: dict[str, Any]) -> None:
        """response.output_item.done (and GA conversation.item.done) for a finished item."""
        self._server("response.output_item.done", dt=3, response_id=rid, output_index=0, item=copy.deepcopy(item))
        if self.ga:
            self._server("conversation.item.done", dt=1, previous_item_id=prev, item=copy.deepcopy(item))
        self._remember(item)

    def _remember(self, item: dict[str, Any]) -> None:
        self.items[item["id"]] = item
        if len(self.items) > 64:  # bounded: only recent items are retrieved or deleted
            del self.items[next(iter(self.items))]

    def _item(self, **fields: Any) -> dict[str, Any]:
        item: dict[str, Any] = {"id": fields.pop("id", None) or self._sid("item_")}
        if not self.ga:
            item["object"] = "realtime.item"
        item.update(fields)
        return item

    def _item_events(self, item: dict[str, Any], *, done: bool = True) -> str | None:
        """Announce a conversation item: beta ``created``; GA ``added`` (+ ``done``).

        Returns the ``previous_item_id`` used, which the item's later ``done`` repeats.
        """
        prev = self.last_item
        if self.ga:
            self._server("conversation.item.added", previous_item_id=prev, item=copy.deepcopy(item))
            if done:
                self._server(
                    "conversation.item.done", previous_item_id=prev, item=copy.deepcopy(item)
                )
        else:
            self._server(
                "conversation.item.created", previous_item_id=prev, item=copy.deepcopy(item)
            )
        self.last_item = item["id"]
        self._remember(item)
        return prev

    # ------------------------------------------------------------------ session

    def _session_config(self) -> dict[str, Any]:
        td = {
            "type": "server_vad",
            "threshold": 0.5,
            "prefix_padding_ms": 300,
            "silence_duration_ms": 500,
            "create_response": True,
            "interrupt_response": True,
        }
        tools = copy.deepcopy(TOOLS) if self.tools else []
        if self.ga:
            return {
                "type": "realtime",
                "instructions": _INSTRUCTIONS,
                "output_modalities": ["audio"] if self.audio else ["text"],
                "audio": {
                    "input": {
                        "transcription": {"model": "gpt-4o-transcribe"} if self.audio else None,
                        "turn_detection": td if self.audio else None,
                    },
                    "output": {"voice": "marin"},
                },
                "tools": tools,
                "tool_choice": "auto",
            }
        return {
            "modalities": ["audio", "text"] if self.audio else ["text"],
            "instructions": _INSTRUCTIONS,
            "voice": "sage",
            "input_audio_format": "pcm16",
            "output_audio_format": "pcm16",
            "input_audio_transcription": {"model": "whisper-1"} if self.audio else None,
            "turn_detection": td if self.audio else None,
            "tools": tools,
            "tool_choice": "auto",
            "temperature": 0.8,
            "max_response_output_tokens": "inf",
        }

    def _server_session(self, sid: str, update: dict[str, Any] | None) -> dict[str, Any]:
        if self.ga:
            s: dict[str, Any] = {
                "type": "realtime",
                "object": "realtime.session",
                "id": sid,
                "model": "gpt-realtime-2025-08-28",
                "output_modalities": ["audio"],
                "instructions": "You are a helpful assistant.",
                "tools": [],
                "tool_choice": "auto",
                "max_output_tokens": "inf",
                "tracing": None,
                "prompt": None,
                "expires_at": self.clock // 1000 + SESSION_MS // 1000,
                "audio": {
                    "input": {
                        "format": {"type": "audio/pcm", "rate": 24000},
                        "transcription": None,
                        "noise_reduction": None,
                        "turn_detection": {
                            "type": "server_vad",
                            "threshold": 0.5,
                            "prefix_padding_ms": 300,
                            "silence_duration_ms": 200,
                            "idle_timeout_ms": None,
                            "create_response": True,
                            "interrupt_response": True,
                        },
                    },
                    "output": {
                        "format": {"type": "audio/pcm", "rate": 24000},
                        "voice": "alloy",
                        "speed": 1,
                    },
                },
                "include": None,
            }
            if update:
                for key in ("instructions", "output_modalities", "tools", "tool_choice"):
                    s[key] = copy.deepcopy(update[key])
                s["audio"]["input"]["transcription"] = copy.deepcopy(
                    update["audio"]["input"]["transcription"]
                )
                s["audio"]["input"]["turn_detection"] = (
                    dict(update["audio"]["input"]["turn_detection"], idle_timeout_ms=None)
                    if update["audio"]["input"]["turn_detection"]
                    else None
                )
                s["audio"]["output"]["voice"] = update["audio"]["output"]["voice"]
            return s
        s = {
            "id": sid,
            "object": "realtime.session",
            "model": "gpt-4o-realtime-preview-2025-06-03",
            "expires_at": self.clock // 1000 + SESSION_MS // 1000,
            "modalities": ["text", "audio"],
            "instructions": "You are a helpful assistant.",
            "voice": "alloy",
            "input_audio_format": "pcm16",
            "output_audio_format": "pcm16",
            "input_audio_transcription": None,
            "turn_detection": {
                "type": "server_vad",
                "threshold": 0.5,
                "prefix_padding_ms": 300,
                "silence_duration_ms": 200,
                "create_response": True,
                "interrupt_response": True,
            },
            "tools": [],
            "tool_choice": "auto",
            "temperature": 0.8,
            "max_response_output_tokens": "inf",
        }
        if update:
            s.update(copy.deepcopy(update))
        return s

    def start(self) -> list[tuple[int, dict[str, Any]]]:
        sid = self._sid("sess_")
        self._server("session.created", dt=0, session=self._server_session(sid, None))
        if not self.ga:
            self._server(
                "conversation.created",
                dt=1,
                conversation={"id": self.conv_id, "object": "realtime.conversation"},
            )
        update = self._session_config()
        self._client("session.update", dt=40, session=update)
        self._server("session.updated", dt=60, session=self._server_session(sid, update))
        return self._take()

    # ------------------------------------------------------------------ user input

    def _append(self, chunks: int) -> None:
        for _ in range(chunks):
            if not self.webrtc:
                self._client(
                    "input_audio_buffer.append", dt=100, audio=self.rng.choice(self.in_pool)
                )
            else:
                self.clock += 100
            self.in_ms += self.chunk_ms

    def _speech(self, text: str, item_id: str | None = None) -> str:
        """The user speaks ``text``: appends, VAD events, commit, the item, transcription."""
        rng = self.rng
        if item_id is None:
            self._append(rng.randint(1, 4))  # silence before speech
            start = self.in_ms + rng.randint(0, self.chunk_ms * 9 // 10)
            self._append(3)  # VAD needs a little speech before it fires
            item_id = self._sid("item_")
            self._server(
                "input_audio_buffer.speech_started", dt=2, audio_start_ms=start, item_id=item_id
            )
        speech = max(5, len(text) // 4)
        self._append(speech + 5)  # the words and the trailing silence VAD waits for
        stop = self.in_ms - rng.randint(3 * self.chunk_ms, 5 * self.chunk_ms)
        self._server("input_audio_buffer.speech_stopped", dt=2, audio_end_ms=stop, item_id=item_id)
        self._server(
            "input_audio_buffer.committed", dt=8, previous_item_id=self.last_item, item_id=item_id
        )
        item = self._item(
            id=item_id,
            type="message",
            status="completed",
            role="user",
            content=[{"type": "input_audio", "transcript": None}],
        )
        self._item_events(item)
        self.ctx_audio += speech * 10 // 2
        if rng.random() < 0.04:
            self._server(
                "conversation.item.input_audio_transcription.failed",
                dt=300,
                item_id=item_id,
                content_index=0,
                error={
                    "type": "transcription_error",
                    "code": "audio_unintelligible",
                    "message": "Audio could not be transcribed.",
                    "param": None,
                },
            )
            return item_id
        for piece in self._pieces(text):
            fields: dict[str, Any] = {"item_id": item_id, "content_index": 0, "delta": piece}
            if self.ga:
                fields["obfuscation"] = "".join(rng.choices(_BASE62, k=rng.randint(2, 12)))
            self._server("conversation.item.input_audio_transcription.delta", dt=30, **fields)
        done: dict[str, Any] = {"item_id": item_id, "content_index": 0, "transcript": text}
        if self.ga:
            tin, tout = speech * 5, max(1, len(text) // 4)
            done["usage"] = {
                "type": "tokens",
                "total_tokens": tin + tout,
                "input_tokens": tin,
                "input_token_details": {"text_tokens": 0, "audio_tokens": tin},
                "output_tokens": tout,
            }
        else:  # whisper-1 bills by duration; SDK 1.99.9 requires the field
            done["usage"] = {"type": "duration", "seconds": round(speech * self.chunk_ms / 1000, 1)}
        self._server("conversation.item.input_audio_transcription.completed", dt=20, **done)
        self.ctx_text += len(text) // 4
        return item_id

    def _typed(self, text: str) -> None:
        """The user types ``text``: conversation.item.create and the server's echo."""
        item = {
            "type": "message",
            "role": "user",
            "content": [{"type": "input_text", "text": text}],
        }
        self._client("conversation.item.create", dt=800, item=item)
        self._item_events(
            self._item(
                type="message",
                status="completed",
                role="user",
                content=[{"type": "input_text", "text": text}],
            )
        )
        self.ctx_text += len(text) // 4 + 4

    def _pieces(self, text: str) -> list[str]:
        return _WORD.findall(text) or [text]

    # ------------------------------------------------------------------ responses

    def _response_object(
        self, rid: str, status: str, output: list[dict[str, Any]], usage: Any, details: Any = None
    ) -> dict[str, Any]:
        r: dict[str, Any] = {
            "object": "realtime.response",
            "id": rid,
            "status": status,
            "status_details": details,
            "output": output,
            "conversation_id": self.conv_id,
        }
        if self.ga:
            r["output_modalities"] = ["audio"] if self.audio else ["text"]
            r["max_output_tokens"] = "inf"
            r["audio"] = {
                "output": {"format": {"type": "audio/pcm", "rate": 24000}, "voice": "marin"}
            }
        else:
            r["modalities"] = ["audio", "text"] if self.audio else ["text"]
            r["voice"] = "sage"
            r["output_audio_format"] = "pcm16"
            r["temperature"] = 0.8
            r["max_output_tokens"] = "inf"
        r["usage"] = usage
        r["metadata"] = None
        return r

    def _usage(self, out_text: int, out_audio: int, *, zero: bool = False) -> dict[str, Any]:
        if zero:
            it = ia = ot = oa = cached = 0
        else:
            it, ia, ot, oa = self.ctx_text, self.ctx_audio, out_text, out_audio
            cached = (it + ia) // 64 * 64 if self.turn_no > 1 and self.rng.random() < 0.7 else 0
        ct = min(cached, it)
        ca = cached - ct
        inp: dict[str, Any] = {"cached_tokens": cached, "text_tokens": it, "audio_tokens": ia}
        cdet: dict[str, Any] = {"text_tokens": ct, "audio_tokens": ca}
        if self.ga:
            inp["image_tokens"] = 0
            cdet["image_tokens"] = 0
        inp["cached_tokens_details"] = cdet
        return {
            "total_tokens": it + ia + ot + oa,
            "input_tokens": it + ia,
            "output_tokens": ot + oa,
            "input_token_details": inp,
            "output_token_details": {"text_tokens": ot, "audio_tokens": oa},
        }

    def _finish(
        self,
        rid: str,
        status: str,
        output: list[dict[str, Any]],
        usage: dict[str, Any],
        details: Any = None,
    ) -> None:
        self._server(
            "response.done",
            dt=15,
            response=self._response_object(rid, status, copy.deepcopy(output), usage, details),
        )
        used = usage["total_tokens"]
        self.remaining = self.remaining - used if self.remaining > used + 1000 else 40_000 - used
        limits = [
            {
                "name": "tokens",
                "limit": 40_000,
                "remaining": max(0, self.remaining),
                "reset_seconds": round(self.rng.uniform(0.5, 9.0), 3),
            }
        ]
        if not self.ga:
            limits.insert(
                0, {"name": "requests", "limit": 5000, "remaining": 4999, "reset_seconds": 0.012}
            )
        self._server("rate_limits.updated", dt=2, rate_limits=limits)
        self.ctx_text += usage["output_token_details"]["text_tokens"]
        self.ctx_audio += usage["output_token_details"]["audio_tokens"]

    def _created(self, *, client: bool, create: dict[str, Any] | None = None) -> str:
        if client:
            fields = {"response": create} if create else {}
            self._client("response.create", dt=30, **fields)
        rid = self._sid("resp_")
        self._server(
            "response.created", dt=120, response=self._response_object(rid, "in_progress", [], None)
        )
        return rid

    def _message_response(
        self, *, client: bool, cut: str | None = None, early: bool = False
    ) -> None:
        """One assistant message. ``cut``: ``turn_detected`` (barge-in) or ``client_cancelled``."""
        rng = self.rng
        n = self.n
        rid = self._created(client=client)
        if early:  # barge-in before any output: cancelled, nothing produced, zero usage
            self._speech_started_now()
            self._finish(
                rid,
                "cancelled",
                [],
                self._usage(0, 0, zero=True),
                {"type": "cancelled", "reason": "turn_detected"},
            )
            return
        text = " ".join(rng.sample(_ASSISTANT_SAYS, rng.randint(1, 3)))
        item = self._item(type="message", status="in_progress", role="assistant", content=[])
        ids = {"response_id": rid, "item_id": item["id"], "output_index": 0, "content_index": 0}
        self._server(
            "response.output_item.added",
            dt=10,
            response_id=rid,
            output_index=0,
            item=copy.deepcopy(item),
        )
        prev = self._item_events(item, done=False)
        audio = self.audio
        self._server(
            "response.content_part.added",
            dt=3,
            **ids,
            part={"type": "audio", "transcript": ""} if audio else {"type": "text", "text": ""},
        )
        # The stream: transcript/text deltas, interleaved with audio deltas (audio profile).
        stream: list[tuple[str, Any]] = [("t", p) for p in self._pieces(text)]
        if audio:
            total_ms = max(200, len(text) * 70)  # ~70 ms of speech per character
            chunks = []
            while total_ms > 0:
                size = rng.choice(self.out_sizes)
                chunks.append(size)
                total_ms -= size // 48 * 100 // self.chunk_ms  # short chunks stand for ~100 ms
            merged: list[tuple[str, Any]] = []
            ti = 0
            for k, size in enumerate(chunks):
                merged.append(("a", size))
                want = (k + 1) * len(stream) // len(chunks)
                while ti < want:
                    merged.append(stream[ti])
                    ti += 1
            merged.extend(stream[ti:])
            stream = merged
        stop = len(stream)
        if cut is not None:
            stop = rng.randint(2, max(2, len(stream) - 1))
            if audio and not any(kind == "a" for kind, _ in stream[:stop]):
                stop = next(i for i, (kind, _) in enumerate(stream) if kind == "a") + 1
        said: list[str] = []
        audio_bytes = 0
        started = False
        for kind, val in stream[:stop]:
            if kind == "t":
                said.append(val)
                if audio:
                    fields = dict(ids, delta=val)
                    if self.ga:
                        fields["obfuscation"] = "".join(rng.choices(_BASE62, k=rng.randint(2, 12)))
                    self._server(n["tr_delta"], dt=20, **fields)
                else:
                    self._server(n["text_delta"], dt=25, **ids, delta=val)
            else:
                audio_bytes += val
                if self.webrtc:
                    if not started:
                        self._server("output_audio_buffer.started", dt=40, response_id=rid)
                        started = True
                    self.clock += 50
                else:
                    self._server(
                        n["audio_delta"], dt=50, **ids, delta=rng.choice(self.out_pool[val])
                    )
        final = "".join(said)
        if cut == "client_cancelled":
            self._client("response.cancel", dt=200, response_id=rid)
            if self.webrtc:
                self._client("output_audio_buffer.clear", dt=1)
                self._server("output_audio_buffer.cleared", dt=20, response_id=rid)
        elif cut == "turn_detected":
            self._speech_started_now()
            if self.webrtc:
                self._server("output_audio_buffer.cleared", dt=10, response_id=rid)
        if audio:
            self._server(n["audio_done"], dt=10, **ids)
            self._server(n["tr_done"], dt=2, **ids, transcript=final)
            part = {"type": "audio", "transcript": final}
            content = {"type": n["audio_part"], "transcript": final}
        else:
            self._server(n["text_done"], dt=2, **ids, text=final)
            part = {"type": "text", "text": final}
            content = {"type": n["text_part"], "text": final}
        self._server("response.content_part.done", dt=2, **ids, part=part)
        item = dict(item, status="incomplete" if cut else "completed", content=[content])
        self._item_done(rid, prev, item)
        out_text = max(1, len(final) // 4)
        out_audio = audio_bytes // 48 // 50 if audio else 0
        if cut:
            self._finish(
                rid,
                "cancelled",
                [item],
                self._usage(out_text, out_audio),
                {"type": "cancelled", "reason": cut},
            )
        else:
            self._finish(rid, "completed", [item], self._usage(out_text, out_audio))
        if self.webrtc and started and cut is None:
            self._server("output_audio_buffer.stopped", dt=audio_bytes // 48 // 2, response_id=rid)
        if cut == "turn_detected" and audio and not self.webrtc:
            # The client cuts the assistant item at what it played, never beyond what it got.
            sent_ms = audio_bytes // 48
            end = rng.randint(max(1, sent_ms // 3), sent_ms)
            self._client(
                "conversation.item.truncate",
                dt=5,
                item_id=item["id"],
                content_index=0,
                audio_end_ms=end,
            )
            self._server(
                "conversation.item.truncated",
                dt=40,
                item_id=item["id"],
                content_index=0,
                audio_end_ms=end,
            )

    def _speech_started_now(self) -> None:
        """Barge-in: the user starts talking while a response is running."""
        self._append(3)
        self.pending_item = self._sid("item_")
        self._server(
            "input_audio_buffer.speech_started",
            dt=2,
            audio_start_ms=self.in_ms - self.chunk_ms * 5 // 2,
            item_id=self.pending_item,
        )

    def _function_response(self, *, client: bool) -> None:
        """A response that calls a tool, the client's output, and the follow-up answer."""
        rng = self.rng
        rid = self._created(client=client)
        tool = rng.choice(TOOLS)
        if tool["name"] == "get_weather":
            args: dict[str, Any] = {"location": rng.choice(_CITIES)}
            if rng.random() < 0.5:
                args["unit"] = rng.choice(["celsius", "fahrenheit"])
            result: dict[str, Any] = {
                "temperature": rng.randint(-5, 35),
                "conditions": rng.choice(["sunny", "rain", "cloudy"]),
            }
        else:
            args = {
                "order_id": "".join(rng.choices(string.ascii_uppercase, k=2))
                + "-"
                + "".join(rng.choices(string.digits, k=6))
            }
            if rng.random() < 0.5:
                args["include_items"] = rng.random() < 0.5
            result = {
                "status": rng.choice(["shipped", "processing", "delivered"]),
                "eta_days": rng.randint(0, 7),
            }
        arguments = json.dumps(args)
        call_id = "call_" + "".join(rng.choices(_BASE62, k=16))
        item = self._item(
            type="function_call",
            status="in_progress",
            name=tool["name"],
            call_id=call_id,
            arguments="",
        )
        base = {"response_id": rid, "item_id": item["id"], "output_index": 0, "call_id": call_id}
        self._server(
            "response.output_item.added",
            dt=10,
            response_id=rid,
            output_index=0,
            item=copy.deepcopy(item),
        )
        prev = self._item_events(item, done=False)
        pos = 0
        while pos < len(arguments):
            step = rng.randint(3, 12)
            self._server(
                "response.function_call_arguments.delta",
                dt=15,
                **base,
                delta=arguments[pos : pos + step],
            )
            pos += step
        self._server(
            "response.function_call_arguments.done",
            dt=5,
            **base,
            name=tool["name"],
            arguments=arguments,
        )
        item = dict(item, status="completed", arguments=arguments)
        self._item_done(rid, prev, item)
        self._finish(rid, "completed", [item], self._usage(max(8, len(arguments) // 3), 0))
        output = json.dumps(result)
        self._client(
            "conversation.item.create",
            dt=250,
            item={"type": "function_call_output", "call_id": call_id, "output": output},
        )
        self._item_events(self._item(type="function_call_output", call_id=call_id, output=output))
        self.ctx_text += len(output) // 4
        self._message_response(client=True)

    # ------------------------------------------------------------------ turns

    def turn(self) -> list[tuple[int, dict[str, Any]]]:
        """One conversational turn (a few to a few hundred events)."""
        rng = self.rng
        self.turn_no += 1
        roll = rng.random() if self.turn_no > 1 else 1.0
        said = rng.choice(_USER_SAYS)
        if roll < 0.05 and len(self.items) > 3:
            old = rng.choice(list(self.items)[:-2])
            self._client("conversation.item.retrieve", dt=300, item_id=old)
            self._server("conversation.item.retrieved", dt=40, item=copy.deepcopy(self.items[old]))
        elif roll < 0.09 and len(self.items) > 3:
            old = rng.choice(list(self.items)[:-2])
            self._client("conversation.item.delete", dt=300, item_id=old)
            self._server("conversation.item.deleted", dt=40, item_id=old)
            del self.items[old]
        elif roll < 0.14 and self.audio:
            self._append(rng.randint(2, 6))  # push-to-talk abandoned
            self._client("input_audio_buffer.clear", dt=50)
            self._server("input_audio_buffer.cleared", dt=30)
        if self.audio:
            self._speech(said)
        else:
            self._typed(said)
        auto = self.audio  # server VAD creates the response; text sessions ask for it
        kind = rng.random()
        if kind < 0.2 and self.tools:
            self._function_response(client=not auto)
        elif kind < 0.32 and self.audio:
            # Barge-in: the response is cancelled, the user's new speech becomes the next turn.
            self._message_response(client=False, cut="turn_detected", early=kind < 0.25)
            self._speech(rng.choice(_USER_SAYS), item_id=self.pending_item)
            self._message_response(client=False)
        elif kind < 0.37:
            self._message_response(client=not auto, cut="client_cancelled")
        else:
            self._message_response(client=not auto)
        return self._take()


# --------------------------------------------------------------------------- public API


SESSION_MS = 1800 * 1000
"""How long a generated session lives: ``expires_at`` is its creation + 1800 s."""
_TURN_MARGIN_MS = 60 * 1000  # no turn starts in the session's last minute


def iter_session(
    dialect: str,
    *,
    profile: str = "audio",
    turns: int | None = 10,
    seed: int = 0,
    with_tools: bool = True,
    webrtc: bool = False,
    chunk_ms: int = 100,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(epoch_ms, event)`` pairs of one session; ``turns=None`` never ends (stop at a turn edge)."""
    s = _Session(dialect, profile, seed, with_tools, webrtc, chunk_ms)
    yield from s.start()
    n = 0
    while turns is None or n < turns:
        yield from s.turn()
        n += 1


def iter_turns(
    dialect: str,
    *,
    profile: str = "audio",
    seed: int = 0,
    with_tools: bool = True,
    webrtc: bool = False,
    chunk_ms: int = 100,
) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    """The session start, then one list of ``(epoch_ms, event)`` per turn, forever.

    A session ends where the server would end it: a turn does not start after the session's
    ``expires_at`` (its start + :data:`SESSION_MS`, as the generated session objects say).
    The next session then starts a few seconds later in the same log, as a recorder that keeps
    one file across reconnects writes it (a new ``session.created``, new ids, a new
    conversation); session ``k`` > 0 draws from the seed ``f"{seed}.{k}"``. So a large log
    holds many sessions, as real multi-hour captures do; small logs are one session.
    """
    s = _Session(dialect, profile, seed, with_tools, webrtc, chunk_ms)
    yield s.start()
    k = 0
    expires = s.clock + SESSION_MS
    while True:
        if s.clock >= expires - _TURN_MARGIN_MS:
            k += 1
            clock = s.clock + 3_000
            s = _Session(dialect, profile, f"{seed}.{k}", with_tools, webrtc, chunk_ms)
            s.clock = clock
            expires = clock + SESSION_MS
            yield s.start()
        yield s.turn()


def generate_events(
    dialect: str,
    *,
    profile: str = "audio",
    turns: int = 10,
    seed: int = 0,
    with_tools: bool = True,
    webrtc: bool = False,
    chunk_ms: int = 100,
) -> Iterator[dict[str, Any]]:
    """The bare events of one realistic session, in order. Same arguments, same events.

    ``chunk_ms`` is the audio carried by one ``input_audio_buffer.append`` (and, roughly, by one
    output audio delta); small values give small logs whose audio accounting still adds up.
    """
    for _, ev in iter_session(
        dialect,
        profile=profile,
        turns=turns,
        seed=seed,
        with_tools=with_tools,
        webrtc=webrtc,
        chunk_ms=chunk_ms,
    ):
        yield ev


def direction(event: dict[str, Any]) -> str:
    """``client`` or ``server`` from the event type (the two name sets are disjoint)."""
    return "client" if event.get("type") in CLIENT_TYPES else "server"


def _iso(ms: int) -> str:
    return (
        datetime.fromtimestamp(ms / 1000, UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


def _truncate_strings(value: Any, limit: int = 400) -> Any:
    """The cookbook recorder's cut: strings over ``limit`` chars end in ``...[truncated N chars]``."""
    if isinstance(value, str):
        return (
            value
            if len(value) <= limit
            else f"{value[:limit]}...[truncated {len(value) - limit} chars]"
        )
    if isinstance(value, dict):
        return {k: _truncate_strings(v, limit) for k, v in value.items()}
    if isinstance(value, list):
        return [_truncate_strings(v, limit) for v in value]
    return value


class Enveloper:
    """Wraps bare events in one tool's log record shape (PROTOCOL.md 3.2); stateful per log."""

    def __init__(self, envelope: str, seed: int = 0) -> None:
        if envelope not in ENVELOPES:
            raise ValueError(f"envelope must be one of {ENVELOPES}, not {envelope!r}")
        self.envelope = envelope
        rng = random.Random(f"rtcheck-loggen/envelope/{envelope}/{seed}")
        self.rng = rng
        self.session = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        self.job = "AJ_" + "".join(rng.choices(_BASE62, k=12))
        self.pid = rng.randint(1000, 60000)
        self.index = 0
        self.turn = 0
        self.create_ms: int | None = None

    def wrap(self, ms: int, ev: dict[str, Any]) -> dict[str, Any] | None:
        """The record for ``ev`` at ``ms``, or None when this tool does not log the event."""
        env = self.envelope
        src = direction(ev)
        if env == "bare":
            return ev
        if env == "time-source":
            return {"time": _iso(ms), "source": src, "event": ev}
        if env == "direction":
            return {"timestamp": _iso(ms), "direction": src, "event": ev}
        if env == "agents":
            eid = ev.get("event_id") or str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
            t = datetime.fromtimestamp(ms / 1000, UTC)
            return {
                "id": eid,
                "direction": src,
                "expanded": False,
                "timestamp": t.strftime("%I:%M:%S %p").lstrip("0"),
                "eventName": ev["type"],
                "eventData": ev,
            }
        if env == "cookbook":
            if ev["type"] == "response.create":
                self.turn += 1
                self.create_ms = ms
            self.index += 1
            return {
                "type": ev["type"],
                "source": src,
                "turn_index": self.turn,
                "event_index": self.index,
                "event_time_ms": None if self.create_ms is None else ms - self.create_ms,
                "event": _truncate_strings(ev),
            }
        if env == "livekit":
            if ev["type"] == "input_audio_buffer.append":
                return None  # LiveKit does not log the microphone stream
            if ev["type"] in ("response.output_audio.delta", "response.audio.delta"):
                ev = dict(ev, delta="...")
            return {
                "message": ">>>" if src == "client" else "<<<",
                "level": "DEBUG",
                "name": "livekit.plugins.openai",
                "lk.pii.event": ev,
                "pid": self.pid,
                "job_id": self.job,
                "timestamp": _iso(ms).replace("Z", "+00:00"),
            }
        return {
            "timestamp": ms,
            "type": "realtime",
            "sessionId": self.session,
            "data": ev,
            "source": "realtime",
        }


def _open_out(path: str | Path) -> IO[bytes]:
    p = str(path)
    if p == "-":
        return sys.stdout.buffer
    if p.endswith(".gz"):
        return gzip.open(p, "wb", compresslevel=3)  # type: ignore[return-value]
    return open(p, "wb")


def write_log(
    path: str | Path,
    dialect: str,
    *,
    profile: str = "audio",
    size_mb: float | None = None,
    turns: int | None = None,
    seed: int = 0,
    envelope: str = "bare",
    with_tools: bool = True,
    webrtc: bool = False,
    chunk_ms: int = 100,
) -> dict[str, int]:
    """Write a log as JSONL (``.gz`` = gzip, ``-`` = stdout). Stops at a turn boundary.

    One session, or several when the simulated time passes a session's expiry (see
    :func:`iter_turns`).

    Give ``turns`` (exact number of turns) or ``size_mb`` (turns until the uncompressed output
    reaches that many MiB). Returns ``{"events", "records", "bytes", "turns"}``.
    """
    if (size_mb is None) == (turns is None):
        raise ValueError("give exactly one of size_mb and turns")
    limit = int(size_mb * 1024 * 1024) if size_mb is not None else None
    wrapper = Enveloper(envelope, seed)
    dumps = orjson.dumps
    stats = {"events": 0, "records": 0, "bytes": 0, "turns": 0}
    out = _open_out(path)
    try:
        for n, batch in enumerate(
            iter_turns(
                dialect,
                profile=profile,
                seed=seed,
                with_tools=with_tools,
                webrtc=webrtc,
                chunk_ms=chunk_ms,
            )
        ):
            lines = []
            for ms, ev in batch:
                rec = wrapper.wrap(ms, ev)
                stats["events"] += 1
                if rec is not None:
                    lines.append(dumps(rec))
            blob = b"\n".join(lines) + b"\n" if lines else b""
            out.write(blob)
            stats["records"] += len(lines)
            stats["bytes"] += len(blob)
            stats["turns"] = n
            if (turns is not None and n >= turns) or (
                limit is not None and stats["bytes"] >= limit
            ):
                break
    finally:
        if out is not sys.stdout.buffer:
            out.close()
    return stats


# The committed fixture set (tests/fixtures/valid/generated/): name -> write_log arguments.
# Small on purpose: 2 ms audio chunks, few turns; seeds picked so that a function call appears.
FIXTURE_SET: dict[str, dict[str, Any]] = {}
for _d, (_sa, _sw, _st) in {"ga": (2, 3, 2), "beta": (4, 1, 2)}.items():
    FIXTURE_SET[f"{_d}-audio.jsonl"] = {"dialect": _d, "turns": 1, "seed": _sa, "chunk_ms": 1}
    FIXTURE_SET[f"{_d}-webrtc.jsonl"] = {"dialect": _d, "turns": 1, "seed": _sw, "webrtc": True}
    FIXTURE_SET[f"{_d}-text.jsonl"] = {"dialect": _d, "profile": "text", "turns": 2, "seed": _st}
    for _env in ENVELOPES[1:]:
        _args: dict[str, Any] = {"dialect": _d, "envelope": _env, "seed": 1, "turns": 1}
        if _env in ("livekit", "cookbook"):  # their audio handling is what matters
            _args.update(chunk_ms=1)
        else:
            _args.update(profile="text")
        FIXTURE_SET[f"{_d}-{_env}.jsonl"] = _args


def write_fixture_set(folder: str | Path) -> dict[str, int]:
    """Write :data:`FIXTURE_SET` into ``folder``; returns name -> bytes written."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for name, args in FIXTURE_SET.items():
        args = dict(args)
        dialect = args.pop("dialect")
        sizes[name] = write_log(out / name, dialect, **args)["bytes"]
    return sizes


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point (see the module docstring)."""
    ap = argparse.ArgumentParser(
        description="Generate a realistic OpenAI Realtime session log (JSONL)."
    )
    ap.add_argument("--dialect", choices=DIALECTS, default="ga")
    ap.add_argument("--profile", choices=PROFILES, default="audio")
    size = ap.add_mutually_exclusive_group()
    size.add_argument(
        "--size-mb", type=float, help="stop after the first turn that reaches this size (MiB)"
    )
    size.add_argument("--turns", type=int, help="exact number of turns (default 10)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--envelope", choices=ENVELOPES, default="bare")
    ap.add_argument(
        "--no-tools", action="store_true", help="no tools declared, no function-call turns"
    )
    ap.add_argument(
        "--webrtc",
        action="store_true",
        help="WebRTC flavour: no audio payloads, output_audio_buffer.*",
    )
    ap.add_argument(
        "--chunk-ms",
        type=int,
        default=100,
        help="audio per append/delta in ms (100 = real clients; small = small example logs)",
    )
    ap.add_argument("-o", "--output", default="-", help="output path (.gz = gzip; - = stdout)")
    ap.add_argument(
        "--fixture-set",
        metavar="DIR",
        help="write the committed test fixture set into DIR (other options are ignored)",
    )
    args = ap.parse_args(argv)
    if args.fixture_set:
        sizes = write_fixture_set(args.fixture_set)
        print(f"{len(sizes)} files, {sum(sizes.values()) / 1024:.0f} KiB", file=sys.stderr)
        return 0
    turns = args.turns if args.turns is not None or args.size_mb is not None else 10
    stats = write_log(
        args.output,
        args.dialect,
        profile=args.profile,
        size_mb=args.size_mb,
        turns=turns,
        seed=args.seed,
        envelope=args.envelope,
        with_tools=not args.no_tools,
        webrtc=args.webrtc,
        chunk_ms=args.chunk_ms,
    )
    print(
        f"{args.output}: {stats['records']} records, {stats['bytes'] / 1048576:.1f} MiB, "
        f"{stats['turns']} turns",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
