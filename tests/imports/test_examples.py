from pathlib import Path

import pytest

from awards.imports.metrics_import import metrics_import

from .conftest import national_committee

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize("name, indonesian, counts", [
    ("metrics-employers.csv", False, (4, 31)),
    ("metrics-employers.xlsx", False, (4, 31)),
    ("metrics-governments-id.csv", True, (3, 27)),
])
def test_examples_import_cleanly_and_only_once(regions, name, indonesian, counts):
    first = metrics_import(acting_user=national_committee(), path=EXAMPLES / name, year=2024, indonesian_numbers=indonesian)
    again = metrics_import(acting_user=national_committee(), path=EXAMPLES / name, year=2024, indonesian_numbers=indonesian)
    assert (first.problems, (first.nominees_new, first.values_new)) == ([], counts)
    assert (again.nominees_unchanged, again.values_unchanged, again.values_new, again.values_changed) == (
        counts[0], counts[1], 0, 0)
