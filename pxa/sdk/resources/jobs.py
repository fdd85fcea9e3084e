"""client.jobs: long operations' progress and logs; waiting for one to finish."""

from __future__ import annotations

import time
from typing import Any

from pxa.models.job import Job, JobList
from pxa.sdk._flow import Flow, sleep_until
from pxa.sdk.resources._base import Resource, seg


class JobTimeoutError(TimeoutError):
    """`jobs.wait` gave up; `job` is the last state seen (still pending or running)."""

    def __init__(self, job: Job, timeout: float) -> None:
        super().__init__(
            f"job {job.id} still {job.status.value} at {job.progress}% after {timeout:g}s"
        )
        self.job = job


class Jobs(Resource):
    """client.jobs"""

    def list(self, **filters: Any) -> JobList:
        """`status`, `type`, `target`, `limit`, `offset`; the result has `.jobs`, `.total`."""
        return self._model("GET", "/jobs", JobList, params=filters)

    def get(self, job_id: str) -> Job:
        return self._model("GET", f"/jobs/{seg(job_id)}", Job, "job")

    def cancel(self, job_id: str) -> Job:
        return self._model("DELETE", f"/jobs/{seg(job_id)}", Job, "job")

    def wait(self, job_id: str, timeout: float | None = None, poll: float = 1.0) -> Job:
        """Poll until the job is completed, failed or cancelled, and return it.

        Raises `JobTimeoutError` (a `TimeoutError`) when `timeout` seconds pass first.
        A failed job is returned, not raised: look at `job.status` and `job.error`.
        """
        return self._client._run(self._wait(job_id, timeout, poll))  # type: ignore[no-any-return]

    def _wait(self, job_id: str, timeout: float | None, poll: float) -> Flow[Job]:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            job = yield from self._model_flow("GET", f"/jobs/{seg(job_id)}", Job, "job")
            if job.status.finished:
                return job
            if deadline is not None and time.monotonic() >= deadline:
                raise JobTimeoutError(job, timeout or 0)
            yield sleep_until(deadline, poll)
