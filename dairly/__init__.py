"""dairly: keep a daily-learning notes repository and its README in sync."""

__version__ = "0.1.0"
