"""Process-level smoke tests: the real ``schedbot`` command as a subprocess against loopback fakes."""
