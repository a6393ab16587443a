"""The wire layer: pure functions that build what the service sends (task bodies, lists, envelopes, OSS XML, URLs)."""
