"""make test-deps: the published dependency ranges, tested at their lowest and newest versions."""
