"""Program integrity (state analysts only): findings by rule, money at risk, lines."""
