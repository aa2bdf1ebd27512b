"""Extracts: canonical schema, loading (CSV/XLSX, wide/long), validation, synthetic data."""
