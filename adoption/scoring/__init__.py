"""The scorecard calculation of docs/design.md §9: usage and milestones in, adoption scores out.

Pure Python and pandas like ``commissions.engine``: no Django, no database. The Django side
(``adoption.scorecards``) loads the rows, calls this package and stores what it returns.
"""
