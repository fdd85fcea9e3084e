"""Widgets the shell and the panes share: the status header, the chat panel, pane states."""
