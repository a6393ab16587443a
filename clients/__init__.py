"""The reference DashScope client (sync and async, on httpx)."""
