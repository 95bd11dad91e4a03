"""The score pages (docs/scorecards.md "Pages"): a customer's scorecard, the portfolio by score and a
scorecard version's rules."""
