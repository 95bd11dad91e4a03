"""Loading segment and play definitions from YAML (``load_segments FILE.yaml``, docs/design.md §10.5;
every key, each rule's params with defaults and bounds: docs/segments.md).

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
the file is left alone; an evaluated segment's rule and params are fixed (``refuse_rule_change``). The
whole file or nothing (one transaction), every problem of the file reported at once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from accounts import access
from accounts.models import User
from core.errors import AttainError
from core.suggest import with_near_matches

from ..models import Play, Segment, SegmentEvaluation
from ..portfolio_models import CODE_VALIDATOR
from .plays import validate_recovery_days, validate_tasks
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
    notes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.created or self.updated or self.unchanged)


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
        named, known_keys = with_near_matches(unknown, sorted(known)), ", ".join(sorted(known))
        raise AttainError(f"{where}: unknown key {named} (known: {known_keys})")
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


class ProblemsFound(AttainError):
    """Several problems of a segments file; ``problems`` lists each one (the message lists them too)."""

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message)
        self.problems = problems


class Problems:
    """The problems of a file, gathered so that one load reports every one of them at once."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def check(self, step: Callable[[], Any], prefix: str = "") -> Any:
        """``step()``, or None with its ``AttainError`` (each of a ``ProblemsFound``) noted, ``prefix``
        before the message."""
        try:
            return step()
        except ProblemsFound as exc:
            self.found += [f"{prefix}{problem}" for problem in exc.problems]
        except AttainError as exc:
            self.found.append(f"{prefix}{exc}")
        return None

    def raise_any(self, what: str) -> None:
        """Raise ``ProblemsFound`` when anything was found: one problem as it is, several listed."""
        if len(self.found) == 1:
            raise ProblemsFound(self.found[0], self.found)
        if self.found:
            listed = "\n".join(f"- {problem}" for problem in self.found)
            raise ProblemsFound(
                f"{what} has {len(self.found)} problems; nothing was loaded:\n{listed}", self.found
            )


def _where(at: int, item: Any) -> str:
    """``segments[1] (top_ten)``: the entry, with its code when it has one."""
    code = item.get("code") if isinstance(item, dict) else None
    return f"segments[{at}] ({code})" if isinstance(code, str | int) and str(code) else f"segments[{at}]"


def read_segments(path_or_text: str | Path) -> list[dict]:
    """The segments of a YAML definition, each with its ``plays``, checked (the fields of the models).

    Raises ``AttainError`` listing every problem of the file at once, each naming the entry, its code and
    the field at fault (``segments[1] (top_ten).params: …``): a YAML syntax error, an empty file, a wrong
    field, or a code given twice in the file. ``segments: []`` is an empty list (nothing to load)."""
    text = _text(path_or_text)
    if len(text) > MAX_SOURCE_CHARS:
        raise AttainError(f"A segments file is at most {MAX_SOURCE_CHARS:,} characters.")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise AttainError(f"The segments file is not valid YAML: {exc}") from None
    if data is None:
        raise AttainError(
            "The segments file is empty: it must hold `segments:`, a list of segments (docs/segments.md)."
        )
    _keys("the file", data, {"segments"}, ("segments",))
    if not isinstance(data["segments"], list):
        raise AttainError("segments must be a list of segments")
    problems = Problems()
    segments, seen = [], set()
    for at, item in enumerate(data["segments"]):
        where = _where(at, item)
        read = problems.check(lambda where=where, item=item: _segment(where, item))
        if read is None:
            continue
        for entry in (read["code"], *(p["code"] for p in read["plays"])):
            if entry in seen:
                problems.found.append(f"{where}: the code {entry} is given twice in the file")
            seen.add(entry)
        segments.append(read)
    problems.raise_any("The segments file")
    return segments


def _segment(where: str, item: Any) -> dict:
    """One entry of the file read and checked; ``AttainError`` listing its problems."""
    if not isinstance(item, dict):
        raise AttainError(f"{where} must be a mapping, not {item!r}")
    problems = Problems()
    problems.check(lambda: _keys(where, item, SEGMENT_KEYS, ("code", "name", "rule")))
    code = problems.check(lambda: _code(where, item["code"])) if item.get("code") not in (None, "") else None
    rule, params = item.get("rule"), item.get("params") or {}
    if rule not in (None, "") and rule not in PARAMS:
        problems.found.append(f"{where}.rule: unknown rule {rule!r} (the rules are {', '.join(PARAMS)})")
    elif rule not in (None, ""):
        try:
            validate_params(rule, params)
        except SegmentParamsError as exc:
            problems.found.append(f"{where}.params: {exc}")
    active = problems.check(lambda: _flag(where, item, "active", True))
    plays_given = item.get("plays") or []
    if not isinstance(plays_given, list):
        problems.found.append(f"{where}.plays must be a list of plays, not {plays_given!r}")
        plays_given = []
    plays = [
        problems.check(lambda play_at=play_at, play=play: _play(f"{where}.plays[{play_at}]", play))
        for play_at, play in enumerate(plays_given)
    ]
    problems.raise_any(where)
    return {
        "code": code,
        "name": str(item["name"]),
        "rule": rule,
        "params": params,
        "description": str(item.get("description") or ""),
        "active": active,
        "plays": plays,
    }


