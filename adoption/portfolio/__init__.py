"""The Django side of the portfolio KPIs, segments and plays (docs/design.md §10, issue 18): loading a
day's usage, activities and books from the database for the pure ``adoption.kpis`` module, storing the
daily KPIs, evaluating segments and running plays."""
