"""Shipped reference data the rules judge against: OS end-of-life dates, version minimums.

Plain Python tables so they ship inside the wheel and load without I/O; update them with
each release of pxa.
"""
