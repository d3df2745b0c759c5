"""Documents in, calls to action out: reading documents and extracting what they ask for."""
