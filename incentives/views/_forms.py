"""The one way a page's form reaches a service: the form checks the input's shape, the service decides."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms

from core.errors import AttainError

T = TypeVar("T")


def submitted(form: forms.Form, act: Callable[[dict], T]) -> T | None:
    """What ``act`` (a service call on the form's cleaned data) made, or None to show the form again: with
    its field errors, or with the service's refusal as the form's error — one line per problem the service
    listed ("… is invalid:\\n  - a\\n  - b")."""
    if not form.is_valid():
        return None
    try:
        return act(form.cleaned_data)
    except AttainError as exc:
        for line in exc.message.splitlines():
            if line.strip():
                form.add_error(None, line.strip().removeprefix("- "))
        return None
