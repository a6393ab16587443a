"""The spec layer: load `openapi/dashscope.yaml`, typed model profiles, the error catalogue."""
