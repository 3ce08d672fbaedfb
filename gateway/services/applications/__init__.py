"""办件, the window flow: accepting at any window (前台综合受理), the departments' review (后台分类审批,
部门联办), delivery at one window (统一窗口出件), ratings (好差评) and rectifications (整改).

One module a job: ``intake``, ``review`` and ``window`` are the use cases, ``flow`` what they share,
``outbound`` the messages to the departments and the window system, ``queries`` the reading,
``snapshots`` what callers are handed, ``evaluations`` and ``statistics`` the ratings and figures,
``service`` the facade the API calls. The SQL is in ``persistence.repositories.applications``.
"""

from __future__ import annotations

from gateway.domain.applications import ApplicationFilter
from gateway.services.applications.evaluations import EvaluationService
from gateway.services.applications.intake import receipt_no
from gateway.services.applications.service import ApplicationService

__all__ = ["ApplicationFilter", "ApplicationService", "EvaluationService", "receipt_no"]
