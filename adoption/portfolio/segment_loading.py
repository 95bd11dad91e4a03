"""Loading segment and play definitions from YAML (``load_segments FILE.yaml``, docs/design.md §10.5).

```yaml
segments:
  - code: low_utilisation
    name: Low utilisation
    rule: low_utilisation
    params: {threshold: 0.6}          # optional; each rule's params and defaults: §10.5
    description: ...                  # optional
    active: true                      # optional, default true
    plays:                            # optional
      - code: low_utilisation_outreach
        name: Win back the users
        tasks: [{title: Call the sponsor, due_days: 3}]
        notify_ae: true               # optional, default false
        recovery_days: 30             # optional, default 30
        active: true                  # optional, default true
```

Idempotent by code: a segment or play of an existing code is updated to what the file says, one not in
the file is left alone. The whole file or nothing (one transaction).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts import access
from accounts.models import User
from core.errors import AttainError

from ..models import Play, Segment
from ..portfolio_models import CODE_VALIDATOR
from .plays import validate_tasks
from .segment_rules import PARAMS, SegmentParamsError, validate_params

MAX_SOURCE_CHARS = 200_000
SEGMENT_KEYS = {"code", "name", "rule", "params", "description", "active", "plays"}
PLAY_KEYS = {"code", "name", "tasks", "notify_ae", "recovery_days", "active"}


@dataclass(frozen=True)
class SegmentsLoaded:
    """What ``load_segments`` did: the codes created, updated and unchanged, segments and plays alike."""

    created: list[str]
    updated: list[str]
    unchanged: list[str]


def _text(path_or_text: str | Path) -> str:
    if isinstance(path_or_text, Path) or (
        "\n" not in str(path_or_text) and str(path_or_text).endswith((".yaml", ".yml"))
    ):
        path = Path(path_or_text)
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise AttainError(f"No such file: {path}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise AttainError(f"{path} cannot be read as UTF-8 text: {exc}") from None
    return str(path_or_text)


def _keys(where: str, item: Any, known: set[str], required: tuple[str, ...]) -> dict:
    if not isinstance(item, dict):
        raise AttainError(f"{where} must be a mapping, not {item!r}")
    unknown = sorted(str(key) for key in item if key not in known)
    if unknown:
        raise AttainError(f"{where}: unknown key {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    for key in required:
        if item.get(key) in (None, ""):
            raise AttainError(f"{where}.{key} is required")
    return item


def _code(where: str, value: Any) -> str:
    try:
        CODE_VALIDATOR(str(value))
    except ValidationError as exc:
        raise AttainError(f"{where}.code {value!r}: {exc.messages[0]}") from None
    return str(value)


def _flag(where: str, item: dict, key: str, default: bool) -> bool:
    value = item.get(key, default)
    if not isinstance(value, bool):
        raise AttainError(f"{where}.{key} must be true or false, not {value!r}")
    return value


def read_segments(path_or_text: str | Path) -> list[dict]:
    """The segments of a YAML definition, each with its ``plays``, checked (the fields of the models).

    Raises ``AttainError`` naming the entry and field at fault (``segments[1].params: …``), a YAML
    syntax error, or a code given twice in the file."""
    text = _text(path_or_text)
    if len(text) > MAX_SOURCE_CHARS:
        raise AttainError(f"A segments file is at most {MAX_SOURCE_CHARS:,} characters.")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise AttainError(f"The segments file is not valid YAML: {exc}") from None
    _keys("the file", data, {"segments"}, ("segments",))
    if not isinstance(data["segments"], list):
        raise AttainError("segments must be a list of segments")
    segments, seen = [], set()
    for at, item in enumerate(data["segments"]):
        where = f"segments[{at}]"
        item = _keys(where, item, SEGMENT_KEYS, ("code", "name", "rule"))
        code = _code(where, item["code"])
        if item["rule"] not in PARAMS:
            raise AttainError(
                f"{where}.rule: unknown rule {item['rule']!r} (the rules are {', '.join(PARAMS)})"
            )
        params = item.get("params") or {}
        try:
            validate_params(item["rule"], params)
        except SegmentParamsError as exc:
            raise AttainError(f"{where}.params: {exc}") from None
        plays = []
        for play_at, play in enumerate(item.get("plays") or []):
            play_where = f"{where}.plays[{play_at}]"
            play = _keys(play_where, play, PLAY_KEYS, ("code", "name"))
            try:
                tasks = validate_tasks(play.get("tasks", []))
            except AttainError as exc:
                raise AttainError(f"{play_where}.{exc}") from None
            days = play.get("recovery_days", 30)
            if isinstance(days, bool) or not isinstance(days, int) or days < 1:
                raise AttainError(
                    f"{play_where}.recovery_days must be a whole number of days ≥ 1, not {days!r}"
                )
            plays.append(
                {
                    "code": _code(play_where, play["code"]),
                    "name": str(play["name"]),
                    "tasks": tasks,
                    "notify_ae": _flag(play_where, play, "notify_ae", False),
                    "recovery_days": days,
                    "active": _flag(play_where, play, "active", True),
                }
            )
        for entry in (code, *(p["code"] for p in plays)):
            if entry in seen:
                raise AttainError(f"{where}: the code {entry} is given twice in the file")
            seen.add(entry)
        segments.append(
            {
                "code": code,
                "name": str(item["name"]),
                "rule": item["rule"],
                "params": params,
                "description": str(item.get("description") or ""),
                "active": _flag(where, item, "active", True),
                "plays": plays,
            }
        )
    return segments


def load_segments(path_or_text: str | Path, *, user: User | None) -> SegmentsLoaded:
    """Create or update the segments and plays a YAML definition describes, by code (module docstring).

    Raises ``NotAllowed`` unless ``user`` may manage segments (ops; None is a shell command),
    ``AttainError`` as ``read_segments`` does, or when a play's code belongs to another segment's play."""
    access.require(access.may_manage_segments(user))
    segments = read_segments(path_or_text)
    created, updated, unchanged = [], [], []

    def save(model, code: str, fields: dict) -> Any:
        current = model.objects.filter(code=code).first()
        if current is None:
            created.append(code)
            return model.objects.create(code=code, **fields)
        if all(getattr(current, name) == value for name, value in fields.items()):
            unchanged.append(code)
            return current
        for name, value in fields.items():
            setattr(current, name, value)
        current.save()
        updated.append(code)
        return current

    with transaction.atomic():
        for spec in segments:
            fields = {k: spec[k] for k in ("name", "rule", "params", "description", "active")}
            if not Segment.objects.filter(code=spec["code"]).exists():
                fields["created_by"] = user
            segment = save(Segment, spec["code"], fields)
            for play in spec["plays"]:
                other = (
                    Play.objects.filter(code=play["code"]).exclude(segment=segment).select_related("segment")
                )
                if (taken := other.first()) is not None:
                    raise AttainError(
                        f"Play {play['code']} belongs to segment {taken.segment.code}, not {segment.code}: "
                        "give the play another code."
                    )
                save(
                    Play, play["code"], {"segment": segment, **{k: v for k, v in play.items() if k != "code"}}
                )
    return SegmentsLoaded(created=created, updated=updated, unchanged=unchanged)
