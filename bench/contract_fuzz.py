"""The long schemathesis run: every operation, every check, as a director and a technician.

The app is served on 127.0.0.1 from a temporary SQLite database seeded with one client and one
of everything under it (tests/contract.py); ``st run`` generates requests from the OpenAPI
document for each role's bearer token. ``make test`` runs the same with a few examples per
operation (tests/api/test_contract.py); this script runs many more.

    .venv/bin/python bench/contract_fuzz.py [--examples 25] [--seed 1] [--workers 1]

Prints operations, generated cases and failures per role; exits 1 if any role has a failure,
and then prints schemathesis' own report of each.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bdc import create_app  # noqa: E402
from tests.contract import CONTRACT_CONFIG, run_schemathesis, seed_world  # noqa: E402
from tests.e2e.pwa import LiveServer  # noqa: E402

PASSWORD = "contract-password-1"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=25, help="examples per operation")
    parser.add_argument("--seed", type=int, default=1)
    # One worker: hypothesis parses lambdas with the ast module, which is not thread-safe on
    # Python 3.11 (two workers end some operations in "AST constructor recursion depth mismatch").
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--phases",
        default="examples,coverage,fuzzing,stateful",
        help="schemathesis phases (make test runs examples,fuzzing,stateful)",
    )
    parser.add_argument("--verbose", action="store_true", help="print schemathesis' output")
    parser.add_argument("--log", help="write schemathesis' output to LOG-<role>.txt as it runs")
    arguments = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "DATABASE_URL": f"sqlite:///{folder}/contract.db",
                "SECRET_KEY": "contract-bench",
                "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
                **CONTRACT_CONFIG,
            }
        )
        app.instance_path = folder
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            usernames = seed_world(PASSWORD)
        runs = []
        with LiveServer(app) as live:
            for role in ("director", "technician"):
                run = run_schemathesis(
                    live.url,
                    role,
                    usernames[role],
                    PASSWORD,
                    max_examples=arguments.examples,
                    seed=arguments.seed,
                    workers=arguments.workers,
                    phases=arguments.phases,
                    log_path=f"{arguments.log}-{role}.txt" if arguments.log else None,
                )
                runs.append(run)
                print(run.summary(), flush=True)
                if arguments.verbose or run.failures or run.exit_code:
                    print(run.output)
    return 1 if any(r.failures or r.exit_code for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
