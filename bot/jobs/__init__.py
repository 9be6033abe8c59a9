"""Job bodies shared by the clock and the Slack commands that run the same work on demand."""
