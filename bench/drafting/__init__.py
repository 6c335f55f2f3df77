"""Drafting benchmark: convention pass rate of code-rendered parts and invented figures caught."""
