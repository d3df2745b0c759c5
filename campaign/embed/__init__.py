"""The sign form built to be framed by partner websites."""
