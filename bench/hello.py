"""The ceiling: a bare Flask hello-world, served by the same gunicorn as the app (`bench.hello:app`).

Every case's throughput is quoted as a fraction of this one, measured in the same run: it is what a
request costs when Flask does nothing but answer.
"""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
