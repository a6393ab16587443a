"""The domain layer: tasks, clock, accounts, scenarios, faults, validation, inputs, uploads. No HTTP, no JSON shapes."""
