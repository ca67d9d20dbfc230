"""The Slack face."""
