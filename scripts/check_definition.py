"""Validate call-definition files and print their reconciliation: python scripts/check_definition.py FILE..."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from shenbao.calls.definition.load import DefinitionInvalid, parse_file, reconcile

status = 0
for name in sys.argv[1:]:
    try:
        definition = parse_file(Path(name))
    except DefinitionInvalid as exc:
        status = 1
        print(f"{name}: INVALID")
        for err in exc.errors:
            print(f"  {err.path}: [{err.type}] {err.message} {err.context or ''}")
        continue
    print(f"{name}: OK, {len(definition.directions)} directions, {len(definition.eligibility)} criteria")
    for line in reconcile(definition):
        print(
            f"  {line.measure}: stated {line.stated}, summed {line.summed}, missing {list(line.missing)}, matches={line.matches}"
        )
sys.exit(status)
