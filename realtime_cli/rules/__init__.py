"""The rule catalogue (``catalog``) and one module per cross-event rule family."""
