"""Renderings: the reporters of validate and the terminal views of show, ls and stats."""
