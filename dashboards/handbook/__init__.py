"""The plan handbook (docs/handbook.md): a plan's rules in plain words with worked examples computed by the
engine, the fiscal year's timeline and an FAQ answered from the plan, as a page and a PDF.

``rules``, ``examples`` and ``faq`` build the content from a ``PlanSpec`` and the engine alone (no Django,
no database); ``timeline`` reads the year's dates; ``builder`` puts a plan's handbook together for a
reader; ``views`` and ``pdf`` show it.
"""
