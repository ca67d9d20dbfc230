"""The Slack face."""

FACE = "slack"  # the face named on every command and audit row from Slack
