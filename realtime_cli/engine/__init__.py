"""One pass per input: the schema store and explanations, the run loop, parallel split and merge."""
