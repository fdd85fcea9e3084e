"""The /v1 areas, each a set of request flows that either client can drive."""

from pxa.sdk.resources._base import Resource
from pxa.sdk.resources.ai import Ai
from pxa.sdk.resources.auth import Auth
from pxa.sdk.resources.backups import Backups, Schedules
from pxa.sdk.resources.jobs import Jobs, JobTimeoutError
from pxa.sdk.resources.monitoring import Monitoring
from pxa.sdk.resources.networks import Networks, Rules
from pxa.sdk.resources.security import Security
from pxa.sdk.resources.storage import Storage
from pxa.sdk.resources.vms import Snapshots, Vms
from pxa.sdk.resources.webhooks import Webhooks

__all__ = [
    "Ai",
    "Auth",
    "Backups",
    "JobTimeoutError",
    "Jobs",
    "Monitoring",
    "Networks",
    "Resource",
    "Rules",
    "Schedules",
    "Security",
    "Snapshots",
    "Storage",
    "Vms",
    "Webhooks",
]
