"""The incentives' jobs are on the beat, registered with Celery, and run before the 1st's quarter-end job
and nudges (docs/incentives.md "Operations")."""

from django.conf import settings

JOBS = {
    "award-spiffs": ("incentives.tasks.award_spiffs", (4, 5)),
    "earn-points": ("incentives.tasks.earn_monthly_points", (4, 10)),
    "expire-points": ("incentives.tasks.expire_old_points", (4, 15)),
}


def _at(schedule) -> tuple[int, int]:
    return min(schedule.hour), min(schedule.minute)


def test_each_job_runs_daily_at_its_time_before_the_quarter_end_and_the_nudges():
    schedule = settings.CELERY_BEAT_SCHEDULE
    for name, (task, at) in JOBS.items():
        entry = schedule[name]
        assert entry["task"] == task
        assert _at(entry["schedule"]) == at
        assert entry["schedule"].day_of_month == set(range(1, 32))  # every day
        assert at < _at(schedule["quarter-end"]["schedule"]) < _at(schedule["month-end-nudges"]["schedule"])


def test_the_tasks_are_registered_with_celery():
    from config.celery import app

    app.loader.import_default_modules()
    assert {task for task, _ in JOBS.values()} <= set(app.tasks)
