"""Hold the live API to its own OpenAPI document with schemathesis, as an outside engineer would.

A caseload is seeded through the services, the app is served on 127.0.0.1, and ``st run`` is
pointed at ``/api/v1/openapi.json`` with a bearer token of the role under test and every check.
Used by tests/api/test_contract.py (a bounded run in ``make test``) and bench/contract_fuzz.py
(the long run). The hooks file signs in again for ``POST /auth/logout``, so the one operation
that revokes a token never revokes the token the rest of the run depends on.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

HOOKS = Path(__file__).with_name("contract_hooks.py")
CONFIG = Path(__file__).with_name("schemathesis.toml")
# Generated sign-ins fail by the hundred from one address, and schemathesis reuses usernames it
# has seen in answers (the other role's, from a client's assignments); the throttle (tested in
# tests/api/test_auth.py) would then refuse the roles' own sign-ins.
CONTRACT_CONFIG = {
    "LOGIN_MAX_FAILURES_PER_ADDRESS": 10**9,
    "LOGIN_MAX_FAILURES_PER_USER": 10**9,
    "TOKEN_IDLE_MINUTES": 600,
}
# From the summary schemathesis prints: "Tested: 60", "323 generated, 85 found 103 unique failures".
_GENERATED = re.compile(r"(\d+) generated")
_OPERATIONS = re.compile(r"API Operations:\s+Selected: \d+/\d+\s+Tested: (\d+)")
_FAILURES = re.compile(r"(\d+) unique failures?")


@dataclass
class ContractRun:
    role: str
    exit_code: int
    operations: int
    cases: int
    failures: int
    output: str

    def summary(self) -> str:
        return (
            f"{self.role}: {self.operations} operations, {self.cases} generated cases, "
            f"{self.failures} failures"
        )


def run_schemathesis(
    base_url: str,
    role: str,
    username: str,
    password: str,
    *,
    max_examples: int,
    seed: int = 1,
    workers: int = 1,
    phases: str = "examples,coverage,fuzzing,stateful",
    log_path: str | Path | None = None,
) -> ContractRun:
    """Run every check of schemathesis against ``base_url`` as ``username`` (a ``role``).

    ``phases``: schemathesis' coverage phase sends a fixed set of boundary cases per parameter
    whatever ``max_examples`` is (thousands of chart renderings here), so the bounded run in
    ``make test`` leaves it to bench/contract_fuzz.py.
    """
    st = Path(sys.executable).with_name("st")
    environment = dict(
        os.environ,
        SCHEMATHESIS_HOOKS="contract_hooks",
        PYTHONPATH=os.pathsep.join([str(HOOKS.parent), os.environ.get("PYTHONPATH", "")]),
        BDC_CONTRACT_BASE=base_url,
        BDC_CONTRACT_USERNAME=username,
        BDC_CONTRACT_PASSWORD=password,
        NO_COLOR="1",
        COLUMNS="200",
    )
    with tempfile.TemporaryDirectory() as folder:
        command = [
            str(st),
            "--config-file",
            str(CONFIG),
            "run",
            f"{base_url}/api/v1/openapi.json",
            "--checks",
            "all",
            "--phases",
            phases,
            "--max-examples",
            str(max_examples),
            "--seed",
            str(seed),
            "--workers",
            str(workers),
            "--suppress-health-check",
            "all",
            "--no-shrink",
            "--request-timeout",
            "60",
            "--report",
            "junit",
            "--report-dir",
            folder,
        ]
        # Written to a file as it runs, so a long run can be followed (tail -f).
        log = Path(log_path) if log_path else Path(folder) / "schemathesis.log"
        with log.open("w") as sink:
            exit_code = subprocess.run(
                command,
                stdout=sink,
                stderr=subprocess.STDOUT,
                env=environment,
                cwd=folder,  # schemathesis keeps a cache in its working directory
                check=False,
            ).returncode
        output = log.read_text()
    return ContractRun(
        role=role,
        exit_code=exit_code,
        operations=_number(_OPERATIONS, output),
        cases=_number(_GENERATED, output),
        failures=_number(_FAILURES, output),
        output=output,
    )


def _number(pattern: re.Pattern, output: str) -> int:
    found = pattern.search(output)
    return int(found.group(1)) if found else 0


def seed_world(password: str) -> dict[str, str]:
    """A director, a technician and a client with one of everything; answers their usernames."""
    from datetime import date

    from bdc.extensions import db
    from bdc.models import Assignment, Client, Event, Incident, Phase, Plan, Session, Target
    from bdc.models.base import utcnow
    from bdc.services import accounts

    director = accounts.create_user(
        username="contract-director", password=password, role="director"
    )
    technician = accounts.create_user(
        username="contract-technician", password=password, role="technician"
    )
    client = Client(code="C-CONTRACT", name="Contract Learner", date_of_birth=date(2018, 5, 4))
    db.session.add(client)
    db.session.flush()
    db.session.add(Assignment(user_id=technician.id, client_id=client.id))
    target = Target(client_id=client.id, name="Hitting", measurement="frequency", params={})
    db.session.add(target)
    db.session.flush()
    db.session.add(
        Phase(target_id=target.id, kind="baseline", label="Baseline", start_date=date(2026, 1, 5))
    )
    db.session.add(
        Plan(
            client_id=client.id,
            series_id=client.id,
            version=1,
            function="escape",
            checklist=["Prompt", "Praise"],
        )
    )
    session = Session(client_id=client.id, observer_id=technician.id, started_at=utcnow())
    db.session.add(session)
    db.session.flush()
    db.session.add(
        Event(
            session_id=session.id,
            target_id=target.id,
            kind="count",
            t=utcnow(),
            recorded_by=technician.id,
        )
    )
    db.session.add(
        Incident(
            client_id=client.id, reported_by=technician.id, occurred_at=utcnow(), type="elopement"
        )
    )
    db.session.commit()
    return {"director": director.username, "technician": technician.username}


def as_json(runs: list[ContractRun]) -> str:
    return json.dumps(
        [
            {"role": r.role, "operations": r.operations, "cases": r.cases, "failures": r.failures}
            for r in runs
        ]
    )
