"""``opsdocs run``: a guided terminal mode over the runbook steps the pages hold, with an incident log,
a postmortem export and a rollback-readiness check."""

from opsdocs.runmode.app import RunOptions, resume_guided, run_guided
from opsdocs.runmode.export import export_postmortem
from opsdocs.runmode.plan import Procedure, find_procedure, list_procedures
from opsdocs.runmode.readiness import Readiness, Reason, check_readiness

__all__ = ["Procedure", "Readiness", "Reason", "RunOptions", "check_readiness", "export_postmortem",
           "find_procedure", "list_procedures", "resume_guided", "run_guided"]
