"""File formats in and out: the protection-metrics import and export (CSV and XLSX)."""
