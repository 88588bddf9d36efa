"""Fake outside services on 127.0.0.1 that speak the real protocols (DESIGN §7)."""
