"""schemathesis holds the live API to its OpenAPI document, for a director and a technician.

Every check, a bounded number of examples per operation (``BDC_CONTRACT_EXAMPLES``, default
below) so ``make test`` stays within its budget; bench/contract_fuzz.py is the long run. Marked
``contract``: ``make test`` runs it in the SQLite pass (the server under test is the same code on
PostgreSQL, and the PostgreSQL-specific inputs have their own tests in test_contract_rules.py).
"""

from __future__ import annotations

import os

import pytest

from tests.contract import CONTRACT_CONFIG, run_schemathesis, seed_world
from tests.e2e.pwa import LiveServer

EXAMPLES = int(os.environ.get("BDC_CONTRACT_EXAMPLES", "10"))
PASSWORD = "contract-password-1"


@pytest.mark.contract
def test_the_api_keeps_its_openapi_contract(app, ctx, monkeypatch):
    for key, value in CONTRACT_CONFIG.items():
        monkeypatch.setitem(app.config, key, value)
    usernames = seed_world(PASSWORD)
    with LiveServer(app) as live:
        runs = [
            run_schemathesis(
                live.url,
                role,
                usernames[role],
                PASSWORD,
                max_examples=EXAMPLES,
                phases="examples,fuzzing,stateful",
            )
            for role in ("director", "technician")
        ]
    for run in runs:
        print(run.summary())
    for run in runs:
        assert run.operations >= 60 and run.cases > 0, run.output
        assert run.failures == 0 and run.exit_code == 0, run.output
