"""The HTTP layer: the raw-ASGI gateway, the task, upload, result and admin endpoints; `app.py` assembles them."""