def _play(where: str, play: Any) -> dict:
    """One play of an entry read and checked; ``AttainError`` listing its problems."""
    if not isinstance(play, dict):
        raise AttainError(f"{where} must be a mapping, not {play!r}")
    problems = Problems()
    problems.check(lambda: _keys(where, play, PLAY_KEYS, ("code", "name")))
    code = problems.check(lambda: _code(where, play["code"])) if play.get("code") not in (None, "") else None
    tasks = problems.check(lambda: validate_tasks(play.get("tasks", [])), f"{where}.")
    days = problems.check(lambda: validate_recovery_days(play.get("recovery_days", 30)), f"{where}.")
    notify = problems.check(lambda: _flag(where, play, "notify_ae", False))
    active = problems.check(lambda: _flag(where, play, "active", True))
    problems.raise_any(where)
    return {
        "code": code,
        "name": str(play["name"]),
        "tasks": tasks,
        "notify_ae": notify,
        "recovery_days": days,
        "active": active,
    }


def refuse_rule_change(segment: Segment, rule: str, params: Any) -> None:
    """Raise ``AttainError`` when ``segment`` has been evaluated and ``rule`` or ``params`` differ from its
    own (docs/design.md §10.5): its memberships, tasks and play effects were made by the old rule, and a
    new one would record every member leaving as if recovered. Name, description and active may change."""
    if not segment.pk or (segment.rule == rule and _same_params(rule, segment.params, params)):
        return
    last = SegmentEvaluation.objects.filter(segment=segment).aggregate(last=Max("day"))["last"]
    if last is None:
        return
    was = f"{segment.rule} {json.dumps(segment.params or {}, default=str)}"
    now = f"{rule} {json.dumps(params or {}, default=str)}"
    raise AttainError(
        f"Segment {segment.code} has been evaluated (last on {last}): its rule and params cannot change "
        f"({was} → {now}). "
        f"Create a segment with a new code for the new rule and deactivate {segment.code} (active: false); "
        "its name, description and active may still change."
    )


def _same_params(rule: str, old: Any, new: Any) -> bool:
    try:
        return validate_params(rule, old) == validate_params(rule, new)
    except SegmentParamsError:
        return (old or {}) == (new or {})


def load_segments(path_or_text: str | Path, *, user: User | None) -> SegmentsLoaded:
    """Create or update the segments and plays a YAML definition describes, by code (module docstring).

    Raises ``NotAllowed`` unless ``user`` may manage segments (ops; None is a shell command), and
    ``AttainError`` listing every problem at once: those of ``read_segments``, a play's code that belongs
    to another segment's play, and a change of rule or params of a segment already evaluated
    (``refuse_rule_change``). Nothing is written unless the whole file loads."""
    access.require(access.may_manage_segments(user))
    segments = read_segments(path_or_text)
    loaded = SegmentsLoaded(created=[], updated=[], unchanged=[])
    problems = Problems()

    def save(model, code: str, fields: dict) -> Any:
        current = model.objects.filter(code=code).first()
        if current is None:
            loaded.created.append(code)
            return model.objects.create(code=code, **fields)
        if all(getattr(current, name) == value for name, value in fields.items()):
            loaded.unchanged.append(code)
            return current
        for name, value in fields.items():
            setattr(current, name, value)
        current.save()
        loaded.updated.append(code)
        return current

    with transaction.atomic():
        for spec in segments:
            fields = {k: spec[k] for k in ("name", "rule", "params", "description", "active")}
            existing = Segment.objects.filter(code=spec["code"]).first()
            if existing is None:
                fields["created_by"] = user
            else:
                try:
                    refuse_rule_change(existing, spec["rule"], spec["params"])
                except AttainError as exc:
                    problems.found.append(str(exc))
                    continue
            segment = save(Segment, spec["code"], fields)
            for play in spec["plays"]:
                other = (
                    Play.objects.filter(code=play["code"]).exclude(segment=segment).select_related("segment")
                )
                if (taken := other.first()) is not None:
                    problems.found.append(
                        f"Play {play['code']} belongs to segment {taken.segment.code}, not {segment.code}: "
                        "give the play another code."
                    )
                    continue
                save(
                    Play, play["code"], {"segment": segment, **{k: v for k, v in play.items() if k != "code"}}
                )
            if existing is None and any(play["active"] for play in spec["plays"]):
                loaded.notes.append(
                    f"{segment.code} is new and has a play: its first evaluation makes the play's tasks for "
                    "every customer that meets its rule that day."
                )
        problems.raise_any("The segments file")
    return loaded
