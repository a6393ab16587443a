"""The contract suite: one set of tests, target = the mock or a real base URL."""
