"""The benchmarks' tests use the import tests' regions and users."""
from tests.imports.conftest import regions, users  # noqa: F401  (fixtures)
