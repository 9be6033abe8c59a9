"""Steps of the Slack surfaces that several listeners share: making a schedule change and answering
with its outcome, posting an auto-scheduler proposal, the time-off request cards, the team pages,
the standing-data forms, and finishing a Retail Link sign-in.

Listener modules import these (and ``bot.slack``'s payload, reply and deadline helpers), never each
other. Business rules stay in core; a flow only strings core calls and Slack calls together.
"""
