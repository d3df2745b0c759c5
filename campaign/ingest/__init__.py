"""Documents in, calls to action out: extraction, signatory lists and grouping of calls."""
