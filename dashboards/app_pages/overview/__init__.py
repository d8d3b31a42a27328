"""Overview: statewide headline figures with their trend, feed freshness, the build."""
