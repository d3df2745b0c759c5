"""A minimal Flask app returning a constant: the machine's own ceiling, printed beside ours.

The issue quotes about 6,000 requests/s for it with 2 gunicorn workers on an idle machine;
measuring it in the same run shows how busy the machine was while the bench ran.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def constant() -> str:
    return "ok"
