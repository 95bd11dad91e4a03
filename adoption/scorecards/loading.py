"""Loading a scorecard version from YAML (docs/design.md §9.1).

A version is published once and never changes: loading the same code and version again with the same
content does nothing, with other content is refused. Version numbers rise, and their ``effective_from``
dates rise with them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from accounts import access
from accounts.models import User
from core.errors import AttainError

from ..models import Customer, Scorecard, ScorecardVersion
from ..scoring.definition import ScorecardError, ScorecardSpec, parse_scorecard
from .commission import refuse_commission_change_by_version

MAX_SOURCE_CHARS = 200_000


class _Loader(yaml.SafeLoader):
    """YAML's safe loader reading dates as text: ``parse_scorecard`` then names a date that does not
    exist (``effective_from: 2026-13-01``) by its field, where PyYAML would raise a bare ValueError."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class Loaded:
    """What ``load_scorecard`` did: ``created`` False when the same version was loaded already."""

    version: ScorecardVersion
    created: bool


def read_definition(path_or_text: str | Path) -> tuple[str, dict[str, Any], ScorecardSpec]:
    """The YAML text, its mapping (JSON-ready: dates as ISO text) and the validated spec.

    ``path_or_text``: a ``Path``, a path to an existing file, or the YAML itself. Raises ``AttainError``
    naming the field at fault (``criteria[2].weight: …``) or the YAML syntax error.
    """
    text = _text_of(path_or_text)
    if len(text) > MAX_SOURCE_CHARS:
        raise AttainError(f"A scorecard definition is at most {MAX_SOURCE_CHARS:,} characters.")
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader without timestamps
    except yaml.YAMLError as exc:
        raise AttainError(f"The scorecard is not valid YAML: {exc}") from None
    try:
        spec = parse_scorecard(data)
    except ScorecardError as exc:
        raise AttainError(f"The scorecard is invalid: {exc}") from None
    # JSON keeps what YAML read; dates become ISO text, which parse_scorecard reads back the same.
    mapping = json.loads(json.dumps(data, default=_json_value))
    return text, mapping, spec


def load_scorecard(path_or_text: str | Path, *, user: User | None) -> Loaded:
    """Publish the scorecard version a YAML definition describes (docs/design.md §9.1).

    Creates the ``Scorecard`` on its first load (its name follows the latest version). The same code
    and version with identical content is a no-op (``created`` False). Raises ``NotAllowed`` unless
    ``user`` may manage scorecards (ops; None is a shell command), ``AttainError`` when the definition
    is invalid, when it names a segment no customer has, when that version exists with other content,
    when the version number or its ``effective_from`` does not rise above the latest version's, or when
    the version would change the commission scorecard of a year whose target snapshot is approved
    (docs/design.md §9.5).
    Locks the scorecard row, so two loads of one scorecard publish one after the other.
    """
    access.require(access.may_manage_scorecards(user))
    text, mapping, spec = read_definition(path_or_text)
    refuse_unknown_segments(spec)
    with transaction.atomic():
        scorecard, _ = Scorecard.objects.get_or_create(code=spec.code, defaults={"name": spec.name})
        scorecard = Scorecard.objects.select_for_update().get(pk=scorecard.pk)
        existing = ScorecardVersion.objects.filter(scorecard=scorecard, version=spec.version).first()
        if existing is not None:
            if existing.definition == mapping:
                return Loaded(version=existing, created=False)
            raise AttainError(
                f"Version {spec.version} of {spec.code} is published and never changes: "
                f"load it as version {_next_version(scorecard)}."
            )
        latest = scorecard.versions.order_by("-version").first()
        if latest is not None:
            if spec.version < latest.version:
                raise AttainError(
                    f"Versions of {spec.code} rise: version {latest.version} is published, so load this "
                    f"as version {latest.version + 1}."
                )
            if spec.effective_from <= latest.effective_from:
                raise AttainError(
                    f"Version {spec.version} of {spec.code} must take effect after version "
                    f"{latest.version} (effective from {latest.effective_from}), not on "
                    f"{spec.effective_from}."
                )
        refuse_commission_change_by_version(scorecard, spec)
        version = ScorecardVersion.objects.create(
            scorecard=scorecard,
            version=spec.version,
            effective_from=spec.effective_from,
            segments=list(spec.segments),
            definition=mapping,
            source=text,
            loaded_by=user,
        )
        if scorecard.name != spec.name:
            Scorecard.objects.filter(pk=scorecard.pk).update(name=spec.name)
    return Loaded(version=version, created=True)


def refuse_unknown_segments(spec: ScorecardSpec) -> None:
    """Raise ``AttainError`` naming a segment of ``spec`` that no customer has, and the customers'
    segments: such a scorecard would score nobody in it (issue 17; segments match ``Customer.segment``)."""
    if not spec.segments:
        return
    known = set(Customer.objects.order_by().values_list("segment", flat=True).distinct())
    for segment in spec.segments:
        if segment not in known:
            listed = ", ".join(sorted(s for s in known if s)) or "none: no customer is loaded yet"
            raise AttainError(
                f"The scorecard is invalid: segments: no customer has segment {segment!r} "
                f"(the customers' segments are {listed})."
            )


def spec_of(version: ScorecardVersion) -> ScorecardSpec:
    """The validated spec of a stored version (its definition was validated when it was loaded)."""
    return parse_scorecard(version.definition)


def _next_version(scorecard: Scorecard) -> int:
    latest = scorecard.versions.order_by("-version").values_list("version", flat=True).first()
    return (latest or 0) + 1


def _text_of(path_or_text: str | Path) -> str:
    if isinstance(path_or_text, Path):
        return _read(path_or_text)
    if "\n" not in path_or_text and len(path_or_text) < 4096:
        return _read(Path(path_or_text))
    return path_or_text


def _read(path: Path) -> str:
    if not path.is_file():
        raise AttainError(f"No scorecard file {path}.")
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AttainError(f"Cannot read the scorecard file {path}: {exc}") from None


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{value!r} cannot be stored in a scorecard definition")
