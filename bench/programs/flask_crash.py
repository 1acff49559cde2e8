"""The Flask crash of the snapshot figure: a view that divides by zero, requested once through
Flask's test client (the whole WSGI stack, no socket); Flask catches it, and the capture
(on ``PYTHONPATH`` with its sitecustomize) writes the snapshot."""
from flask import Flask, request

app = Flask(__name__)


@app.route("/ratio")
def ratio():
    password = "".join(["s3", "cr3t"])
    total = int(request.args.get("total", "10"))
    parts = int(request.args.get("parts", "0"))
    basket = {"items": [{"sku": "A%d" % n, "qty": n} for n in range(50)], "owner": "someone"}
    return {"ratio": total / parts, "basket": basket, "password": password}


app.test_client().get("/ratio?total=7")
