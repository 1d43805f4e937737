"""SIP user agent over pjsua2: plain Python call events and commands."""
