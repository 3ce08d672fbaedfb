"""The simulated approval system's memory and its reviewers' decisions, written from PROTOCOL.md."""

from __future__ import annotations

import copy
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import requests

from adapters.base import sim_control
from adapters.base.sim_control import push_and_read
from adapters.base.simulator import SimulatorState
from adapters.department.sim_rules import (
    CORRECTION,
    DONE,
    GRANTED,
    MOVES,
    RECEIVED,
    REFUSED,
    REVIEWING,
    STATUS_NAMES,
    TAKES_MATERIAL,
    WITHDRAWN,
    now,
)

GRANT_OPINION = "经审查，符合法定条件和标准，准予许可。"


class DecisionError(Exception):
    """A decision the system refuses; carries the HTTP status its control endpoint answers with."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(message)


@dataclass
class Push(sim_control.Push):
    """One 办理状态推送 sent to the gateway and what the gateway answered (status None: unreachable)."""

    @property
    def delivered(self) -> bool:
        """Whether the gateway took it (2xx with flag S)."""
        ok = isinstance(self.answer, dict) and self.answer.get("flag") == "S"
        return self.status is not None and 200 <= self.status < 300 and ok


@dataclass(frozen=True)
class AutoDecide:
    """Reviewers the demo leaves to themselves: review, then grant or refuse, then finish.

    `refuse` names departments (BLBM code or name) whose tasks are refused; a task accepted with missing
    material (容缺) is reviewed and then waits until the material is supplied.
    """

    refuse: frozenset[str] = frozenset()
    reason: str = "经审查，不符合法定条件，不予许可。"
    finish: bool = True
    delay: float = 0.5


@dataclass
class DepartmentState(SimulatorState):
    """The approval system's memory: tasks by 任务编号 (with 办理状态), pushes, auto reviewers."""

    gateway_webhook_url: str | None = None
    webhook_secrets: list[str] = field(default_factory=list)
    reviewer: str = "郑雅琴"
    auto: AutoDecide | None = None
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    pushes: list[Push] = field(default_factory=list)
    workers: list[threading.Thread] = field(default_factory=list)
    licences: int = 0
    # reset() forgets everything but the auto policy (and the licence count).
    cleared_on_reset = ("records", "pushes", "workers")

    # ---- inspection ----------------------------------------------------------------------------

    def tasks(self) -> list[dict[str, Any]]:
        """Every task as the system keeps it (copies)."""
        with self.lock:
            return copy.deepcopy(list(self.records.values()))

    def task(self, task_id: int | str) -> dict[str, Any] | None:
        """One task by 任务编号 (a copy), or None."""
        with self.lock:
            found = self.records.get(str(task_id))
            return copy.deepcopy(found) if found else None

    # ---- what the service center sends (called by the endpoints; record() holds the lock) -------

    def conflict(self, operation: str, body: dict[str, Any]) -> DecisionError | None:
        """Why a well-formed request cannot be applied to the tasks as they stand, or None."""
        with self.lock:
            task = self.records.get(body["RWBH"])
            if operation == "task_push":
                return DecisionError(409, f"任务编号已存在：{body['RWBH']}") if task else None
            if task is None:
                return DecisionError(404, f"任务不存在：{body['RWBH']}")
            for key in ("BJBH", "BLBM"):
                if body[key] != task[key]:
                    return DecisionError(400, f"参数错误：{key} 与任务不符")
            if operation == "supplement" and task["BLZT"] not in TAKES_MATERIAL:
                return DecisionError(409, f"任务{STATUS_NAMES[task['BLZT']]}，不再接收材料")
            if operation == "withdraw" and task["BLZT"] == DONE:
                return DecisionError(409, "任务已办结，不能撤回")
            return None

    def take_task(self, body: dict[str, Any]) -> dict[str, str]:
        """Keep a pushed task as 已接收."""
        task = {
            **copy.deepcopy(body),
            "BLZT": RECEIVED,
            "BLYJ": "",
            "BZCL": [],
            "ZZBH": "",
            "BZJL": [],
            "CHYY": "",
            "GXSJ": now(),
        }
        self.records[body["RWBH"]] = task
        return {"RWBH": body["RWBH"], "BLZT": RECEIVED}

    def take_material(self, body: dict[str, Any]) -> dict[str, str]:
        """Count the supplied materials as submitted; the 办理状态 stays."""
        task = self.records[body["RWBH"]]
        listed = {item["CLMC"]: item for item in task["CLQD"]}
        for item in body["CLQD"]:
            if item["CLMC"] in listed:
                listed[item["CLMC"]]["SFTJ"] = "1"
            else:
                task["CLQD"].append({"CLMC": item["CLMC"], "SFTJ": "1", "SFHX": "0"})
        task["BZJL"].append(copy.deepcopy(body))
        task["GXSJ"] = now()
        return {"RWBH": body["RWBH"], "BLZT": task["BLZT"]}

    def take_withdrawal(self, body: dict[str, Any]) -> dict[str, str]:
        """Withdraw a task (again: nothing changes)."""
        task = self.records[body["RWBH"]]
        if task["BLZT"] != WITHDRAWN:
            task.update(BLZT=WITHDRAWN, CHYY=body["CHYY"], GXSJ=now())
        return {"RWBH": body["RWBH"], "BLZT": WITHDRAWN}

    # ---- the reviewers' decisions, each pushed to the gateway ------------------------------------

    def review(self, task_id: int | str) -> Push:
        """审查中."""
        return self._decide(task_id, REVIEWING)

    def request_correction(self, task_id: int | str, materials: Iterable[str], reason: str) -> Push:
        """补正: the applicant must bring these materials."""
        names = [name for name in materials if name]
        if not names or not reason:
            raise DecisionError(400, "补正须列明材料并说明理由")
        return self._decide(task_id, CORRECTION, reason, names)

    def grant(self, task_id: int | str, result_no: str | None = None) -> Push:
        """准予, with a 证照编号 (one is made up when not given)."""
        return self._decide(task_id, GRANTED, GRANT_OPINION, result_no=result_no)

    def refuse(self, task_id: int | str, reason: str) -> Push:
        """不予, saying why."""
        if not reason:
            raise DecisionError(400, "不予须说明理由")
        return self._decide(task_id, REFUSED, reason)

    def finish(self, task_id: int | str) -> Push:
        """办结."""
        return self._decide(task_id, DONE, "已办结")

    def _decide(
        self,
        task_id: int | str,
        target: str,
        opinion: str = "",
        materials: list[str] | None = None,
        result_no: str | None = None,
    ) -> Push:
        with self.lock:
            task = self.records.get(str(task_id))
            if task is None:
                raise DecisionError(404, f"任务不存在：{task_id}")
            if target not in MOVES[task["BLZT"]]:
                current, wanted = STATUS_NAMES[task["BLZT"]], STATUS_NAMES[target]
                raise DecisionError(409, f"任务{current}，不能{wanted}")
            missing = [m["CLMC"] for m in task["CLQD"] if m["SFTJ"] != "1"]
            if target == GRANTED and missing:
                raise DecisionError(409, f"材料未补齐，不能准予：{'、'.join(missing)}")
            if target == GRANTED:
                self.licences += 1
                task["ZZBH"] = result_no or f"ZZ{task['BLBM'][2:8]}{now()[:4]}{self.licences:06d}"
            elif target != DONE:
                task["ZZBH"] = ""
            task.update(BLZT=target, BLYJ=opinion, BZCL=list(materials or []), GXSJ=now())
            body = {
                key: copy.deepcopy(task[key])
                for key in ("RWBH", "BJBH", "SXBM", "BLBM", "BLBMMC", "BLZT", "BLYJ", "BZCL", "ZZBH")
            }
            body = {"XXLX": "RWZT", **body, "BLR": self.reviewer, "CZSJ": task["GXSJ"]}
        return self._push(body)

    # ---- pushes ---------------------------------------------------------------------------------

    def _push(self, body: dict[str, Any], webhook_id: str | None = None) -> Push:
        if not self.gateway_webhook_url:
            push = Push(body, None, None, None)
        else:
            webhook_id = webhook_id or f"msg_{uuid.uuid4().hex}"
            try:
                answered = push_and_read(self.gateway_webhook_url, self.webhook_secrets, body, webhook_id)
                push = Push(body, *answered)
            except requests.RequestException as err:
                push = Push(body, webhook_id, None, type(err).__name__)
        with self.lock:
            self.pushes.append(push)
        return push

    def redeliver(self) -> list[Push]:
        """Send again, under the same webhook-id, every push the gateway did not take."""
        with self.lock:
            failed = [p for p in self.pushes if p.webhook_id and not p.delivered]
            self.pushes = [p for p in self.pushes if all(p is not f for f in failed)]
        return [self._push(p.body, p.webhook_id) for p in failed]

    # ---- auto reviewers -------------------------------------------------------------------------

    def set_auto(self, policy: AutoDecide | None) -> None:
        """Let reviewers decide new and supplemented tasks by themselves (None: people decide)."""
        with self.lock:
            self.auto = policy

    def advance(self, task_id: str) -> None:
        """Under an auto policy, carry a task on in the background (after a push or supplied material)."""
        with self.lock:
            policy = self.auto
        if policy is None:
            return
        worker = threading.Thread(target=self._advance, args=(task_id, policy), daemon=True)
        with self.lock:
            self.workers.append(worker)
        worker.start()

    def settle(self, timeout: float = 10.0) -> None:
        """Wait for the auto reviewers to finish what they started."""
        deadline = time.monotonic() + timeout
        with self.lock:
            workers = list(self.workers)
        for worker in workers:
            worker.join(max(0.0, deadline - time.monotonic()))

    def _advance(self, task_id: str, policy: AutoDecide) -> None:
        try:
            task = self.task(task_id) or {}
            if task.get("BLZT") in (RECEIVED, CORRECTION):
                time.sleep(policy.delay)
                self.review(task_id)
            task = self.task(task_id) or {}
            if any(m["SFTJ"] != "1" for m in task.get("CLQD", [])):
                return  # 容缺: wait for the material
            time.sleep(policy.delay)
            if policy.refuse & {task.get("BLBM"), task.get("BLBMMC")}:
                self.refuse(task_id, policy.reason)
            else:
                self.grant(task_id)
            if policy.finish:
                time.sleep(policy.delay)
                self.finish(task_id)
        except DecisionError:
            return  # withdrawn meanwhile, or a person decided first
