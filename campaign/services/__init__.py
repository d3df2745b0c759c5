"""Domain logic shared by the views, the CLI and the worker. No flask.request in here."""
