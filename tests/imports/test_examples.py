from pathlib import Path

import pytest

from awards.imports.metrics_import import metrics_import

from .conftest import national_committee

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize("name, number_format, counts", [
    ("metrics-employers.csv", "plain", (4, 31)),
    ("metrics-employers.xlsx", "id", (4, 31)),  # no text number: the default
    ("metrics-governments-id.csv", "id", (3, 27)),
])
def test_examples_import_cleanly_and_only_once_without_any_option(regions, name, number_format, counts):
    """The shipped examples, the Indonesian one included, import with zero problems and no option: each file's
    number format is read from its own numbers."""
    first = metrics_import(acting_user=national_committee(), path=EXAMPLES / name, year=2024)
    again = metrics_import(acting_user=national_committee(), path=EXAMPLES / name, year=2024)
    assert (first.problems, first.number_format, (first.nominees_new, first.values_new)) == ([], number_format, counts)
    assert (again.nominees_unchanged, again.values_unchanged, again.values_new, again.values_changed) == (
        counts[0], counts[1], 0, 0)
