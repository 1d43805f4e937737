"""Tests of the SIP engine, its CLI and caller id, against real SIP peers over loopback."""
