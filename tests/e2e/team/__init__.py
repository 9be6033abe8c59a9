"""Team setup in Slack, end to end: roster, Edit… modal, review, links, roster CSV uploads."""
