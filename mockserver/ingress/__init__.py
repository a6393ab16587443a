"""Ingress: the ways a request reaches the twin besides its plain port (docs/interception.md).

- `ca.py`: the twin's local certificate authority and the leaf certificate for the service's host names.
- `tls.py`: the HTTPS listener (uvicorn with that leaf) and the servers `serve` runs on one event loop.
- `proxy.py`: the CONNECT proxy that answers for the service's host names only and never connects out.
- `intercept.py`: the pytest fixture's in-process redirect (name resolution and TLS trust), fail-closed.

Nothing below `http` imports this package; it sits beside `cli.py` and `testing/` at the top of the layers.
"""
