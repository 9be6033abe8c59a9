"""Job queue adapters (``core.ports.JobQueue``) that need more than the standard library."""
