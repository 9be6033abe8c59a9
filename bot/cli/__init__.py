"""The ``schedbot`` command line."""
