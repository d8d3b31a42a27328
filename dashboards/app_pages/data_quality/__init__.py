"""Data quality (state analysts only): rule results, quarantine, the disclosure audit."""
