"""The bottom-5% nudges (docs/design.md §11.5; RULES "Bottom 5%"): at month end, the people of a
config's scope with the lowest values of its metric get an e-mail and a task, each recorded as a
``Nudge``; the CCO writes the text and may switch a config off.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from string import Template

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import access
from accounts.models import Role, User
from commissions.services.person_metrics import (
    MetricSource,
    MetricUnavailable,
    check_metric_code,
    month_means,
    stored_metric_values,
)
from core import formatting as fmt

from ..errors import RecognitionInvalid
from ..models import Nudge, NudgeConfig, NudgeMonth
from ..ranking import bottom_five_percent

logger = logging.getLogger(__name__)

EDITABLE = ("subject", "message", "task_title", "enabled")


def month_bounds(month: date) -> tuple[date, date]:
    """The first and last day of ``month`` (any day of it)."""
    first = month.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return first, last


def previous_month(today: date) -> date:
    """The first day of the month before ``today``'s (the month the 1st's job nudges for)."""
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def scope_of(config: NudgeConfig):
    """The people a config ranks: the active CSMs (of its geo, when set)."""
    people = User.objects.filter(is_active=True, roles__role=Role.CSM)
    if config.geo:
        people = people.filter(geo=config.geo)
    return people.distinct()


def save_config(*, user: User | None, code: str, **fields) -> NudgeConfig:
    """Create or change the nudge config ``code`` (metric, geo, subject, message, task_title, enabled).
    Only the CCO (``access.may_configure_recognition``). The message may use $name, $metric, $value,
    $month and $task. The metric must be one the one reader serves (``check_metric_code``: not
    ``attainment``, an unknown ``kpi.<code>`` or no code at all) whenever it is given or the config is
    on; switching a config off never needs it. Raises ``RecognitionInvalid`` listing every problem (the
    metric's as ``metric: …``), writing nothing; ``NotAllowed``."""
    access.require(access.may_configure_recognition(user))
    unknown = set(fields) - {"metric", "geo", *EDITABLE}
    if unknown:
        raise RecognitionInvalid(f"A nudge config has no field {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        config = NudgeConfig.objects.select_for_update().filter(code=code).first() or NudgeConfig(code=code)
        for name, value in fields.items():
            setattr(config, name, value)
        config.changed_by = user
        required = ("metric", "subject", "message", "task_title")
        problems = [
            f"The {name} is empty." for name in required if not str(getattr(config, name) or "").strip()
        ]
        if str(config.metric or "").strip() and ("metric" in fields or config.enabled):
            try:  # refused now rather than by the month-end job (docs/design.md §11.1)
                check_metric_code(config.metric)
            except MetricUnavailable as exc:
                problems.append(f"metric: {exc.message}")
        try:
            Template(config.message or "").substitute(name="", metric="", value="", month="", task="")
        except (KeyError, ValueError) as exc:
            problems.append(
                f"The message uses an unknown or broken placeholder ({exc}): use $name, $metric, "
                "$value, $month or $task ($$ for a dollar sign)."
            )
        if problems:
            raise RecognitionInvalid(
                f"Nudge config {code} is invalid:\n" + "\n".join(f"  - {p}" for p in problems)
            )
        config.save()
    return config


def switch(*, user: User | None, code: str, enabled: bool) -> NudgeConfig:
    """The CCO switches a nudge config on or off (off: its month-end run sends nothing)."""
    return save_config(user=user, code=code, enabled=enabled)


@dataclass
class NudgeRun:
    """What ``send_nudges`` did for a month: per config code, the nudges written (empty for a config
    switched off, already decided or without values), the people of the scope without a value, the
    configs skipped and why, and the configs ``refused`` because their metric cannot be read (the
    reader's sentence)."""

    month: date
    nudged: dict[str, list[Nudge]] = field(default_factory=dict)
    without_value: dict[str, list[int]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)

    @property
    def sent(self) -> int:
        return sum(len(n) for n in self.nudged.values())

    def summary(self) -> str:
        """The run in a sentence or a few, as the nudges page and ``send_nudges`` command say it: how many
        nudges were sent and by which config, the configs that sent nothing and why (sent already, switched
        off, no values yet), and every refused config with the reader's reason."""
        month = f"{self.month:%Y-%m}"
        sent = {code: len(nudges) for code, nudges in self.nudged.items() if nudges}
        if sent:
            per = ", ".join(f"{code} {count}" for code, count in sent.items())
            lines = [f"Sent {self.sent} nudge{'s' if self.sent != 1 else ''} for {month} ({per})."]
        elif not (self.skipped or self.refused):
            lines = [f"No nudge sent for {month}: there is no nudge config."]
        else:
            lines = [f"No nudge sent for {month}."]
        reasons = {
            "already sent": "Sent already, so nothing again",
            "decided by another run": "Sent by another run meanwhile",
            "switched off": "Switched off",
            "no values yet": "No value of its metric yet (a later run decides the month)",
        }
        for reason, said in reasons.items():
            codes = [code for code, why in self.skipped.items() if why == reason]
            if codes:
                lines.append(f"{said}: {', '.join(codes)}.")
        lines += [f"Refused {code}, nothing sent: {why}" for code, why in self.refused.items()]
        return " ".join(lines)


def send_nudges(
    month: date,
    *,
    user: User | None = None,
    metrics: MetricSource | None = None,
    today: date | None = None,
) -> NudgeRun:
    """Nudge the bottom 5% of each enabled config's metric for ``month`` (any day of it), a month that is
    over (its last day before ``today``, default the local date): a month is decided once, so never on
    part of its values.

    Per config: n = the people of its scope with a value (their mean over the month); ceil(5% × n) people
    with the lowest values are picked, at least 1 when n ≥ 1, everyone tied at the cut-off included; the
    people without a value are reported apart and never nudged (RULES "Bottom 5%"). Each picked person
    gets a ``Nudge`` (value, rank from the bottom, n, the task) and, once the transaction commits, the
    e-mail. A config's month is decided once (``NudgeMonth``): a rerun sends nothing; a config switched
    off sends nothing and decides nothing. One transaction per config: a config whose metric
    ``check_metric_code`` or the reader refuses (written before ``save_config`` checked it, or a KPI no
    longer computed) sends and decides nothing, is named in ``NudgeRun.refused`` and the log, and the
    other configs run. Raises ``NotAllowed`` unless ``user`` is ops or the CCO (or None, the schedule);
    ``RecognitionInvalid`` for a month not over, sending nothing.
    """
    access.require(access.may_send_nudges(user))
    first, last = month_bounds(month)
    today = today or timezone.localdate()
    if last >= today:
        raise RecognitionInvalid(
            f"{first:%Y-%m} is not over yet (it ends on {last}): its nudges are sent once it has ended."
        )
    source = metrics or stored_metric_values
    run = NudgeRun(first)
    for config in NudgeConfig.objects.order_by("code"):
        if not config.enabled:
            run.skipped[config.code] = "switched off"
            continue
        try:
            check_metric_code(config.metric)
            with transaction.atomic():
                _decide(config, first, last, source, run)
        except IntegrityError:  # another run decided the month meanwhile
            run.skipped[config.code] = "decided by another run"
        except MetricUnavailable as exc:  # one config's metric must not stop the others
            run.refused[config.code] = exc.message
            logger.warning("Nudge config %s sent nothing for %s: %s", config.code, f"{first:%Y-%m}", exc)
    return run


def _decide(config: NudgeConfig, first: date, last: date, source: MetricSource, run: NudgeRun) -> None:
    config = NudgeConfig.objects.select_for_update().get(pk=config.pk)
    if not config.enabled:
        run.skipped[config.code] = "switched off"
        return
    if NudgeMonth.objects.filter(config=config, month=first).exists():
        run.skipped[config.code] = "already sent"
        return
    people = list(scope_of(config).order_by("employee_id", "pk"))
    means = month_means(
        source(metric=config.metric, employees=[p.pk for p in people], first=first, last=last)
    )
    picked, without = bottom_five_percent({p.pk: means.get(p.pk) for p in people})
    run.without_value[config.code] = without
    if not means:
        run.skipped[config.code] = "no values yet"
        return
    by_pk = {p.pk: p for p in people}
    nudges = Nudge.objects.bulk_create(
        [
            Nudge(
                config=config,
                employee=by_pk[pk],
                month=first,
                value=means[pk],
                rank=rank,
                of=len(means),
                task=config.task_title,
            )
            for pk, rank in sorted(
                picked.items(), key=lambda item: (item[1], by_pk[item[0]].employee_id or "")
            )
        ]
    )
    NudgeMonth.objects.create(
        config=config, month=first, with_value=len(means), without_value=len(without), nudged=len(nudges)
    )
    run.nudged[config.code] = nudges
    ids = [n.pk for n in nudges]

    def queue() -> None:
        from ..tasks import send_nudge_email

        for pk in ids:
            try:
                send_nudge_email.delay(pk)
            except Exception:  # the nudges are recorded; a mail outage must not undo them
                logger.exception("could not queue the e-mail of nudge #%s", pk)

    transaction.on_commit(queue)


def email_of(nudge: Nudge) -> tuple[str, str]:
    """The nudge's e-mail (subject, body): the config's text with $name, $metric, $value, $month, $task."""
    config = nudge.config
    fill = {
        "name": nudge.employee.name or nudge.employee.email,
        "metric": config.metric,
        "value": fmt.number(nudge.value.normalize()),
        "month": nudge.month.strftime("%Y-%m"),
        "task": nudge.task,
    }
    return Template(config.subject).safe_substitute(fill), Template(config.message).safe_substitute(fill)


def mark_emailed(nudge: Nudge) -> bool:
    """Record the e-mail as sent, once (compare-and-set): False when it was sent already."""
    return Nudge.objects.filter(pk=nudge.pk, emailed_at__isnull=True).update(emailed_at=timezone.now()) == 1
