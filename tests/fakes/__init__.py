"""In-memory implementations of core ports for tests."""
