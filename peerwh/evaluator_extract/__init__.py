"""The evaluator extract (RPT-02): the whole published waiver-metrics table in the tidy shape of
CMS section 1115 monitoring workbooks, with its data dictionary, metric sheet and data issues.

Built only from public tables of a published snapshot (`rpt_waiver_metrics`, already suppressed
and audited under RPT-03, and the reference tables `waiver_metrics_catalog` and
`policy_parameters`), so it can carry nothing the disclosure audit has not passed: a suppressed
cell stays empty and flagged, and a baseline is copied from a published row, never recomputed.

Pure functions (data in, frames or bytes out); the Waiver metrics page offers the files. The
layout and its data dictionary are in `layout`, demonstration years in `years`, the tidy table
in `table`, the data issues in `data_issues`, the whole extract in `result` and the files in
`writers`; every public name is importable from here.
"""

from peerwh.evaluator_extract.data_issues import DataIssue, data_issues, issues_frame
from peerwh.evaluator_extract.layout import (
    BASELINE_PERIOD_TYPES,
    CLAIMS_SOURCE_MODELS,
    COLUMNS,
    DICTIONARY,
    EXTRACT_NAME,
    LEVEL_ORDER,
    OVERLAPPING_STRATA,
    PERIOD_ORDER,
    RATE_DECIMALS,
    SPEC_VERSION,
    STATE_NAME,
    SUPPRESSION_TEXT,
    ExtractError,
    dictionary_frame,
    dictionary_markdown,
)
from peerwh.evaluator_extract.result import Extract, extract, metrics_frame
from peerwh.evaluator_extract.table import build, period_complete
from peerwh.evaluator_extract.writers import (
    PARQUET_KEYS,
    WIDE_COLUMNS,
    csv_bytes,
    dictionary_csv_bytes,
    parquet_bytes,
    xlsx_bytes,
)
from peerwh.evaluator_extract.years import DemonstrationYears, reporting_period

__all__ = [
    "BASELINE_PERIOD_TYPES",
    "CLAIMS_SOURCE_MODELS",
    "COLUMNS",
    "DICTIONARY",
    "EXTRACT_NAME",
    "LEVEL_ORDER",
    "OVERLAPPING_STRATA",
    "PARQUET_KEYS",
    "PERIOD_ORDER",
    "RATE_DECIMALS",
    "SPEC_VERSION",
    "STATE_NAME",
    "SUPPRESSION_TEXT",
    "WIDE_COLUMNS",
    "DataIssue",
    "DemonstrationYears",
    "Extract",
    "ExtractError",
    "build",
    "csv_bytes",
    "data_issues",
    "dictionary_csv_bytes",
    "dictionary_frame",
    "dictionary_markdown",
    "extract",
    "issues_frame",
    "metrics_frame",
    "parquet_bytes",
    "period_complete",
    "reporting_period",
    "xlsx_bytes",
]
