"""`dlocr eval`: run a reader over a labelled folder and measure it (readers, metrics, reports)."""
