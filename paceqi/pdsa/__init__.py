"""The PDSA tracker: aims, drivers, change ideas, ramps of PDSA cycles and annotations.

Modules (one job each): :mod:`~paceqi.pdsa.vocab` (closed vocabularies), ``models`` (the
SQLAlchemy tables), ``store`` (:class:`PDSAStore`, transactional reads and writes),
``migrate`` (Alembic migrations shipped in ``migrations/``), ``document`` (the PDSA YAML v1
document and its validation), ``io`` (YAML / CSV / XLSX import and export), ``quality`` (the
Knudsen et al. 2019 quality check), ``diagram`` (driver diagram SVG), ``widgets`` (the notebook
form) and ``commands`` (``paceqi pdsa ...``).

This package module stays light: ``paceqi --help`` imports ``paceqi.pdsa.commands``.
"""
