"""Tests of the operator workspace (app/): view models and the window, driven offscreen."""
