"""The Django side of scorecards (docs/design.md §9): loading versions, choosing a year's commission
scorecards and score source, computing and storing daily scores, and reading their trend.

The calculation itself is the pure ``adoption.scoring``; this package loads its inputs from the
database, calls it and stores what it returns. Feeding the commission scorecards' scores into the
adoption scores a quarter's pull reads respects closed quarters, which live in ``commissions``: that
part is ``commissions.services.scorecard_feed``, which listens here (``computing.register_listener``).
"""
