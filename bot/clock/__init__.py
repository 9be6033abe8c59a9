"""The scheduler process: the job table and APScheduler."""
