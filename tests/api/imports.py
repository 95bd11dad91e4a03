"""Import a file through the API as a client does (docs/imports.md "The API"), for tests of any folder."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile


def import_through_api(client, kind: str, content, *, name: str | None = None, confirm: bool = True, **extra):
    """Upload ``content`` (bytes, or an open file) as ``kind`` with ``POST /api/imports/``, run the job's dry
    run here as a worker would (with or without REDIS_URL: a step already done is not done again), read the
    job and, when it is checked and ``confirm``, confirm it and run its writing the same way.

    Returns the upload's response and the job's JSON as last read (None when the upload was refused).
    """
    from commissions.tasks import run_import_job

    file = (
        SimpleUploadedFile(name or f"{kind}.csv", content, content_type="text/csv")
        if isinstance(content, bytes)
        else content
    )
    response = client.post("/api/imports/", {"kind": kind, "file": file}, format="multipart", **extra)
    if response.status_code != 202:
        return response, None
    run_import_job.apply(args=[response.json()["id"]])
    job = client.get(response["Location"]).json()
    if confirm and job["status"] == "validated":
        confirmed = client.post(job["links"]["confirm"])
        assert confirmed.status_code == 202, confirmed.json()
        run_import_job.apply(args=[job["id"]])
        job = client.get(confirmed["Location"]).json()
    return response, job
